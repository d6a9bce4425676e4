#!/usr/bin/env python3
"""A real HTTP receiver on loopback for the hub's webhook tests.

    webhook_receiver.py FOLDER FAILURES

Answers the first FAILURES requests with 503, then 204; writes each request it accepts to
FOLDER as NNN.json (its headers as a JSON object, a blank line, then the body). Prints
"listening on PORT" and serves until it is stopped.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

folder, failures = sys.argv[1], int(sys.argv[2])
state = {"seen": 0, "kept": 0}


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        state["seen"] += 1
        if state["seen"] <= failures:
            self.send_response(503)
            self.end_headers()
            return
        state["kept"] += 1
        path = os.path.join(folder, f"{state['kept']:03d}.json")
        with open(path + ".part", "wb") as handle:
            handle.write(json.dumps(dict(self.headers.items())).encode() + b"\n\n" + body)
        os.rename(path + ".part", path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *arguments):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
