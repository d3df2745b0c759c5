"""Letter campaigns: supporters write to their own legislators from a campaign's templates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.campaigns import Campaign
    from campaign.models.legislators import Legislator
    from campaign.models.signatures import Signatory


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


class LetterTemplate(Base):
    """A letter body written by an organizer in the admin, for one campaign and language."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("letter_campaign_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True)
    # BCP 47 code, e.g. "en", "fr", "pt-BR".
    language: Mapped[str] = mapped_column(String(16))
    # Empty: the campaign's subject.
    subject: Mapped[str] = mapped_column(String(200), default="")
    # Jinja source, rendered in the sandbox with the variables documented in letters/README.md.
    body_source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    letter_campaign: Mapped[LetterCampaign] = relationship()


class LetterState(enum.Enum):
    DRAFTED = "drafted"
    SENT = "sent"


class DeliveryMethod(enum.Enum):
    """How the letter reached (or is to reach) the office."""

    NONE = ""
    # Through the supporter's own mail account: a mailto: link or a downloaded .eml.
    OWN_EMAIL = "own-email"
    POST = "post"
    CONTACT_FORM = "contact-form"
    # Through the app's SMTP, From the app, Reply-To the supporter.
    APP_EMAIL = "app-email"


class ReplyStatus(enum.Enum):
    """What the supporter told us when asked whether the office answered."""

    UNKNOWN = ""
    REPLIED = "replied"
    ACKNOWLEDGED = "acknowledged"
    NO_REPLY = "no-reply"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Letter(Base):
    """One supporter's letter to one legislator, from draft to sent and answered."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_legislator_id_state", "legislator_id", "state"),
        Index("ix_letters_state_sent_at", "state", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), index=True)
    legislator_id: Mapped[int] = mapped_column(ForeignKey("legislators.id", ondelete="CASCADE"))
    # Null once the person has erased themselves; the letter then only counts.
    signatory_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatories.id", ondelete="SET NULL"), index=True)
    supporter_name: Mapped[str] = mapped_column(String(200))
    supporter_town: Mapped[str] = mapped_column(String(200), default="")
    personal_paragraph: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    delivery_method: Mapped[DeliveryMethod] = mapped_column(_enum(DeliveryMethod),
                                                            default=DeliveryMethod.NONE)
    # Share of the letter's word 5-grams that are not in the template (0..1).
    own_share: Mapped[float] = mapped_column(default=0.0)
    # Highest similarity of the supporter's own words to another letter sent to this office.
    peer_similarity: Mapped[float] = mapped_column(default=0.0)
    state: Mapped[LetterState] = mapped_column(_enum(LetterState), default=LetterState.DRAFTED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the supporter asked us to send it; the outbox paces when it really leaves.
    send_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_status: Mapped[ReplyStatus] = mapped_column(_enum(ReplyStatus),
                                                      default=ReplyStatus.UNKNOWN)
    reply_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(64), default="")
    referrer: Mapped[str] = mapped_column(String(300), default="")

    letter_campaign: Mapped[LetterCampaign] = relationship()
    legislator: Mapped[Legislator] = relationship()
    signatory: Mapped[Signatory | None] = relationship()
