"""Getting the outbox out after a surge: batches on one SMTP connection, shared by workers,
a refusal or a lost server costing only what it must, and a verified TLS connection."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from flask import Flask
from sqlalchemy import select

from campaign import mailer
from campaign.extensions import db
from campaign.models import MailState, OutboundEmail
from campaign.services.mail import BATCH_SIZE, claim_due, queue_email
from tests.conftest import MailSink, free_port


def _queue(app: Flask, count: int) -> None:
    with app.app_context():
        for n in range(count):
            queue_email(db.session, to=f"person{n}@example.org", subject=f"Message {n}",
                        body="Please confirm your signature.", kind="confirm-signature")
        db.session.commit()


def _outbox(app: Flask) -> dict[str, tuple[MailState, int, str]]:
    """Recipient -> (state, attempts, last error) of every message in the outbox."""
    with app.app_context():
        return {email.to_address: (email.state, email.attempts, email.last_error)
                for email in db.session.scalars(select(OutboundEmail))}


@contextmanager
def _smtp(handler: Any, **options: Any) -> Iterator[int]:
    """An aiosmtpd server with `handler` on a free port; yields the port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_a_backlog_goes_out_in_batches_over_one_connection(
        app: Flask, smtp_server: MailSink) -> None:
    app.config["MAIL_CONNECTIONS"] = 1
    count = 2 * BATCH_SIZE + 7
    _queue(app, count)
    assert mailer.send_due(app) == count
    assert len(smtp_server.wait_for(count)) == count
    assert smtp_server.sessions == 1
    assert set(_outbox(app).values()) == {(MailState.SENT, 1, "")}
    assert mailer.send_due(app) == 0


def test_a_backlog_is_shared_by_the_configured_connections(
        app: Flask, smtp_server: MailSink) -> None:
    app.config["MAIL_CONNECTIONS"] = 3
    count = 6 * BATCH_SIZE
    _queue(app, count)
    assert mailer.send_due(app) == count
    recipients = [message["To"] for message in smtp_server.wait_for(count)]
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(count))
    assert smtp_server.sessions == 3
    # One message waiting: one connection, not three.
    _queue(app, 1)
    assert mailer.send_due(app) == 1
    assert smtp_server.sessions == 4


def test_a_claim_takes_one_batch_oldest_first(app: Flask) -> None:
    _queue(app, BATCH_SIZE + 10)
    with app.app_context():
        first = claim_due(db.session)
        second = claim_due(db.session)
        assert claim_due(db.session) == []
        ids = sorted(db.session.scalars(select(OutboundEmail.id)))
    assert first == ids[:BATCH_SIZE]
    assert second == ids[BATCH_SIZE:]


def test_workers_sharing_a_backlog_send_each_message_once(
        app: Flask, smtp_server: MailSink) -> None:
    count = 4 * BATCH_SIZE
    _queue(app, count)
    results: list[int] = []
    start = threading.Barrier(3)

    def worker() -> None:
        start.wait()
        results.append(mailer.send_due(app))

    workers = [threading.Thread(target=worker) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(60)
    assert sum(results) == count
    recipients = [message["To"] for message in smtp_server.wait_for(count)]
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(count))
    assert {state for state, _, _ in _outbox(app).values()} == {MailState.SENT}


class _Refusing(MailSink):
    """Refuses one recipient for good, throttles another, and takes at most `quota` messages
    on one connection."""

    def __init__(self, refused: str = "", throttled: str = "", quota: int = 0) -> None:
        super().__init__()
        self.refused, self.throttled, self.quota = refused, throttled, quota

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.quota and getattr(session, "taken", 0) >= self.quota:
            return "421 4.7.0 Too many messages on this connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address == self.refused:
            return "550 5.1.1 No such user"
        if address == self.throttled:
            return "451 4.7.1 Sending rate exceeded, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        session.taken = getattr(session, "taken", 0) + 1
        return await super().handle_DATA(server, session, envelope)


def _send_through(app: Flask, sink: MailSink, queued: int) -> int:
    """Queue messages, then send what is due through a server with `sink`; how many went."""
    with _smtp(sink) as port:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        _queue(app, queued)
        sent = mailer.send_due(app)
        sink.wait_for(sent)
    return sent


def test_a_refused_recipient_holds_back_only_its_message(app: Flask) -> None:
    sink = _Refusing(refused="person3@example.org")
    assert _send_through(app, sink, queued=8) == 7
    outbox = _outbox(app)
    state, attempts, error = outbox.pop("person3@example.org")
    assert (state, attempts) == (MailState.QUEUED, 1) and "No such user" in error
    assert set(outbox.values()) == {(MailState.SENT, 1, "")}
    assert sink.sessions == 1


def test_a_server_that_takes_a_few_messages_per_connection_gets_new_connections(
        app: Flask) -> None:
    app.config["MAIL_CONNECTIONS"] = 1
    sink = _Refusing(quota=4)
    assert _send_through(app, sink, queued=10) == 10
    assert sink.sessions == 3
    assert set(_outbox(app).values()) == {(MailState.SENT, 1, "")}


def test_a_throttling_server_stops_the_run_and_costs_no_attempts(app: Flask) -> None:
    app.config["MAIL_CONNECTIONS"] = 1
    sink = _Refusing(throttled="person2@example.org")
    assert _send_through(app, sink, queued=6) == 2
    outbox = _outbox(app)
    assert outbox.pop("person0@example.org") == outbox.pop("person1@example.org") == (
        MailState.SENT, 1, "")
    state, attempts, error = outbox.pop("person2@example.org")
    assert (state, attempts) == (MailState.QUEUED, 0) and "try again later" in error
    assert set(outbox.values()) == {(MailState.QUEUED, 0, "")}
    # Asked twice, on the first connection and on a new one; then the run waits a minute.
    assert sink.sessions == 2
    assert mailer.mail_due(app) is False


def test_a_message_that_cannot_be_sent_or_built_does_not_hold_back_the_rest(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from campaign.services import mail

    app.config["MAIL_CONNECTIONS"] = 1
    with app.app_context():
        # First in the queue: an address that needs SMTPUTF8, which this server does not offer.
        queue_email(db.session, to="ayşe@exämple.org", subject="Message", body="Body")
        db.session.commit()
    _queue(app, 6)
    building = mail.build_message

    def broken_for_person2(email: OutboundEmail, mail_from: str) -> Any:
        if email.to_address == "person2@example.org":
            raise ValueError("a row the message cannot be built from")
        return building(email, mail_from)

    monkeypatch.setattr(mail, "build_message", broken_for_person2)
    sink = MailSink()
    with _smtp(sink, enable_SMTPUTF8=False) as port:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        assert mailer.send_due(app) == 5
        assert len(sink.wait_for(5)) == 5
    assert sink.sessions == 1
    outbox = _outbox(app)
    for held in ("person2@example.org", "ayşe@exämple.org"):
        state, attempts, error = outbox.pop(held)
        assert (state, attempts) == (MailState.QUEUED, 1) and error  # retried after a back-off
    assert set(outbox.values()) == {(MailState.SENT, 1, "")}


def test_when_the_server_is_gone_the_untried_messages_keep_their_attempts(app: Flask) -> None:
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    _queue(app, 5)
    assert mailer.send_due(app) == 0
    attempts = sorted(attempts for _, attempts, _ in _outbox(app).values())
    assert attempts == [0, 0, 0, 0, 1]
    assert {state for state, _, _ in _outbox(app).values()} == {MailState.QUEUED}
    # Nothing is due until the retry time: the next sweep does not hammer the server.
    assert mailer.mail_due(app) is False


class _Submission(MailSink):
    """A provider's submission port: STARTTLS first, then any login."""

    logins: int = 0


def _any_login(sink: _Submission) -> Any:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        sink.logins += 1
        return AuthResult(success=True)
    return authenticate


@pytest.fixture
def authority(tmp_path: Path) -> Iterator[tuple[trustme.CA, Path]]:
    ca = trustme.CA()
    ca_file = tmp_path / "mail-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    yield ca, ca_file


@contextmanager
def _submission_server(ca: trustme.CA) -> Iterator[tuple[_Submission, int]]:
    sink = _Submission()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    with _smtp(sink, tls_context=server_context, require_starttls=True,
               authenticator=_any_login(sink), auth_require_tls=True) as port:
        yield sink, port


def test_the_mail_servers_certificate_is_checked(
        app: Flask, authority: tuple[trustme.CA, Path]) -> None:
    ca, ca_file = authority
    with _submission_server(ca) as (sink, port):
        app.config["SMTP_URL"] = f"smtp+starttls://campaign:secret@127.0.0.1:{port}"
        _queue(app, 1)
        # A certificate no trusted authority signed: nothing is sent, not even the login.
        assert mailer.send_due(app) == 0
        ((state, _, error),) = _outbox(app).values()
        assert state is MailState.QUEUED
        assert "CERTIFICATE_VERIFY_FAILED" in error
        assert sink.logins == 0 and not sink.messages

        # Trusting the relay's own authority (CAMPAIGN_SMTP_CA_FILE), it goes out.
        app.config["SMTP_CA_FILE"] = str(ca_file)
        with app.app_context():
            db.session.execute(OutboundEmail.__table__.update().values(
                next_attempt_at=OutboundEmail.created_at))
            db.session.commit()
        assert mailer.send_due(app) == 1
        (message,) = sink.wait_for(1)
        assert message["To"] == "person0@example.org"
        assert sink.logins == 1


@pytest.mark.parametrize("subject", [
    "Please confirm your signature: Free them",
    "Please confirm your signature: " + "a very long petition title " * 8,
    "ئىمزايىڭىزنى جەزملەڭ: ئۇلارنى قويۇپ بېرىڭ",
    "Bitte bestätigen Sie Ihre Unterschrift",
])
def test_headers_arrive_as_written_in_any_script_and_length(app: Flask, subject: str) -> None:
    from email import message_from_bytes, policy

    from campaign.services.mail import build_message, display_address

    mail_from = display_address("Uyghur Rights, Europe", "noreply@campaign.test")
    with app.app_context():
        queue_email(db.session, to="ayse@example.org", subject=subject, body="Body",
                    reply_to=display_address("Campaign Team", "team@campaign.test"),
                    unsubscribe_url="https://campaign.test/unsubscribe/" + "t" * 60)
        db.session.commit()
        email = db.session.scalars(select(OutboundEmail)).one()
        wire = build_message(email, mail_from).as_bytes()
    head = wire.split(b"\n\n", 1)[0].decode("ascii")  # every header is ASCII on the wire
    assert max(len(line) for line in head.splitlines()) <= 78
    parsed = message_from_bytes(wire, policy=policy.default)
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Uyghur Rights, Europe"
    assert parsed["Reply-To"] == "Campaign Team <team@campaign.test>"
    assert parsed["To"] == "ayse@example.org"
    assert parsed["List-Unsubscribe"] == "<https://campaign.test/unsubscribe/" + "t" * 60 + ">"
