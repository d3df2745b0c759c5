"""The European Parliament's MEP list (TechToThePeople/mep `meps.csv`) and its regional
constituencies (`mep_regions.csv`: country, region, mepid, name)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from campaign.countries import country_name
from campaign.legislators.formats._csv import read_rows
from campaign.legislators.languages import (
    BELGIAN_COLLEGE_LANGUAGES,
    EU_OFFICIAL_LANGUAGES,
    MEMBER_STATE_LANGUAGES,
)
from campaign.legislators.records import (
    AreaRecord,
    ChamberBatch,
    ChamberRecord,
    LegislatorRecord,
    Problems,
    clean,
    code_slug,
    email_problem,
    parse_date,
)

MEP_COLUMNS = ("epid", "country", "first_name", "last_name", "email")
REGION_COLUMNS = ("country", "region", "mepid")

# Belgium's electoral colleges by the names the sources use (in their own language).
BELGIAN_COLLEGES = {
    "college electoral francais": "BE-FR",
    "nederlands kiescollege": "BE-NL",
    "collège électoral français": "BE-FR",
    "collège électoral germanophone": "BE-DE",
    "college electoral germanophone": "BE-DE",
    "deutschsprachiges wahlkollegium": "BE-DE",
}

GENDERS = {"M": "male", "F": "female", "": ""}

# Where the Parliament receives post for its members (its Brussels seat).
EP_POSTAL_ADDRESS = "European Parliament\nRue Wiertz 60\n1047 Bruxelles/Brussel\nBelgium"


def region_code(country: str, region: str) -> str:
    """A stable code for a regional constituency: "BE-FR", "IE-SOUTH", "IT-CENTRALE"."""
    return BELGIAN_COLLEGES.get(region.casefold()) or f"{country}-{code_slug(region)}"


def _read_regions(paths: list[Path], problems: Problems) -> dict[str, tuple[str, str, str]]:
    """MEP id -> (country, region code, region name); later files override earlier ones."""
    placed: dict[str, tuple[str, str, str]] = {}
    for path in paths:
        _, rows = read_rows(path, REGION_COLUMNS)
        for number, row in rows:
            where = f"{path.name} row {number}"
            country, region, mep_id = (clean(row["country"]).upper(), clean(row["region"]),
                                       clean(row["mepid"]))
            if country not in MEMBER_STATES:
                problems.add(where, f"country {row['country']!r} is not an EU member state")
            elif not region or not mep_id:
                problems.add(where, "region and mepid are required")
            else:
                placed[mep_id] = (country, region_code(country, region), region)
    return placed


MEMBER_STATES = frozenset(MEMBER_STATE_LANGUAGES)


def parse(path: Path, regions: list[Path], chamber_slug: str | None = None) -> list[ChamberBatch]:
    """Read the MEP list and regional constituencies; all problems are reported together."""
    problems = Problems()
    placed = _read_regions(regions, problems)
    batch = ChamberBatch(ChamberRecord(
        slug=chamber_slug or "eu-parliament", name="European Parliament", country="EU",
        kind="eu-parliament", languages=list(EU_OFFICIAL_LANGUAGES)))
    seen: set[str] = set()
    _, rows = read_rows(path, MEP_COLUMNS)
    for number, row in rows:
        where = f"row {number}"
        mep_id, country = clean(row["epid"]), clean(row["country"]).upper()
        first, last, email = clean(row["first_name"]), clean(row["last_name"]), clean(row["email"])
        row_problems = []
        if not mep_id:
            row_problems.append("epid is required")
        elif mep_id in seen:
            row_problems.append(f"epid {mep_id} appears twice")
        if country not in MEMBER_STATES:
            row_problems.append(f"country {row['country']!r} is not an EU member state")
        if not (first or last):
            row_problems.append("a first or last name is required")
        if problem := email_problem(email):
            row_problems.append(problem)
        gender = clean(row.get("gender")).upper()
        if gender not in GENDERS:
            row_problems.append(f"gender {gender!r} is not M, F or empty")
        since = clean(row.get("since"))
        try:
            mandate_start = parse_date(since) if since else None
        except ValueError:
            row_problems.append(f"since {since!r} is not a date (YYYY-MM-DD)")
        for message in row_problems:
            problems.add(where, message)
        if row_problems:
            continue
        seen.add(mep_id)
        area = batch.add_area(AreaRecord("country", country, country_name(country), country))
        languages = list(MEMBER_STATE_LANGUAGES[country])
        if mep_id in placed and placed[mep_id][0] == country:
            _, code, region = placed[mep_id]
            area = batch.add_area(AreaRecord("constituency", code, region, country,
                                             parent=("country", country)))
            languages = list(BELGIAN_COLLEGE_LANGUAGES.get(code, languages))
        office = clean(row.get("office"))
        batch.legislators.append(LegislatorRecord(mep_id, area, {
            "name": f"{first} {last}".strip(), "given_name": first, "family_name": last,
            "gender": GENDERS[gender], "title": "MEP",
            "party": clean(row.get("party")), "group": clean(row.get("eugroup")),
            "email": email, "phone": clean(row.get("phone")),
            "postal_address": (f"Office {office}\n" if office else "") + EP_POSTAL_ADDRESS,
            "website": f"https://www.europarl.europa.eu/meps/en/{mep_id}",
            "languages": languages, "mandate_start": mandate_start,
        }))
    problems.raise_if_any()

    listed = {record.external_id for record in batch.legislators}
    stale = sorted(mep_id for mep_id in placed if mep_id not in listed)
    if stale:
        batch.notices.append(f"{len(stale)} MEP(s) in the regions file(s) are not in the MEP list "
                             "(former members?); ignored")
    with_regions = {country for country, _, _ in placed.values()}
    unplaced = Counter(record.area[1] for record in batch.legislators
                       if record.area and record.area[0] == "country"
                       and record.area[1] in with_regions)
    for country, count in sorted(unplaced.items()):
        batch.notices.append(f"{count} MEP(s) of {country} have no regional constituency in the "
                             "regions file(s); lookups list them for every constituency")
    return [batch]
