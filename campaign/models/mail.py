"""The outbox: every email is a row first, written in the transaction that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow


class MailState(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    # Gave up after MAIL_MAX_ATTEMPTS; shown to organizers, can be retried by hand.
    FAILED = "failed"


class OutboundEmail(Base):
    __tablename__ = "outbound_emails"
    __table_args__ = (Index("ix_outbound_emails_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The campaign the message belongs to: only its owners see it in the outbox.
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # What the message is about, for organizers reading the outbox ("confirm-signature", ...).
    kind: Mapped[str] = mapped_column(String(40), default="")
    # Supporter mail carries a one-click unsubscribe link in its List-Unsubscribe header.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[MailState] = mapped_column(
        Enum(MailState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
