"""Partner websites allowed to show a petition's sign form in a frame."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow


class EmbedSite(Base):
    """One origin (scheme, host and port) that may frame one petition's embed page."""

    __tablename__ = "petition_embed_sites"
    __table_args__ = (UniqueConstraint("petition_id", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"),
                                             index=True)
    # Short enough to be stored whole as a signature's source.
    origin: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
