"""Outgoing mail: queued in the database, delivered over SMTP or written to the outbox folder."""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from campaign.db import insert_row, utcnow
from campaign.models import MailState, OutboundEmail

log = logging.getLogger(__name__)

# Characters that would end a header line or smuggle one in. RFC 2047 encoded words are
# decoded by some clients, so their encoded newlines are refused too (CVE-2024-6923).
_HEADER_BREAKERS = ("\r", "\n", "\x00", "\u2028", "\u2029", "\x85")


class HeaderInjectionError(ValueError):
    """A value meant for an email header would have ended the header."""


def check_header_value(value: str) -> str:
    """Refuse a header value that could end its line or hide a newline in an encoded word."""
    if any(ch in value for ch in _HEADER_BREAKERS):
        raise HeaderInjectionError("line breaks are not allowed here")
    lowered = value.lower()
    if "=?" in lowered and "?=" in lowered:
        raise HeaderInjectionError("encoded words are not allowed here")
    return value


def queue_email(session: Session, *, to: str, subject: str, body: str, kind: str = "",
                reply_to: str = "", campaign_id: int | None = None,
                unsubscribe_url: str = "", not_before: datetime | None = None) -> int:
    """Add a message to the outbox in the caller's transaction; it is sent after commit.

    Returns the message's id. `campaign_id` names the campaign whose owners may see the
    message in the outbox; `not_before` holds it back until then.
    """
    return add_to_outbox(session.connection(), outbox_row(
        to=to, subject=subject, body=body, kind=kind, reply_to=reply_to,
        campaign_id=campaign_id, unsubscribe_url=unsubscribe_url, not_before=not_before))


def outbox_row(*, to: str, subject: str, body: str, kind: str = "", reply_to: str = "",
               campaign_id: int | None = None, unsubscribe_url: str = "",
               not_before: datetime | None = None) -> dict[str, Any]:
    """The outbox row of a message, its header values checked; see queue_email.

    For a caller that writes it in a statement of its own making (the PostgreSQL sign path
    writes the confirmation email in the signature's statement).
    """
    for value in (to, subject, reply_to, unsubscribe_url):
        check_header_value(value)
    now = utcnow()
    return {"to_address": to, "subject": subject, "body_text": body, "kind": kind,
            "reply_to": reply_to, "campaign_id": campaign_id, "unsubscribe_url": unsubscribe_url,
            "state": MailState.QUEUED, "attempts": 0, "last_error": "", "created_at": now,
            "next_attempt_at": not_before or now, "sent_at": None}


def add_to_outbox(conn: Connection, row: dict[str, Any]) -> int:
    """Insert an outbox row (outbox_row) on the caller's connection; its id.

    One prepared INSERT (db.insert_row): this runs on the sign path, where an ORM flush cost
    more than the rest of the write.
    """
    return insert_row(conn, OutboundEmail.__table__, row)


def build_message(email: OutboundEmail, mail_from: str) -> EmailMessage:
    """The MIME message for an outbox row; every header comes from the server side."""
    msg = EmailMessage()
    _set_header(msg, "From", mail_from)
    _set_header(msg, "To", email.to_address)
    if email.reply_to:
        _set_header(msg, "Reply-To", email.reply_to)
    _set_header(msg, "Subject", email.subject)
    _set_header(msg, "Date", format_datetime(email.created_at))
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    _set_header(msg, "Message-ID", make_msgid(idstring=str(email.id), domain=domain))
    if email.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST to the link; the page behind it accepts that.
        _set_header(msg, "List-Unsubscribe", f"<{email.unsubscribe_url}>")
        _set_header(msg, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    msg.set_content(email.body_text)
    return msg


def _set_header(msg: EmailMessage, name: str, value: str) -> None:
    """Add a header; a value that is already what goes on the wire is stored as it is.

    The email package parses every value into its header model (addresses, dates, message
    ids), which took more CPU than the rest of sending a message. A value of printable ASCII
    that fits on one line needs no encoding or folding, so it is stored as it is. Anything
    else (a title in Uyghur, a long subject) goes through the model, which encodes and folds it.
    """
    if value.isascii() and value.isprintable() and len(name) + 2 + len(value) <= 78:
        msg.set_raw(name, value)
    else:
        msg[name] = value


# Sends a message with its envelope's sender and recipient: Transport.connection().
Sender = Callable[[EmailMessage, str, str], None]


class Transport:
    """Delivers messages: over SMTP when a URL is configured, else to .eml files.

    The mail server's certificate is verified (STARTTLS and smtps) against the system's
    authorities, or against `ca_file` for a relay with a private one: the connection carries
    the SMTP password and every supporter's address.
    """

    def __init__(self, smtp_url: str, outbox_dir: str, ca_file: str = "") -> None:
        self.smtp_url = smtp_url
        self.outbox_dir = Path(outbox_dir)
        self.ca_file = ca_file

    @contextmanager
    def connection(self) -> Iterator[Sender]:
        """A sender for many messages in turn: one SMTP connection, opened for the first.

        It is called with the message and its envelope's sender and recipient (given, so that
        smtplib does not parse them out of the headers again).

        Opening one per message cost more than sending it (a TLS handshake and a login, and
        round trips to a provider far away), which capped a worker far below a surge's pace.
        """
        if not self.smtp_url:
            yield self._write_file
            return
        smtp = _ReusedConnection(self._open)
        try:
            yield smtp.send
        finally:
            smtp.close()

    def _write_file(self, msg: EmailMessage, _sender: str, _recipient: str) -> None:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        path = self.outbox_dir / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(msg.as_bytes())

    def _open(self) -> smtplib.SMTP:
        parts = urlsplit(self.smtp_url)
        host = parts.hostname or "127.0.0.1"
        # smtplib's own default context checks no certificate: anyone on the path could read
        # the login and the mail. This one checks the certificate and the host name.
        context = ssl.create_default_context(cafile=self.ca_file or None)
        smtp: smtplib.SMTP
        if parts.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=20, context=context)
        else:
            smtp = smtplib.SMTP(host, parts.port or 25, timeout=20)
        try:
            if parts.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except BaseException:
            smtp.close()
            raise
        return smtp


class _ReusedConnection:
    """One SMTP connection for messages sent one after another, opened when first needed."""

    def __init__(self, open_connection: Callable[[], smtplib.SMTP]) -> None:
        self._open = open_connection
        self._smtp: smtplib.SMTP | None = None

    def send(self, msg: EmailMessage, sender: str, recipient: str) -> None:
        if self._smtp is not None:
            try:
                self._send(self._smtp, msg, sender, recipient)
                return
            except (smtplib.SMTPServerDisconnected, ServerBusy):
                # Servers close a connection that idled, or refuse more on one that has sent
                # its quota: the message did not go; it is tried on a new connection, once.
                pass
        self._smtp = self._open()
        self._send(self._smtp, msg, sender, recipient)

    def _send(self, smtp: smtplib.SMTP, msg: EmailMessage, sender: str, recipient: str) -> None:
        try:
            smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPNotSupportedError as exc:
            # The recipient's address needs SMTPUTF8, which this server does not offer.
            raise MessageRefused(str(exc)) from exc
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
            if not _temporary(exc):
                raise MessageRefused(str(exc)) from exc  # the connection is still good
            self.close()
            raise ServerBusy(str(exc)) from exc
        except smtplib.SMTPSenderRefused as exc:
            self.close()
            if _temporary(exc):
                raise ServerBusy(str(exc)) from exc
            raise  # our own address refused: the setting is wrong, not the message
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


class MessageRefused(Exception):
    """The server will not take this one message (a 5xx for its recipient or its content,
    or an address it cannot carry); the connection goes on with the next."""


class ServerBusy(Exception):
    """The server asked to come back later (a 4xx reply, as when it throttles a sender)."""


def _temporary(exc: smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused) -> bool:
    """Whether the server's reply was a 4xx: try again later, not a refusal."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
    else:
        codes = [exc.smtp_code]
    return all(400 <= code < 500 for code in codes)


# Messages taken for sending at once; at most this many are sent again if a worker dies
# between sending them and recording that they went.
BATCH_SIZE = 50
# A claimed message is left alone this long: if its worker dies, another sends it after that.
CLAIM_HOLD = timedelta(minutes=5)
# After the mail server failed or asked to wait, the messages not yet sent wait this long.
SERVER_RETRY = timedelta(minutes=1)


def claim_due(session: Session, limit: int = BATCH_SIZE) -> list[int]:
    """Take up to `limit` due messages for sending, oldest first; their ids.

    One statement claims them all, so that several workers share a backlog and never send a
    message twice. On PostgreSQL a worker skips rows another is claiming rather than wait.
    """
    now = utcnow()
    due = _due(now)
    oldest = select(OutboundEmail.id).where(due).order_by(OutboundEmail.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    # A CTE, not `id IN (subquery)`: PostgreSQL may run such a subquery again for each row it
    # updates, and each run locks the next rows: a batch of 50 claimed every row due.
    batch = oldest.cte("batch")
    claimed = session.scalars(
        update(OutboundEmail)
        # `due` again: a row claimed by another worker meanwhile no longer matches.
        .where(OutboundEmail.id == batch.c.id, due)
        .values(next_attempt_at=now + CLAIM_HOLD, attempts=OutboundEmail.attempts + 1)
        .returning(OutboundEmail.id)
        .execution_options(synchronize_session=False)).all()
    session.commit()
    return sorted(claimed)


def deliver_due(session: Session, transport: Transport, mail_from: str, max_attempts: int,
                *, deadline: float | None = None) -> int:
    """Send every message that is due, batch by batch on one connection; how many went out.

    Stops early when the mail server fails or asks to wait (the rest wait for their retry) or,
    when given a `deadline` (time.monotonic()), after the first batch that ends past it.
    """
    sent = 0
    with transport.connection() as send:
        while ids := claim_due(session):
            delivered, server_failed = _deliver_batch(session, ids, send, mail_from,
                                                      max_attempts)
            sent += delivered
            if server_failed or (deadline is not None and time.monotonic() > deadline):
                break
    return sent


def due_count(session: Session, at_most: int) -> int:
    """How many messages are waiting to be sent now, counted up to `at_most`."""
    due = select(OutboundEmail.id).where(_due(utcnow())).limit(at_most).subquery()
    return int(session.scalar(select(func.count()).select_from(due)) or 0)


def _due(now: datetime) -> ColumnElement[bool]:
    """Queued, and its time (first sending or retry) has come."""
    return (OutboundEmail.state == MailState.QUEUED) & (OutboundEmail.next_attempt_at <= now)


def _deliver_batch(session: Session, ids: list[int], send: Sender, mail_from: str,
                   max_attempts: int) -> tuple[int, bool]:
    """Send claimed messages in turn; (how many went, whether the mail server failed or asked
    to wait)."""
    envelope_from = parseaddr(mail_from)[1]
    emails = session.scalars(select(OutboundEmail).where(OutboundEmail.id.in_(ids))
                             .order_by(OutboundEmail.id)).all()
    delivered: list[int] = []
    server_failed = False
    for position, email in enumerate(emails):
        try:
            message = build_message(email, mail_from)
        except Exception as exc:  # noqa: BLE001 - one bad row must not hold back the rest
            log.exception("mail %s could not be built", email.id)
            _failed(email, exc, max_attempts)
            continue
        try:
            send(message, envelope_from, email.to_address)
        except MessageRefused as exc:
            _failed(email, exc, max_attempts)
        except ServerBusy as exc:
            # Throttled, even on a new connection: this message and the rest of the batch
            # wait a minute and keep their attempts; a surge's mail must not run out of them.
            log.warning("the mail server asks to wait: %s", exc)
            email.last_error = str(exc)[:500]
            _hand_back(emails[position:])
            server_failed = True
            break
        except (OSError, smtplib.SMTPException) as exc:
            _failed(email, exc, max_attempts)
            # Unreachable or broken off: the messages not tried keep their attempts.
            _hand_back(emails[position + 1:])
            server_failed = True
            break
        else:
            delivered.append(email.id)
    if delivered:
        session.execute(update(OutboundEmail).where(OutboundEmail.id.in_(delivered))
                        .values(state=MailState.SENT, sent_at=utcnow(), last_error="")
                        .execution_options(synchronize_session=False))
    session.commit()
    return len(delivered), server_failed


def _hand_back(emails: Sequence[OutboundEmail]) -> None:
    """Claimed messages not sent because of the server: they wait, keeping their attempts."""
    for email in emails:
        email.attempts -= 1
        email.next_attempt_at = utcnow() + SERVER_RETRY


def _failed(email: OutboundEmail, exc: Exception, max_attempts: int) -> None:
    log.warning("sending mail %s failed: %s", email.id, exc)
    email.last_error = str(exc)[:500]
    if email.attempts >= max_attempts:
        email.state = MailState.FAILED
    else:
        # Back off: 1, 2, 4, 8 ... minutes.
        email.next_attempt_at = utcnow() + timedelta(minutes=2 ** (email.attempts - 1))


def retry_failed(session: Session, email_id: int) -> None:
    """Put a failed message back in the queue."""
    session.execute(update(OutboundEmail)
                    .where(OutboundEmail.id == email_id, OutboundEmail.state == MailState.FAILED)
                    .values(state=MailState.QUEUED, attempts=0, next_attempt_at=utcnow()))
    session.commit()


def display_address(name: str, address: str) -> str:
    """`Name <address>` with the name encoded as needed."""
    return formataddr((check_header_value(name), check_header_value(address)))
