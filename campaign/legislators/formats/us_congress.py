"""The current US Congress from unitedstates/congress-legislators: the flat CSV
(`legislators-current.csv`) or the YAML (`legislators-current.yaml`, whose last term is current)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pycountry
import yaml

from campaign.legislators.formats._csv import read_rows
from campaign.legislators.records import (
    AreaRecord,
    ChamberBatch,
    ChamberRecord,
    ImportRefused,
    LegislatorRecord,
    Problems,
    RowProblem,
    clean,
    parse_date,
)

CSV_COLUMNS = ("bioguide_id", "type", "state", "district", "full_name", "last_name", "first_name")
GENDERS = {"M": "male", "F": "female", "": ""}
# Members for places that are not states sit in the House without a full vote.
DELEGATE_TITLES = {"PR": "Resident Commissioner", "DC": "Delegate", "AS": "Delegate",
                   "GU": "Delegate", "MP": "Delegate", "VI": "Delegate"}


def state_name(code: str) -> str | None:
    subdivision = pycountry.subdivisions.get(code=f"US-{code}")
    return subdivision.name if subdivision else None


def district_code(state: str, district: str) -> str:
    """"CA-12"; a state with a single seat elects it at large: "AK-AL"."""
    number = district.strip().upper().lstrip("0")
    return f"{state}-{number}" if number and number not in ("AL", "AT-LARGE") else f"{state}-AL"


def _member(where: str, bioguide: str, chamber_type: str, state: str, district: str,
            person: dict[str, Any], batches: dict[str, ChamberBatch], problems: Problems) -> None:
    """Check one member and add them, with their areas, to the Senate or House batch."""
    row_problems = []
    name = state_name(state) if state else None
    if not bioguide:
        row_problems.append("bioguide id is required")
    if chamber_type not in ("sen", "rep"):
        row_problems.append(f"type {chamber_type!r} is neither sen nor rep")
    if name is None:
        row_problems.append(f"state {state!r} is not a US state or territory")
    if chamber_type == "rep" and not district.strip().isdigit():
        row_problems.append(f"district {district!r} is not a number")
    if not person["name"]:
        row_problems.append("a name is required")
    if person["gender"] not in GENDERS:
        row_problems.append(f"gender {person['gender']!r} is not M, F or empty")
    for message in row_problems:
        problems.add(where, message)
    if row_problems or name is None:
        return
    fields = dict(person, gender=GENDERS[person["gender"]], email="", languages=["en"])
    if chamber_type == "sen":
        batch = batches["sen"]
        area = batch.add_area(AreaRecord("state", state, name, "US"))
        fields["title"] = "Senator"
    else:
        batch = batches["rep"]
        batch.add_area(AreaRecord("state", state, name, "US"))
        code = district_code(state, district)
        number = code.split("-")[1]
        label = f"{name} at large" if number == "AL" else f"{name} district {number}"
        area = batch.add_area(AreaRecord("district", code, label, "US", parent=("state", state)))
        fields["title"] = DELEGATE_TITLES.get(state, "Representative")
    batch.legislators.append(LegislatorRecord(bioguide, area, fields))


def _batches() -> dict[str, ChamberBatch]:
    return {
        "sen": ChamberBatch(ChamberRecord("us-senate", "United States Senate", "US", "us-senate",
                                          ["en"])),
        "rep": ChamberBatch(ChamberRecord("us-house", "United States House of Representatives",
                                          "US", "us-house", ["en"])),
    }


def _finish(batches: dict[str, ChamberBatch], problems: Problems) -> list[ChamberBatch]:
    problems.raise_if_any()
    for batch in batches.values():
        batch.areas.sort(key=lambda a: (a.kind != "state", a.code))
    return [batches["sen"], batches["rep"]]


def parse_csv(path: Path) -> list[ChamberBatch]:
    problems = Problems()
    batches = _batches()
    seen: set[str] = set()
    _, rows = read_rows(path, CSV_COLUMNS)
    for number, row in rows:
        bioguide = clean(row["bioguide_id"])
        if bioguide in seen:
            problems.add(f"row {number}", f"bioguide id {bioguide} appears twice")
            continue
        seen.add(bioguide)
        person = {
            "name": clean(row["full_name"])
                    or f"{clean(row['first_name'])} {clean(row['last_name'])}".strip(),
            "given_name": clean(row["first_name"]), "family_name": clean(row["last_name"]),
            "gender": clean(row.get("gender")).upper(), "party": clean(row.get("party")),
            "phone": clean(row.get("phone")), "postal_address": clean(row.get("address")),
            "contact_form_url": clean(row.get("contact_form")), "website": clean(row.get("url")),
        }
        _member(f"row {number}", bioguide, clean(row["type"]), clean(row["state"]).upper(),
                clean(row["district"]), person, batches, problems)
    return _finish(batches, problems)


def parse_yaml(path: Path) -> list[ChamberBatch]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            people = yaml.load(handle, Loader=loader)  # noqa: S506  # nosec B506 - a safe loader
    except yaml.YAMLError as exc:
        raise ImportRefused([RowProblem(path.name, f"not valid YAML: {exc}")]) from None
    if not isinstance(people, list):
        raise ImportRefused([RowProblem(path.name, "expected a list of legislators")])
    problems = Problems()
    batches = _batches()
    seen: set[str] = set()
    for index, entry in enumerate(people, start=1):
        where = f"entry {index}"
        terms = entry.get("terms") if isinstance(entry, dict) else None
        if not terms:
            problems.add(where, "no terms")
            continue
        term, names = terms[-1], entry.get("name") or {}
        bioguide = clean((entry.get("id") or {}).get("bioguide"))
        if bioguide in seen:
            problems.add(where, f"bioguide id {bioguide} appears twice")
            continue
        seen.add(bioguide)
        person: dict[str, Any] = {
            "name": clean(names.get("official_full"))
                    or f"{clean(names.get('first'))} {clean(names.get('last'))}".strip(),
            "given_name": clean(names.get("first")), "family_name": clean(names.get("last")),
            "gender": clean((entry.get("bio") or {}).get("gender")).upper(),
            "party": clean(term.get("party")), "phone": clean(term.get("phone")),
            "postal_address": clean(term.get("address")),
            "contact_form_url": clean(term.get("contact_form")), "website": clean(term.get("url")),
        }
        try:
            person["mandate_start"] = parse_date(clean(term.get("start")))
            person["mandate_end"] = parse_date(clean(term.get("end")))
        except ValueError:
            problems.add(where, "term start and end must be dates (YYYY-MM-DD)")
            continue
        _member(where, bioguide, clean(term.get("type")), clean(term.get("state")).upper(),
                clean(term.get("district")), person, batches, problems)
    return _finish(batches, problems)


def parse(path: Path) -> list[ChamberBatch]:
    """Read either file; the YAML also gives each member's term dates."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_yaml(path)
    return parse_csv(path)
