"""Letter campaigns: supporters write to their own legislators from a campaign's templates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.campaigns import Campaign


class LetterCampaignState(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class LetterCampaign(Base):
    __tablename__ = "letter_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # The subject line letters go out with; supporters may edit their own copy.
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The demands, one short sentence each; templates list them.
    talking_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Slugs of the chambers whose members supporters may write to.
    chamber_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_language: Mapped[str] = mapped_column(String(16), default="en")
    state: Mapped[LetterCampaignState] = mapped_column(
        Enum(LetterCampaignState, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=LetterCampaignState.DRAFT)
    # A letter more similar than this to the template or another letter is flagged (0..1).
    similarity_threshold: Mapped[float] = mapped_column(default=0.8)
    # Most letters one office receives through the app from this campaign in an hour.
    hourly_limit_per_office: Mapped[int] = mapped_column(default=20)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
