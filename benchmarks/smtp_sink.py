"""An SMTP server for bench_mail.py, run as a process of its own: aiosmtpd, counting.

Usage: smtp_sink.py PORT LATENCY_MS [CERT KEY]. With a certificate it offers STARTTLS and
requires it, and accepts any login after it, as a mail provider's submission port does. It
answers EHLO, MAIL, RCPT and the end of each message LATENCY_MS late, as a server that far away
would. On SIGTERM it prints what it received as one JSON line: SMTP sessions (connections that
said EHLO; one that starts TLS says it twice) and messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import ssl
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class CountingSink:
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.sessions = 0
        self.messages = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        await asyncio.sleep(self.latency)
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        await asyncio.sleep(self.latency)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        await asyncio.sleep(self.latency)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.latency)
        self.messages += 1
        return "250 OK"


def _any_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    return AuthResult(success=True)


def main() -> None:
    # aiosmtpd logs a warning about its own attribute at every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    port = int(sys.argv[1])
    sink = CountingSink(int(sys.argv[2]) / 1000)
    options: dict[str, Any] = {}
    if len(sys.argv) > 4:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        options = {"tls_context": context, "require_starttls": True,
                   "authenticator": _any_login, "auth_require_tls": True}
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()
    print(json.dumps({"sessions": sink.sessions, "messages": sink.messages}), flush=True)


if __name__ == "__main__":
    main()
