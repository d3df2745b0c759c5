"""Organisations that co-sign a petition written as a joint statement."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow
from campaign.models.petitions import Petition


class CosignState(enum.Enum):
    # Waiting for the contact person to confirm by email.
    PENDING = "pending"
    # Confirmed by the contact; waiting for an organizer.
    CONFIRMED = "confirmed"
    # Shown on the public page.
    APPROVED = "approved"
    REJECTED = "rejected"


class OrganisationSignature(Base):
    __tablename__ = "organisation_signatures"
    __table_args__ = (
        Index("ix_organisation_signatures_petition_id_state", "petition_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    website: Mapped[str] = mapped_column(String(300), default="")
    # The contact is personal data: never shown publicly, erased with the retention rules.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    state: Mapped[CosignState] = mapped_column(
        Enum(CosignState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=CosignState.PENDING)
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    petition: Mapped[Petition] = relationship()
