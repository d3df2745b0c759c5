"""Which legislators represent a place, and the places to choose from: what letter pages ask."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from campaign.legislators.lookup import LookupResult, districts_for, lookup, regions_for
from campaign.models import Area, Legislator


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


def places_in(session: Session, country: str, chamber_slugs: Collection[str] = ()) -> list[Area]:
    """The regions, constituencies or US states a supporter of a country chooses from."""
    return regions_for(session, country, chamber_slugs)


def districts_in(session: Session, state: str) -> list[Area]:
    """A US state's congressional districts, in number order."""
    return districts_for(session, state)
