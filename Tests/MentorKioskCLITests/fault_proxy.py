#!/usr/bin/env python3
"""A fault-injecting HTTP proxy between a kiosk and the hub, for the sync tests.

    fault_proxy.py UPSTREAM_PORT SEED

Listens on a free loopback port (printed as "listening on PORT"), and for each request picks,
with a seeded random generator, one of: pass it on; drop the connection before the hub sees
it; answer 503 with Retry-After or 500 itself; pass it on after a delay; or pass it on and cut
the connection after the hub answered (the hub committed, the kiosk never hears). Each fault
is printed as it happens ("fault NAME"), so the test can check that all of them occurred.
"""
import asyncio
import random
import sys

UPSTREAM_PORT = int(sys.argv[1])
RNG = random.Random(int(sys.argv[2]))
FAULTS = ["pass"] * 6 + ["drop", "503", "500", "delay", "cut_after_commit"]


def say(line):
    print(line, flush=True)


async def forward(head, body):
    reader, writer = await asyncio.open_connection("127.0.0.1", UPSTREAM_PORT)
    lines = [line for line in head.split(b"\r\n") if line and not line.lower().startswith(b"connection:")]
    writer.write(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body)
    await writer.drain()
    response = await reader.read()
    writer.close()
    return response


async def handle(client_reader, client_writer):
    try:
        while True:
            try:
                head = await client_reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await client_reader.readexactly(length) if length else b""
            fault = RNG.choice(FAULTS)
            say(f"fault {fault}")
            if fault == "drop":
                return
            if fault in ("503", "500"):
                extra = b"Retry-After: 1\r\n" if fault == "503" else b""
                message = b'{"error":"unavailable","message":"injected by the test proxy"}'
                client_writer.write(b"HTTP/1.1 " + fault.encode() + b" Injected\r\nContent-Type: application/json\r\n" + extra
                                    + b"Content-Length: " + str(len(message)).encode() + b"\r\nConnection: close\r\n\r\n" + message)
                await client_writer.drain()
                return
            if fault == "delay":
                await asyncio.sleep(RNG.uniform(0.2, 1.5))
            response = await forward(head, body)
            if fault == "cut_after_commit":
                return
            client_writer.write(response)
            await client_writer.drain()
            return
    finally:
        client_writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    say(f"listening on {server.sockets[0].getsockname()[1]}")
    async with server:
        await server.serve_forever()


asyncio.run(main())
