"""What the dashboard and fraud handling keep beside signatures: page views, milestones sent,
invalidated groups, and the indexes their GROUP BYs need."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow
from campaign.models.signatures import Signature, SignatureState


class PetitionDailyViews(Base):
    """Page views of a petition per day: one row per day, incremented, never a row per view."""

    __tablename__ = "petition_daily_views"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class MilestoneNotice(Base):
    """A milestone whose email went out; the unique row is what makes it go out once."""

    __tablename__ = "milestone_notices"
    __table_args__ = (UniqueConstraint("petition_id", "milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    milestone: Mapped[int]
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invalidation(Base):
    """A group of signatures an organizer invalidated, with the reason; restorable."""

    __tablename__ = "invalidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             index=True)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    # What the group was: "ip 3f2a… 2026-11-23 10:20", for the audit log and the list.
    description: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvalidatedSignature(Base):
    """One signature of an invalidation, with the state it had, so restoring puts it back."""

    __tablename__ = "invalidated_signatures"

    invalidation_id: Mapped[int] = mapped_column(
        ForeignKey("invalidations.id", ondelete="CASCADE"), primary_key=True)
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True, index=True)
    previous_state: Mapped[SignatureState] = mapped_column(
        Enum(SignatureState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]))


# Covering indexes for the dashboard's GROUP BYs over a petition's confirmed signatures:
# each one is read as an index-only scan instead of touching a million table rows.
Index("ix_signatures_petition_id_state_confirmed_at",
      Signature.petition_id, Signature.state, Signature.confirmed_at)
Index("ix_signatures_petition_id_state_source", Signature.petition_id, Signature.state,
      Signature.source)
Index("ix_signatures_petition_id_state_country_postcode", Signature.petition_id,
      Signature.state, Signature.country, Signature.postcode)
