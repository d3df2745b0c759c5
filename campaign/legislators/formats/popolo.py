"""Popolo JSON (https://www.popoloproject.com/), as EveryPolitician publishes it: persons with
contact details, a legislature organization, parties, areas, legislative periods (events) and
memberships. The members imported are those serving at the end of the latest period."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from campaign.countries import country_name
from campaign.legislators.languages import country_languages
from campaign.legislators.records import (
    AreaRecord,
    ChamberBatch,
    ChamberRecord,
    ImportRefused,
    LegislatorRecord,
    Problems,
    RowProblem,
    clean,
    email_problem,
    parse_date,
    slugify,
)

# EveryPolitician files the Seimas' nationwide list seats under a pseudo-area "by list";
# its members represent the whole country.
NATIONAL_LIST_AREAS = {"pagal sąrašą"}
GENDERS = {"female": "female", "male": "male"}


def _contact(person: dict[str, Any], kind: str) -> str:
    for detail in person.get("contact_details") or []:
        if detail.get("type") == kind and clean(detail.get("value")):
            return clean(detail["value"])
    return ""


def _website(person: dict[str, Any]) -> str:
    for link in person.get("links") or []:
        if clean(link.get("note")).lower() == "website":
            return clean(link.get("url"))
    return ""


def _current_period(data: dict[str, Any], legislature_id: str) -> dict[str, Any] | None:
    periods = [e for e in data.get("events") or []
               if e.get("classification") == "legislative period"
               and e.get("organization_id") in (None, legislature_id)]
    return max(periods, key=lambda e: clean(e.get("start_date")), default=None)


def parse(path: Path, country: str | None, chamber_slug: str | None = None,
          chamber_kind: str = "national-lower", languages: list[str] | None = None
          ) -> list[ChamberBatch]:
    """Read a Popolo file; `country` (ISO alpha-2) says where the legislature sits."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused([RowProblem(path.name, f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("persons"), list):
        raise ImportRefused([RowProblem(path.name, "not a Popolo document (no persons)")])
    if not country or len(country) != 2 or country_name(country.upper()) == country.upper():
        raise ImportRefused([RowProblem(path.name,
                                        "give the legislature's country (--country CC)")])
    country = country.upper()
    organizations = {o.get("id"): o for o in data.get("organizations") or []}
    legislatures = [o for o in organizations.values() if o.get("classification") == "legislature"]
    if len(legislatures) != 1:
        raise ImportRefused([RowProblem(path.name, "expected exactly one organization with "
                                                   "classification 'legislature'")])
    legislature = legislatures[0]
    period = _current_period(data, legislature["id"])
    period_end = clean(period.get("end_date")) if period else ""
    name = clean(legislature.get("name")) or "Legislature"
    batch = ChamberBatch(ChamberRecord(
        slug=chamber_slug or f"{country.lower()}-{slugify(name)}", name=name, country=country,
        kind=chamber_kind, languages=languages or country_languages(country)))
    country_area = batch.add_area(AreaRecord("country", country, country_name(country), country))
    areas = {a.get("id"): a for a in data.get("areas") or []}
    persons = {p.get("id"): (index, p) for index, p in enumerate(data["persons"])}

    problems = Problems()
    # The membership that makes each person a member now: in the latest period, not ended.
    current: dict[str, dict[str, Any]] = {}
    for index, membership in enumerate(data.get("memberships") or []):
        if membership.get("organization_id") != legislature["id"]:
            continue
        if period and membership.get("legislative_period_id") not in (None, period["id"]):
            continue
        if membership.get("role") not in (None, "member"):
            continue
        end = clean(membership.get("end_date"))
        if end and (not period_end or end < period_end):
            continue
        person_id = membership.get("person_id")
        if person_id not in persons:
            problems.add(f"memberships[{index}]", f"person {person_id!r} is not in persons")
            continue
        if membership.get("area_id") and membership["area_id"] not in areas:
            problems.add(f"memberships[{index}]", f"area {membership['area_id']!r} is not in areas")
            continue
        previous = current.get(person_id)
        starts = clean(membership.get("start_date"))
        if previous is None or starts > clean(previous.get("start_date")):
            current[person_id] = membership

    for person_id, membership in current.items():
        index, person = persons[person_id]
        where = f"persons[{index}]"
        email = clean(person.get("email")) or _contact(person, "email")
        full_name = clean(person.get("name"))
        row_problems = []
        if not full_name:
            row_problems.append("a name is required")
        if problem := email_problem(email):
            row_problems.append(problem)
        try:
            start = clean(membership.get("start_date")) or clean((period or {}).get("start_date"))
            end = clean(membership.get("end_date")) or period_end
            mandate_start = parse_date(start) if start else None
            mandate_end = parse_date(end) if end else None
        except ValueError:
            row_problems.append("membership dates must be YYYY-MM-DD")
        for message in row_problems:
            problems.add(where, message)
        if row_problems:
            continue
        area_data = areas.get(membership.get("area_id"))
        area = country_area
        if area_data and clean(area_data.get("name")).casefold() not in NATIONAL_LIST_AREAS:
            area = batch.add_area(AreaRecord(
                "constituency", clean(area_data["id"]),
                clean(area_data.get("name")) or clean(area_data["id"]), country,
                parent=country_area))
        party = organizations.get(membership.get("on_behalf_of_id")) or {}
        batch.legislators.append(LegislatorRecord(clean(person_id), area, {
            "name": full_name, "given_name": clean(person.get("given_name")),
            "family_name": clean(person.get("family_name")),
            "gender": GENDERS.get(clean(person.get("gender")).lower(), ""),
            "party": clean(party.get("name")), "email": email,
            "phone": _contact(person, "phone"), "website": _website(person),
            "languages": list(batch.chamber.languages),
            "mandate_start": mandate_start, "mandate_end": mandate_end,
        }))
    problems.raise_if_any()
    if not batch.legislators:
        raise ImportRefused([RowProblem(path.name, "no current members found")])
    return [batch]
