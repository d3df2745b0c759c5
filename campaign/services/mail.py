"""Outgoing mail: queued in the database, delivered over SMTP or written to the outbox folder."""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

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
    msg["From"] = mail_from
    msg["To"] = email.to_address
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(email.created_at)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=str(email.id), domain=domain)
    if email.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST to the link; the page behind it accepts that.
        msg["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(email.body_text)
    return msg


class Transport:
    """Delivers messages: over SMTP when a URL is configured, else to .eml files."""

    def __init__(self, smtp_url: str, outbox_dir: str) -> None:
        self.smtp_url = smtp_url
        self.outbox_dir = Path(outbox_dir)

    def send(self, msg: EmailMessage) -> None:
        if not self.smtp_url:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            path = self.outbox_dir / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(msg.as_bytes())
            return
        parts = urlsplit(self.smtp_url)
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        host = parts.hostname or "127.0.0.1"
        smtp_class: Any = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with smtp_class(host, port, timeout=20) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(msg)


def _claim(session: Session, email_id: int) -> bool:
    """Take a queued message for sending, so that two workers never send it twice."""
    now = utcnow()
    claimed = session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == email_id, OutboundEmail.state == MailState.QUEUED,
               OutboundEmail.next_attempt_at <= now)
        # Held for five minutes: if this worker dies mid-send, another picks it up later.
        .values(next_attempt_at=now + timedelta(minutes=5), attempts=OutboundEmail.attempts + 1)
    ).rowcount
    session.commit()
    return claimed == 1


def deliver(session: Session, email_id: int, transport: Transport, mail_from: str,
            max_attempts: int) -> bool:
    """Send one queued message; on failure schedule a retry or mark it failed."""
    if not _claim(session, email_id):
        return False
    email = session.get(OutboundEmail, email_id)
    assert email is not None
    try:
        transport.send(build_message(email, mail_from))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("sending mail %s failed: %s", email_id, exc)
        email.last_error = str(exc)[:500]
        if email.attempts >= max_attempts:
            email.state = MailState.FAILED
        else:
            # Back off: 1, 2, 4, 8 ... minutes.
            email.next_attempt_at = utcnow() + timedelta(minutes=2 ** (email.attempts - 1))
        session.commit()
        return False
    email.state = MailState.SENT
    email.sent_at = utcnow()
    email.last_error = ""
    session.commit()
    return True


def due_email_ids(session: Session, limit: int = 100) -> list[int]:
    """Ids of queued messages whose time has come, oldest first."""
    return list(session.scalars(
        select(OutboundEmail.id)
        .where(OutboundEmail.state == MailState.QUEUED, OutboundEmail.next_attempt_at <= utcnow())
        .order_by(OutboundEmail.id).limit(limit)))


def deliver_due(session: Session, transport: Transport, mail_from: str, max_attempts: int) -> int:
    """Send every message that is due; returns how many went out."""
    sent = 0
    for email_id in due_email_ids(session):
        sent += deliver(session, email_id, transport, mail_from, max_attempts)
    return sent


def retry_failed(session: Session, email_id: int) -> None:
    """Put a failed message back in the queue."""
    session.execute(update(OutboundEmail)
                    .where(OutboundEmail.id == email_id, OutboundEmail.state == MailState.FAILED)
                    .values(state=MailState.QUEUED, attempts=0, next_attempt_at=utcnow()))
    session.commit()


def display_address(name: str, address: str) -> str:
    """`Name <address>` with the name encoded as needed."""
    return formataddr((check_header_value(name), check_header_value(address)))
