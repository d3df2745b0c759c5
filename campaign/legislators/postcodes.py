"""The postcode-to-area table: which areas (of which chambers) a postcode lies in.

CSV header: `country,postcode,chamber,area` (chamber = chamber slug, area = area code, as the
legislator import created them). A postcode split between two areas of one chamber has a row
for each. The file replaces the whole table for every country it names; a file with errors
imports nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaign.legislators.formats._csv import read_rows
from campaign.legislators.records import ImportRefused, Problems, RowProblem, clean
from campaign.models import Area, Chamber, PostcodeArea

COLUMNS = ("country", "postcode", "chamber", "area")


def normalise_postcode(country: str, postcode: str) -> str:
    """Upper case without spaces; a US ZIP+4 becomes its five-digit ZIP."""
    code = re.sub(r"\s+", "", postcode).upper()
    if country.upper() == "US":
        code = code.split("-")[0]
    return code


@dataclass
class PostcodeReport:
    countries: list[str]
    rows: int
    added: int
    removed: int

    def __str__(self) -> str:
        return (f"{self.rows} postcode row(s) for {', '.join(self.countries) or 'no country'}: "
                f"{self.added} added, {self.removed} removed")


def import_postcodes(session: Session, path: Path) -> PostcodeReport:
    """Check the whole file, then make the table match it for the countries it names."""
    if not path.is_file():
        raise ImportRefused([RowProblem(str(path), "no such file")])
    areas = {(chamber_slug, area.code): area for area, chamber_slug in session.execute(
        select(Area, Chamber.slug).join(Chamber, Area.chamber_id == Chamber.id))}
    problems = Problems()
    wanted: set[tuple[str, str, int]] = set()
    try:
        _, rows = read_rows(path, COLUMNS)
        for number, row in rows:
            country, chamber, code = (clean(row["country"]).upper(), clean(row["chamber"]),
                                      clean(row["area"]))
            postcode = normalise_postcode(country, clean(row["postcode"]))
            area = areas.get((chamber, code))
            if not postcode or len(postcode) > 20:
                problems.add(f"row {number}", "postcode is required (at most 20 characters)")
            elif area is None:
                problems.add(f"row {number}", f"chamber {chamber!r} has no area {code!r}")
            elif area.country != country:
                problems.add(f"row {number}",
                             f"area {code!r} is in {area.country}, not {country!r}")
            else:
                wanted.add((country, postcode, area.id))
    except UnicodeDecodeError as exc:
        raise ImportRefused([RowProblem(path.name, f"not UTF-8 text ({exc.reason})")]) from None
    problems.raise_if_any()

    countries = sorted({country for country, _, _ in wanted})
    have = {(p.country, p.postcode, p.area_id): p for p in session.scalars(
        select(PostcodeArea).where(PostcodeArea.country.in_(countries)))}
    gone = [p.id for key, p in have.items() if key not in wanted]
    if gone:
        session.execute(delete(PostcodeArea).where(PostcodeArea.id.in_(gone)))
    added = wanted - have.keys()
    session.add_all(PostcodeArea(country=c, postcode=p, area_id=a) for c, p, a in sorted(added))
    session.flush()
    return PostcodeReport(countries, len(wanted), len(added), len(gone))


def areas_for_postcode(session: Session, country: str, postcode: str) -> list[Area]:
    """The areas a postcode lies in, across chambers."""
    code = normalise_postcode(country, postcode)
    return list(session.scalars(
        select(Area).join(PostcodeArea, PostcodeArea.area_id == Area.id)
        .where(PostcodeArea.country == country.upper(), PostcodeArea.postcode == code)
        .order_by(Area.chamber_id, Area.code)))
