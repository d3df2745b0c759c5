"""Find the legislators who represent a place: the public API of the legislator directory.

    result = lookup(session, "BE", region="BE-FR")
    for match in result.chambers:          # one ChamberMatch per chamber serving the country
        match.chamber                      # Chamber (European Parliament, US Senate, ...)
        match.area                         # the Area resolved in that chamber, or None
        match.legislators                  # serving Legislators who represent the place
        match.choices                      # Areas to choose between when the place is ambiguous
    for chamber, legislators in result.chambers: ...   # a match also unpacks as a pair
    result.choices                         # every chamber's choices, for one select box
    result.problems                        # input that matched nothing, in plain words

How a place is resolved, per chamber:
- A chamber whose members are all elected country-wide (the European Parliament in France)
  lists them all.
- A chamber with regions or constituencies (Belgium's electoral colleges, Ireland's
  constituencies, Lithuania's single-member seats) needs `region` (an area code such as
  "BE-FR", the code without its country prefix, or the area's name) or a `postcode`; without
  one the match lists the members elected country-wide (if any) and offers the regions as
  `choices`. Members the data places only at country level are listed with every region, so
  nobody who may represent the place is left out.
- US chambers need `state` (senators) and `district` (representatives; "AL" or "0" at large);
  a state with one seat needs no district. A missing or unknown district offers the state's
  districts as `choices`.
- A `postcode` is looked up in the table organizers import; when it lies in two areas of a
  chamber, that chamber offers both as `choices` instead of guessing.

To answer a choice, call `lookup` again with the same input and `region=choice.code`
(US states and districts too: "CA", "CA-12"). `regions_for(session, country)` lists the
regions, constituencies and states of a country for a select box; `districts_for(session,
state)` a US state's districts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from campaign.legislators.formats.us_congress import district_code
from campaign.legislators.postcodes import areas_for_postcode
from campaign.legislators.records import code_slug
from campaign.models import Area, Chamber, Legislator

# Chambers are listed in this order, then by name.
CHAMBER_ORDER = ("eu-parliament", "national-upper", "national-lower", "us-senate", "us-house",
                 "regional")
SUB_AREA_KINDS = ("region", "constituency", "state", "district")


@dataclass
class ChamberMatch:
    """The legislators of one chamber who represent the place, or the choices to make first."""

    chamber: Chamber
    legislators: list[Legislator] = field(default_factory=list)
    area: Area | None = None
    choices: list[Area] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return bool(self.choices)

    def __iter__(self) -> Iterator[Any]:
        """Unpack as a pair: `for chamber, legislators in result.chambers`."""
        return iter((self.chamber, self.legislators))


@dataclass
class LookupResult:
    country: str
    chambers: list[ChamberMatch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def choices(self) -> list[Area]:
        return [area for match in self.chambers for area in match.choices]

    @property
    def ambiguous(self) -> bool:
        return any(match.ambiguous for match in self.chambers)

    @property
    def legislators(self) -> list[Legislator]:
        return [member for match in self.chambers for member in match.legislators]


def _key(text: str) -> str:
    """Compare place names loosely: case, accents, spaces and punctuation do not matter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _matches(area: Area, wanted: str) -> bool:
    key = _key(wanted)
    prefix = f"{area.country}-"
    short = area.code[len(prefix):] if area.code.upper().startswith(prefix) else area.code
    return key in (_key(area.code), _key(short), _key(area.name))


def chambers_for(session: Session, country: str) -> list[Chamber]:
    """The chambers with areas in a country, in display order."""
    with_areas = select(Area.chamber_id).where(Area.country == country)
    chambers = session.scalars(select(Chamber).where(Chamber.id.in_(with_areas))).all()
    rank = {kind: index for index, kind in enumerate(CHAMBER_ORDER)}
    return sorted(chambers, key=lambda c: (rank.get(c.kind, len(rank)), c.name))


def _members(session: Session, areas: list[Area]) -> list[Legislator]:
    if not areas:
        return []
    return list(session.scalars(
        select(Legislator).options(selectinload(Legislator.area), selectinload(Legislator.chamber))
        .where(Legislator.area_id.in_([a.id for a in areas]), Legislator.serving.is_(True))
        .order_by(Legislator.family_name, Legislator.name, Legislator.id)))


def _state_of(area: Area | None) -> str | None:
    while area is not None:
        if area.kind == "state":
            return area.code
        area = area.parent
    return None


class _Place:
    """What the supporter told us, with the hints a postcode gives."""

    def __init__(self, region: str | None, state: str | None, district: str | None,
                 postcode_areas: list[Area]) -> None:
        self.region = (region or "").strip() or None
        self.state = (state or "").strip().upper() or None
        self.district = (district or "").strip() or None
        self.postcode_areas = postcode_areas
        if self.state is None:
            states = {_state_of(a) for a in postcode_areas} - {None}
            if len(states) == 1:
                self.state = states.pop()


def _district_order(area: Area) -> tuple[int, str]:
    number = area.code.rsplit("-", 1)[-1]
    return (int(number) if number.isdigit() else 0, area.code)


def _match_us(session: Session, match: ChamberMatch, areas: list[Area], place: _Place,
              problems: list[str]) -> None:
    states = sorted((a for a in areas if a.kind == "state"), key=lambda a: a.name)
    districts = [a for a in areas if a.kind == "district"]
    from_postcode = [a for a in place.postcode_areas if a.chamber_id == match.chamber.id]
    # A choice offered earlier comes back as region=<area code>: "CA-12" or "CA".
    named = next((a for a in areas if place.region and _matches(a, place.region)), None)
    if named is not None and named.kind == "district" and not place.district:
        from_postcode = [named]
    elif named is not None and named.kind == "state" and not place.state:
        place = _Place(None, named.code, place.district, place.postcode_areas)
    if len(from_postcode) > 1 and not place.district:
        match.choices = from_postcode
        return
    if len(from_postcode) == 1 and not place.district:
        match.area = from_postcode[0]
        match.legislators = _members(session, [match.area])
        return
    state = next((a for a in states if place.state and _matches(a, place.state)), None)
    if state is None:
        if place.state:
            problems.append(f"{match.chamber.name}: no state {place.state!r}")
        match.choices = states
        return
    if not districts:
        match.area = state
        match.legislators = _members(session, [state])
        return
    in_state = sorted((a for a in districts if a.parent_id == state.id), key=_district_order)
    wanted = None
    if place.district:
        wanted = next((a for a in in_state if a.code == district_code(state.code, place.district)
                       or _matches(a, place.district)), None)
        if wanted is None:
            problems.append(f"{match.chamber.name}: {state.name} has no district "
                            f"{place.district!r}")
    elif len(in_state) == 1:
        wanted = in_state[0]
    if wanted is None:
        match.choices = in_state
        return
    match.area = wanted
    match.legislators = _members(session, [wanted])


def _match_regions(session: Session, match: ChamberMatch, areas: list[Area], place: _Place,
                   problems: list[str]) -> None:
    country_areas = [a for a in areas if a.kind == "country"]
    regions = sorted((a for a in areas if a.kind in SUB_AREA_KINDS), key=lambda a: a.name)
    if not regions:
        match.area = country_areas[0] if country_areas else None
        match.legislators = _members(session, country_areas)
        return
    chosen = [a for a in regions if place.region and _matches(a, place.region)]
    if not chosen:
        chosen = [a for a in place.postcode_areas if a.chamber_id == match.chamber.id]
    if len(chosen) == 1:
        match.area = chosen[0]
        match.legislators = _members(session, [chosen[0], *country_areas])
        return
    # Country-wide members represent the place whichever region it is in.
    match.legislators = _members(session, country_areas)
    match.choices = chosen or regions


def lookup(session: Session, country: str, region: str | None = None, state: str | None = None,
           district: str | None = None, postcode: str | None = None) -> LookupResult:
    """Per chamber, the serving legislators who represent a place, or the choices to make."""
    country = country.strip().upper()
    result = LookupResult(country)
    postcode_areas = areas_for_postcode(session, country, postcode) if postcode else []
    if postcode and not postcode_areas:
        result.problems.append(f"postcode {postcode!r} is not in the postcode table")
    if region and not state:
        # A district code ("CA-12") also tells the Senate which state.
        named = session.scalars(select(Area).where(Area.country == country,
                                                   Area.kind == "district",
                                                   Area.code == region.strip().upper())).first()
        state = _state_of(named)
    place = _Place(region, state, district, postcode_areas)
    for chamber in chambers_for(session, country):
        areas = list(session.scalars(select(Area).where(Area.chamber_id == chamber.id,
                                                        Area.country == country)))
        match = ChamberMatch(chamber)
        if chamber.kind in ("us-senate", "us-house") or any(a.kind == "state" for a in areas):
            _match_us(session, match, areas, place, result.problems)
        else:
            _match_regions(session, match, areas, place, result.problems)
        result.chambers.append(match)
    if not result.chambers:
        result.problems.append(f"no legislators on file for {country!r}")
    elif place.region and not any(match.area is not None and _matches(match.area, place.region)
                                  for match in result.chambers):
        result.problems.append(f"no region or constituency {place.region!r} in {country}")
    return result


def regions_for(session: Session, country: str) -> list[Area]:
    """The regions, constituencies and states of a country (one per code), for a select box."""
    areas = session.scalars(select(Area).where(Area.country == country.strip().upper(),
                                               Area.kind.in_(("region", "constituency", "state")))
                            .order_by(Area.name, Area.id))
    unique: dict[tuple[str, str], Area] = {}
    for area in areas:
        unique.setdefault((area.kind, area.code), area)
    return list(unique.values())


def districts_for(session: Session, state: str) -> list[Area]:
    """A US state's congressional districts."""
    prefix = f"{code_slug(state)}-"
    return sorted(session.scalars(select(Area).where(Area.kind == "district",
                                                   Area.code.startswith(prefix))
                                .order_by(Area.code)), key=_district_order)
