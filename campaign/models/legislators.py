"""The legislator directory: chambers, the areas they represent, and their members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow


class Chamber(Base):
    """A body of legislators: the European Parliament, the US Senate, a national chamber."""

    __tablename__ = "chambers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # ISO 3166 alpha-2 of the country it belongs to, or "EU" for the European Parliament.
    country: Mapped[str] = mapped_column(String(2))
    # "eu-parliament", "national-lower", "national-upper", "us-senate", "us-house", "regional"
    kind: Mapped[str] = mapped_column(String(32))
    # Languages its members are written to in, most usual first (BCP 47 codes).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)


class Area(Base):
    """A place a legislator represents: a country, region, constituency, state or district."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("chamber_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chamber_id: Mapped[int] = mapped_column(ForeignKey("chambers.id", ondelete="CASCADE"),
                                            index=True)
    # "country", "region", "constituency", "state", "district"
    kind: Mapped[str] = mapped_column(String(32))
    # Stable identifier within the chamber: "BE", "BE-FR" (electoral college), "CA-12".
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))

    chamber: Mapped[Chamber] = relationship()
    parent: Mapped[Area | None] = relationship(remote_side="Area.id")


class Legislator(Base):
    __tablename__ = "legislators"
    __table_args__ = (UniqueConstraint("chamber_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chamber_id: Mapped[int] = mapped_column(ForeignKey("chambers.id", ondelete="CASCADE"),
                                            index=True)
    # The source's own id (EP id, bioguide id, Popolo person id): what re-imports match on.
    external_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    # "female", "male" or "" (unknown): only used to choose a formal salutation.
    gender: Mapped[str] = mapped_column(String(16), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    party: Mapped[str] = mapped_column(String(200), default="")
    group: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(80), default="")
    postal_address: Mapped[str] = mapped_column(String(500), default="")
    contact_form_url: Mapped[str] = mapped_column(String(500), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"),
                                                index=True)
    mandate_start: Mapped[date | None]
    mandate_end: Mapped[date | None]
    # False once a re-import no longer lists them; kept for the letters already sent.
    serving: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chamber: Mapped[Chamber] = relationship()
    area: Mapped[Area | None] = relationship()
