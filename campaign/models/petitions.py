"""Petitions and the counts kept beside them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.campaigns import Campaign


class PetitionState(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Petition(Base):
    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(1000), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised once on save, so the page never renders Markdown per request.
    body_html: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(300))
    goal: Mapped[int] = mapped_column(default=1000)
    state: Mapped[PetitionState] = mapped_column(
        Enum(PetitionState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=PetitionState.DRAFT)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signature counts at which the organizers are told, ascending.
    milestones: Mapped[list[int]] = mapped_column(JSON, default=list)
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    # A joint statement: organisations may co-sign it besides people.
    joint_statement: Mapped[bool] = mapped_column(default=False)
    # Confirmed signatures, kept up to date on confirmation: pages never count rows.
    signature_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="petitions")

    def accepts_signatures(self, now: datetime | None = None) -> bool:
        """Open, and not past its closing date."""
        if self.state is not PetitionState.OPEN:
            return False
        return self.closes_at is None or (now or utcnow()) < self.closes_at

    @property
    def progress_percent(self) -> int:
        if self.goal <= 0:
            return 100
        return min(100, self.signature_count * 100 // self.goal)


class PetitionCountryCount(Base):
    """Confirmed signatures per country of one petition, kept beside the total."""

    __tablename__ = "petition_country_counts"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
