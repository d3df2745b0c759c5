"""Which legislators represent a place: the one call the letter pages make to find them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.legislators.lookup import LookupResult, lookup
from campaign.models import Legislator


def lookup_place(session: Session, country: str, region: str | None = None,
                 state: str | None = None, district: str | None = None,
                 postcode: str | None = None) -> LookupResult:
    """The directory's full answer: legislators per chamber, or choices to make first."""
    return lookup(session, country, region=region or None, state=state or None,
                  district=district or None, postcode=postcode or None)


def lookup_legislators(session: Session, country: str, region: str | None = None,
                       state: str | None = None, district: str | None = None,
                       postcode: str | None = None) -> list[Legislator]:
    """Every legislator, across chambers, who represents the place."""
    result = lookup_place(session, country, region, state, district, postcode)
    return [legislator for match in result.chambers for legislator in match.legislators]
