"""The mail after a surge: how fast the confirmations signatures asked for go out over SMTP.

A surge of 600 signatures a second asks for 600 confirmation emails a second, and a signature
counts only once its email is answered: mail that drains slower than it arrives leaves
supporters waiting for hours. For each database (SQLite, then PostgreSQL) this signs a petition
as many times (each signature writes the request for its confirmation, as the sign form does),
starts an SMTP server in a process of its own (benchmarks/smtp_sink.py) and times what the
worker runs, `mailer.send_due`, until every request is an email sent: rendering each
confirmation from its request, then sending the outbox. The server: on this machine, plain
and with STARTTLS and a login (a provider's submission port); then with STARTTLS answering
every command 20 ms late, as a provider that far away would, with one SMTP connection and
with the default MAIL_CONNECTIONS. Prints messages/s, the sender's CPU per message (rendering
included) and how many SMTP sessions it opened.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import trustme
from sqlalchemy import func, select
from stack import Stack, free_port, postgres_url, scratch_postgres, scratch_sqlite

from campaign import create_app, mailer
from campaign.config import DEFAULTS
from campaign.extensions import db
from campaign.models import MailState, OutboundEmail
from campaign.services import petitions, signing

DEFAULT_CONNECTIONS = DEFAULTS["MAIL_CONNECTIONS"]
HERE = Path(__file__).resolve().parent
# The petition signed; the confirmations are the app's own, rendered by the mail sender.
SLUG = "mail"


@contextmanager
def smtp_sink(tls: trustme.LeafCert | None, latency_ms: int = 0
              ) -> Iterator[tuple[int, dict[str, int]]]:
    """The SMTP server process on a free port; yields the port and, once it stopped, its counts."""
    port = free_port()
    args = [sys.executable, str(HERE / "smtp_sink.py"), str(port), str(latency_ms)]
    with tempfile.TemporaryDirectory() as folder:
        if tls is not None:
            cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
            tls.cert_chain_pems[0].write_to_path(str(cert))
            tls.private_key_pem.write_to_path(str(key))
            args += [str(cert), str(key)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)  # noqa: S603
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP server did not start")
        counts: dict[str, int] = {}
        try:
            yield port, counts
        finally:
            process.terminate()
            counts.update(json.loads(process.stdout.read().strip().splitlines()[-1]))
            process.wait(10)


def queue(app: Any, count: int) -> None:
    """`count` signatures of the petition, each asking for its confirmation."""
    with app.app_context():
        petition = petitions.public_petition(db.session, SLUG)
        assert petition is not None
        for n in range(count):
            signing.sign(db.session, petition, signing.SignatureRequest(
                name=f"Signer {n}", email=f"signer{n}@example.org", country="BE"))
        db.session.commit()


def drain(database_url: str, smtp_url: str, ca_file: str, messages: int,
          connections: int) -> dict[str, Any]:
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key-" + "x" * 32,
                      "SMTP_URL": smtp_url, "SMTP_CA_FILE": ca_file, "MAIL_DELIVERY": "worker",
                      "MAIL_CONNECTIONS": connections})
    queue(app, messages)
    wall, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    calls = 0
    # What the worker does: send_due again while mail is due (jobs and sweeps); the first
    # call turns the requests into emails.
    while (calls == 0 or mailer.mail_due(app)) and calls < messages:
        mailer.send_due(app)
        calls += 1
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = time.perf_counter() - wall
    cpu_s = used.ru_utime - cpu.ru_utime + used.ru_stime - cpu.ru_stime
    with app.app_context():
        sent = db.session.scalar(select(func.count(OutboundEmail.id))
                                 .where(OutboundEmail.state == MailState.SENT))
    db.dispose()
    return {"messages": messages, "messages_per_s": round(messages / seconds, 1),
            "seconds": round(seconds, 2),
            "sender_cpu_ms_per_message": round(1000 * cpu_s / messages, 3),
            "send_due_calls": calls, "sent": sent}


# (name, STARTTLS and login, each answer's delay in ms, SMTP connections, messages queued)
SCENARIOS = [
    ("here, plain", False, 0, DEFAULT_CONNECTIONS, 3000),
    ("here, STARTTLS", True, 0, DEFAULT_CONNECTIONS, 3000),
    ("20 ms away, STARTTLS, 1 connection", True, 20, 1, 400),
    (f"20 ms away, STARTTLS, {DEFAULT_CONNECTIONS} connections", True, 20, DEFAULT_CONNECTIONS,
     400),
]


def run_scenario(database: str, tls: trustme.LeafCert | None, ca_file: str, latency_ms: int,
                 connections: int, messages: int) -> dict[str, Any]:
    """One drain on a migrated scratch database against a fresh SMTP server."""
    Stack("mail", database).prepare(SLUG)
    with smtp_sink(tls, latency_ms) as (port, counts):
        smtp_url = (f"smtp+starttls://bench:secret@127.0.0.1:{port}" if tls
                    else f"smtp://127.0.0.1:{port}")
        figures = drain(database, smtp_url, ca_file, messages, connections)
    figures.update(smtp_sessions=counts["sessions"], arrived=counts["messages"])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", type=postgres_url,
                        default="postgresql://postgres@127.0.0.1:5432/test")
    options = parser.parse_args()
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        ca_file = str(Path(folder, "ca.pem"))
        authority.cert_pem.write_to_path(ca_file)
        for name in ("sqlite", "postgresql"):
            for scenario, tls, latency_ms, connections, messages in SCENARIOS:
                with (scratch_sqlite() if name == "sqlite"
                      else scratch_postgres(options.postgres_url)) as database:
                    figures = run_scenario(database, leaf if tls else None, ca_file,
                                           latency_ms, connections, messages)
                results.setdefault(name, {})[scenario] = figures
                print(f"{name:10s} {scenario:38s} {figures['messages_per_s']:7.1f} messages/s "
                      f"({figures['seconds']} s for {messages}), sender CPU "
                      f"{figures['sender_cpu_ms_per_message']} ms/message, "
                      f"{figures['smtp_sessions']} EHLOs, {figures['send_due_calls']} "
                      f"send_due calls, {figures['arrived']} arrived, "
                      f"{figures['sent']} marked sent", flush=True)
    out = Path(__file__).resolve().parent.parent / "instance" / "bench_mail.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
