"""A plain CSV for any chamber an organizer maintains; the header is documented in README.md.

Required columns: id, name, country, area. Optional: area_name, area_kind, parent_area,
given_name, family_name, gender, title, party, group, email, phone, postal_address,
contact_form_url, website, languages, mandate_start, mandate_end. An optional column that is
absent leaves that field as it is; a column that is present and empty clears it.
"""

from __future__ import annotations

import re
from pathlib import Path

from campaign.countries import country_names
from campaign.legislators.formats._csv import read_rows
from campaign.legislators.languages import country_languages
from campaign.legislators.records import (
    AREA_KINDS,
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
)

REQUIRED = ("id", "name", "country", "area")
TEXT_COLUMNS = ("given_name", "family_name", "title", "party", "group", "phone",
                "postal_address", "contact_form_url", "website")
LIMITS = {"name": 200, "given_name": 100, "family_name": 100, "title": 100, "party": 200,
          "group": 200, "email": 320, "phone": 80, "postal_address": 500,
          "contact_form_url": 500, "website": 500, "id": 80, "area": 80, "area_name": 200}
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def parse(path: Path, chamber_slug: str | None, chamber_name: str | None = None,
          chamber_kind: str | None = None, country: str | None = None) -> list[ChamberBatch]:
    if not chamber_slug:
        raise ImportRefused([RowProblem(path.name, "give the chamber (--chamber SLUG)")])
    header, rows = read_rows(path, REQUIRED)
    problems = Problems()
    countries = country_names()
    areas: dict[str, AreaRecord] = {}
    parents: dict[str, str] = {}
    records: list[tuple[str, LegislatorRecord]] = []
    seen: set[str] = set()
    for number, row in rows:
        where = f"row {number}"
        values = {column: clean(row.get(column)) for column in header}
        row_problems: list[str] = []
        for column, limit in LIMITS.items():
            if len(values.get(column, "")) > limit:
                row_problems.append(f"{column} is longer than {limit} characters")
        external_id, row_country = values["id"], values["country"].upper()
        area_code = values["area"]
        if not external_id:
            row_problems.append("id is required")
        elif external_id in seen:
            row_problems.append(f"id {external_id!r} appears twice")
        if not values["name"]:
            row_problems.append("name is required")
        if row_country not in countries:
            row_problems.append(f"country {values['country']!r} is not an ISO 3166 code")
        if not area_code:
            row_problems.append("area is required")
        kind = ("country" if area_code.upper() == row_country
                else values.get("area_kind") or "constituency")
        if kind not in AREA_KINDS:
            row_problems.append(f"area_kind {kind!r} is not one of {', '.join(AREA_KINDS)}")
        if problem := email_problem(values.get("email", "")):
            row_problems.append(problem)
        gender = values.get("gender", "").lower()
        if gender not in ("female", "male", ""):
            row_problems.append(f"gender {gender!r} is not female, male or empty")
        languages = values.get("languages", "").replace(";", " ").replace(",", " ").split()
        if bad := [tag for tag in languages if not LANGUAGE_TAG.match(tag)]:
            row_problems.append(f"languages {' '.join(bad)!r} are not language codes (e.g. fr, de)")
        dates = {}
        for column in ("mandate_start", "mandate_end"):
            if column in values:
                try:
                    dates[column] = parse_date(values[column]) if values[column] else None
                except ValueError:
                    row_problems.append(f"{column} {values[column]!r} is not a date (YYYY-MM-DD)")
        for message in row_problems:
            problems.add(where, message)
        if row_problems:
            continue
        seen.add(external_id)
        code = row_country if kind == "country" else area_code
        if code not in areas:
            areas[code] = AreaRecord(kind, code, values.get("area_name") or
                                     (countries[row_country] if kind == "country" else code),
                                     row_country)
        if kind != "country":
            parents.setdefault(code, values.get("parent_area") or row_country)
        fields: dict[str, object] = {"name": values["name"]}
        fields.update({column: values[column] for column in TEXT_COLUMNS if column in values})
        if "email" in values:
            fields["email"] = values["email"]
        if "gender" in values:
            fields["gender"] = gender
        fields["languages"] = languages or country_languages(row_country)
        fields.update(dates)
        records.append((row_country, LegislatorRecord(external_id, (kind, code), fields)))

    for code, parent_code in parents.items():
        parent = areas.get(parent_code)
        upper = parent_code.upper()
        if parent is None and upper in countries:
            parent = areas.setdefault(upper, AreaRecord("country", upper, countries[upper], upper))
        if parent is None:
            problems.add(path.name, f"parent_area {parent_code!r} of area {code!r} is not an area "
                                    "in the file")
        else:
            areas[code].parent = parent.key
    row_countries = {c for c, _ in records}
    chamber_country = ((country or "").upper()
                       or (row_countries.pop() if len(row_countries) == 1 else ""))
    if records and not chamber_country:
        problems.add(path.name, "rows name several countries; give the chamber's country "
                                "(--country)")
    problems.raise_if_any()

    def depth(area: AreaRecord) -> int:
        steps = 0
        while area.parent and steps < len(areas):
            area, steps = areas[area.parent[1]], steps + 1
        return steps

    batch = ChamberBatch(ChamberRecord(
        slug=chamber_slug, name=chamber_name or "", country=chamber_country,
        kind=chamber_kind or "", languages=country_languages(chamber_country)))
    batch.areas = sorted(areas.values(), key=depth)
    batch.legislators = [record for _, record in records]
    return [batch]
