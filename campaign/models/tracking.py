"""What the dashboard and fraud handling keep beside signatures: page views, milestones sent,
invalidated groups, and the indexes their GROUP BYs need."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import GenericFunction

from campaign.db import Base, UTCDateTime, utcnow
from campaign.models.signatures import Signature, SignatureState


class PetitionDailyViews(Base):
    """Page views of a petition per day: one row per day, incremented, never a row per view."""

    __tablename__ = "petition_daily_views"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)


class DashboardSnapshot(Base):
    """The dashboard's GROUP BY results for one petition, kept a few minutes so that a page
    view reads a row instead of a million; the worker refreshes them in the background."""

    __tablename__ = "dashboard_snapshots"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {"daily": {day: n}, "areas": {label: n}, "sources": {source: n}, "by_state": {state: n}}
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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


class utc_day(GenericFunction[date]):  # noqa: N801 - reads as the SQL function it is
    """The UTC calendar day of a timestamp, as an expression both backends can index."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # Timestamps are stored as "YYYY-MM-DD HH:MM:SS" text in UTC (see UTCDateTime).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    # timezone(text, timestamptz) is immutable, so PostgreSQL can index it.
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


class postcode_area(GenericFunction[str]):  # noqa: N801 - reads as the SQL function it is
    """The first two characters of a postcode, upper-cased: a coarse area, never an address."""

    type = String()
    inherit_cache = True


@compiles(postcode_area)
def _postcode_area(element: Any, compiler: Any, **kw: Any) -> str:
    # Literal numbers, not bound parameters: SQLite only uses an expression index for a
    # query whose expression is written exactly as in the index.
    return f"upper(substr({compiler.process(element.clauses, **kw)}, 1, 2))"


# Covering indexes for the dashboard's GROUP BYs over a petition's confirmed signatures. Each
# GROUP BY follows its index's order, so it is a single index-only pass with no sort or
# temporary table. They hold confirmed signatures only: a new signature is pending, so signing
# writes none of them (each index is another page a signature's transaction writes); confirming
# does. A query uses them only when its WHERE holds CONFIRMED_ONLY written the same way, as a
# literal (a bound parameter does not tell SQLite's planner, nor a generic plan PostgreSQL's,
# which rows the query wants). SQLite counts an index as covering only when it holds every
# column the query names: the state ends each index, after the raw column of an expression.
CONFIRMED_ONLY = text(f"state = '{SignatureState.CONFIRMED.value}'")
Index("ix_signatures_confirmed_petition_id_day", Signature.petition_id,
      utc_day(Signature.confirmed_at), Signature.confirmed_at, Signature.state,
      sqlite_where=CONFIRMED_ONLY, postgresql_where=CONFIRMED_ONLY)
Index("ix_signatures_confirmed_petition_id_source", Signature.petition_id, Signature.source,
      Signature.state,
      sqlite_where=CONFIRMED_ONLY, postgresql_where=CONFIRMED_ONLY)
Index("ix_signatures_confirmed_petition_id_country_area", Signature.petition_id,
      Signature.country, postcode_area(Signature.postcode), Signature.postcode, Signature.state,
      sqlite_where=CONFIRMED_ONLY, postgresql_where=CONFIRMED_ONLY)
