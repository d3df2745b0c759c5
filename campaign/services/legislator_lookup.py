"""Which legislators represent a place: the one call the letter pages make to find them.

A minimal stand-in: the full lookup (postcodes, ambiguous input) replaces its body when merged.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from campaign.models import Area, Legislator


def lookup_legislators(session: Session, country: str, region: str | None = None,
                       state: str | None = None, district: str | None = None,
                       postcode: str | None = None) -> list[Legislator]:
    """Serving legislators whose area lies in `country`, narrowed to a region/district if given."""
    query = (select(Legislator).join(Area, Legislator.area_id == Area.id)
             .where(Legislator.serving.is_(True), Area.country == country.upper())
             .options(joinedload(Legislator.area), joinedload(Legislator.chamber))
             .order_by(Legislator.family_name, Legislator.name))
    codes = [code for code in (region, district) if code]
    if codes:
        # A legislator elected for the whole country still represents every region of it.
        query = query.where(or_(Area.code.in_(codes), Area.kind == "country"))
    return list(session.scalars(query).unique())
