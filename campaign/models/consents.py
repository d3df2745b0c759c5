"""Consents: what a supporter agreed to, the exact words they were shown, and how."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow


class ConsentText(Base):
    """One wording of a consent, as shown; a new wording is a new row (its hash is the version)."""

    __tablename__ = "consent_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "updates" (emails from the organizer) or "show_name" (first name shown publicly).
    purpose: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # SHA-256 of purpose, language and text: the same words always map to the same row.
    text_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consent(Base):
    """A supporter's consent to one purpose; withdrawing sets `withdrawn_at`, it is never deleted
    while the person exists (it is the proof), and goes with them on erasure."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_signatory_id_purpose", "signatory_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    consent_text_id: Mapped[int] = mapped_column(ForeignKey("consent_texts.id"))
    # How it was given: "petition-form", "embed", "letter", "cosign-form".
    method: Mapped[str] = mapped_column(String(32))
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
