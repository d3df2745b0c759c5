"""Petition text in other languages than the one it was written in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow
from campaign.models.petitions import Petition


class PetitionTranslation(Base):
    """A petition's title, summary and text in one language other than its default."""

    __tablename__ = "petition_translations"
    __table_args__ = (UniqueConstraint("petition_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(1000), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised on save, like the petition's own text.
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    petition: Mapped[Petition] = relationship()
