"""Source documents, the calls to action found in them, and what was made from those calls."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.campaigns import Campaign
    from campaign.models.letters import LetterCampaign
    from campaign.models.petitions import Petition


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_class]


class DocumentKind(enum.Enum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class Document(Base):
    """A statement, letter or resolution, stored as the normalised text its calls point into."""

    __tablename__ = "documents"
    # Per campaign: one campaign must not learn from a refusal what another has ingested.
    __table_args__ = (UniqueConstraint("campaign_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # The file name as given, or the URL it was fetched from.
    source_name: Mapped[str] = mapped_column(String(300))
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    kind: Mapped[DocumentKind] = mapped_column(
        Enum(DocumentKind, native_enum=False, length=16, values_callable=_values))
    text: Mapped[str] = mapped_column(Text)
    # sha256 of `text` (see campaign.ingest.readers.content_hash).
    content_hash: Mapped[str] = mapped_column(String(64))
    # Organisations the extractor found signing the statement, and those the organizers kept.
    detected_signatories: Mapped[list[str]] = mapped_column(JSON, default=list)
    cosigning_organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    calls: Mapped[list[Call]] = relationship(back_populates="document", order_by="Call.position",
                                             cascade="all, delete-orphan")


class CallState(enum.Enum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


class Call(Base):
    """One demand addressed to one target: found by the extractor or written by an organizer."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    sentence: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(300))
    target: Mapped[str | None] = mapped_column(String(500))
    demand: Mapped[str] = mapped_column(String(2000))
    # Character offsets of the sentence in the document's text.
    start: Mapped[int]
    end: Mapped[int]
    state: Mapped[CallState] = mapped_column(
        Enum(CallState, native_enum=False, length=16, values_callable=_values),
        default=CallState.PROPOSED)
    # Reading order within the document; organizers' splits and additions keep it.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="calls")


class PetitionSource(Base):
    """A call a petition was made from: the petition page names the statements behind it."""

    __tablename__ = "petition_sources"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)

    petition: Mapped[Petition] = relationship()
    call: Mapped[Call] = relationship()


class LetterCampaignSource(Base):
    """A call a letter campaign was made from."""

    __tablename__ = "letter_campaign_sources"

    letter_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("letter_campaigns.id", ondelete="CASCADE"), primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)

    letter_campaign: Mapped[LetterCampaign] = relationship()
    call: Mapped[Call] = relationship()
