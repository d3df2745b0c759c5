"""Postcodes and the areas they lie in, imported by organizers to find supporters' legislators."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base
from campaign.models.legislators import Area


class PostcodeArea(Base):
    """One postcode lying (wholly or partly) in one area; a postcode split between two areas
    of a chamber has two rows, and the lookup then asks the supporter to choose."""

    __tablename__ = "postcode_areas"
    # The unique constraint's index also serves lookups by (country, postcode).
    __table_args__ = (UniqueConstraint("country", "postcode", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    # Normalised: upper case, no spaces (see campaign.legislators.postcodes.normalise_postcode).
    postcode: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)

    area: Mapped[Area] = relationship()
