#!/usr/bin/env python3
"""A real SMTP server on loopback for the hub's notification tests: aiosmtpd (PyPI) that
refuses mail before STARTTLS and requires AUTH PLAIN over TLS.

    smtp_server.py FOLDER CERT KEY USER PASSWORD

Each message is written to FOLDER as NNN.eml, after lines naming its envelope and whether the
session was encrypted. Prints "listening on PORT" and serves until it is stopped.
"""
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

folder, certificate, key, user, password = sys.argv[1:6]


class Handler:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        path = os.path.join(folder, f"{Handler.count:03d}.eml")
        head = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n"
            f"X-Session-TLS: {session.ssl is not None}\r\n"
            f"X-Session-Auth: {session.authenticated}\r\n"
        )
        with open(path + ".part", "wb") as handle:
            handle.write(head.encode() + envelope.original_content)
        os.rename(path + ".part", path)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    valid = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=valid)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(certificate, key)
port = free_port()
controller = Controller(
    Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
    authenticator=authenticator, auth_required=True, auth_require_tls=True)
controller.start()
print(f"listening on {port}", flush=True)
threading.Event().wait()
