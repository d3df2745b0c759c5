"""Signatories (people, one per email address) and their signatures."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow
from campaign.models.petitions import Petition


class Signatory(Base):
    """One person across every petition and letter, keyed by their normalised email."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Case-folded and NFKC-normalised: the key that makes "signed twice" impossible.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignatureState(enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    # Held back by abuse limits or invalidated by an organizer: never counted.
    FLAGGED = "flagged"
    INVALIDATED = "invalidated"


class Signature(Base):
    __tablename__ = "signatures"
    __table_args__ = (
        # The guarantee behind "one signature per person per petition", whatever the race.
        UniqueConstraint("petition_id", "signatory_id"),
        Index("ix_signatures_petition_id_state_created_at", "petition_id", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    # Null once the person has erased themselves; the signature then only counts.
    signatory_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatories.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    postcode: Mapped[str] = mapped_column(String(16), default="")
    state: Mapped[SignatureState] = mapped_column(
        Enum(SignatureState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=SignatureState.PENDING)
    consent_updates: Mapped[bool] = mapped_column(default=False)
    show_name: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(64), default="")
    referrer: Mapped[str] = mapped_column(String(300), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    confirmation_sends: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    petition: Mapped[Petition] = relationship()
    signatory: Mapped[Signatory | None] = relationship()
