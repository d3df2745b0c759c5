"""Import legislator lists: read and check the whole file, then write it in one go.

`import_file` is what the CLI calls. Every format reader checks every row first and raises
`ImportRefused` listing each bad row, so a file with errors changes nothing; the caller
commits only after `apply_batches` returns (and rolls back on any error), so an import is all
or nothing. Re-importing updates rows in place (matched on the source's own id), marks members
the file no longer lists as not serving, and never duplicates anyone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.legislators.formats import ep_meps, plain_csv, popolo, us_congress
from campaign.legislators.records import (
    CHAMBER_KINDS,
    MANUAL_PREFIX,
    ChamberBatch,
    ImportRefused,
    RowProblem,
)
from campaign.models import Area, Chamber, Legislator

FORMATS = ("popolo", "ep-meps", "us-congress", "csv")

Progress = Callable[[int], None]


@dataclass
class ChamberReport:
    chamber: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    notices: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.chamber}: {self.created} new, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.retired} no longer serving")


@dataclass
class ImportOptions:
    chamber: str | None = None
    chamber_name: str | None = None
    chamber_kind: str | None = None
    country: str | None = None
    regions: list[Path] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def read_file(path: Path, fmt: str, options: ImportOptions) -> list[ChamberBatch]:
    """Parse and check a file without touching the database."""
    if not path.is_file():
        raise ImportRefused([RowProblem(str(path), "no such file")])
    if options.chamber_kind and options.chamber_kind not in CHAMBER_KINDS:
        raise ImportRefused([RowProblem(path.name, "chamber kind must be one of "
                                                   + ", ".join(CHAMBER_KINDS))])
    try:
        if fmt == "ep-meps":
            batches = ep_meps.parse(path, options.regions, options.chamber)
        elif fmt == "us-congress":
            batches = us_congress.parse(path)
        elif fmt == "popolo":
            batches = popolo.parse(path, options.country, options.chamber,
                                   options.chamber_kind or "national-lower", options.languages)
        elif fmt == "csv":
            batches = plain_csv.parse(path, options.chamber, options.chamber_name,
                                      options.chamber_kind, options.country)
        else:
            raise ImportRefused([RowProblem(path.name, f"unknown format {fmt!r}; use one of "
                                                       f"{', '.join(FORMATS)}")])
    except UnicodeDecodeError as exc:
        raise ImportRefused([RowProblem(path.name, f"not UTF-8 text ({exc.reason})")]) from None
    _refuse_control_characters(batches)
    return batches


def _refuse_control_characters(batches: list[ChamberBatch]) -> None:
    """Control characters (NUL, escape...) in a name or address are damage, not data."""
    problems = []
    for batch in batches:
        for record in batch.legislators:
            for name, value in record.fields.items():
                if isinstance(value, str) and any(
                        unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
                    problems.append(RowProblem(f"id {record.external_id}",
                                               f"{name} contains control characters"))
    if problems:
        raise ImportRefused(problems)


def import_file(session: Session, path: Path, fmt: str, options: ImportOptions | None = None,
                progress: Progress | None = None) -> list[ChamberReport]:
    """Read, check and write a legislator file; the caller commits."""
    batches = read_file(path, fmt, options or ImportOptions())
    return apply_batches(session, batches, progress)


def total_members(batches: list[ChamberBatch]) -> int:
    return sum(len(batch.legislators) for batch in batches)


def _set(obj: object, values: dict[str, object]) -> bool:
    """Assign only the values that differ, so that an unchanged row stays untouched."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _chamber(session: Session, batch: ChamberBatch) -> Chamber:
    record = batch.chamber
    chamber = session.scalar(select(Chamber).where(Chamber.slug == record.slug))
    if chamber is None:
        chamber = Chamber(slug=record.slug, name=record.name or record.slug,
                          country=record.country, kind=record.kind or "national-lower",
                          languages=record.languages)
        session.add(chamber)
        session.flush()
        return chamber
    values: dict[str, object] = {"country": record.country} if record.country else {}
    if record.name:
        values["name"] = record.name
    if record.kind:
        values["kind"] = record.kind
    if record.languages:
        values["languages"] = record.languages
    _set(chamber, values)
    return chamber


def _areas(session: Session, chamber: Chamber, batch: ChamberBatch) -> dict[tuple[str, str], Area]:
    existing = {(a.kind, a.code): a for a in
                session.scalars(select(Area).where(Area.chamber_id == chamber.id))}
    for record in batch.areas:
        parent = existing[record.parent] if record.parent else None
        area = existing.get(record.key)
        if area is None:
            area = Area(chamber_id=chamber.id, kind=record.kind, code=record.code,
                        name=record.name, country=record.country, parent=parent)
            session.add(area)
            existing[record.key] = area
        else:
            _set(area, {"name": record.name, "country": record.country, "parent": parent})
    session.flush()
    return existing


def apply_batches(session: Session, batches: list[ChamberBatch],
                  progress: Progress | None = None) -> list[ChamberReport]:
    """Write checked batches: create, update in place, retire the members no longer listed."""
    reports = []
    for batch in batches:
        chamber = _chamber(session, batch)
        report = ChamberReport(chamber.slug, notices=list(batch.notices))
        areas = _areas(session, chamber, batch)
        existing = {m.external_id: m for m in
                    session.scalars(select(Legislator).where(Legislator.chamber_id == chamber.id))}
        listed = set()
        for record in batch.legislators:
            listed.add(record.external_id)
            values = dict(record.fields, serving=True)
            if record.area is not None:
                values["area"] = areas[record.area]
            member = existing.get(record.external_id)
            if member is None:
                session.add(Legislator(chamber=chamber, external_id=record.external_id, **values))
                report.created += 1
            elif _set(member, values):
                report.updated += 1
            else:
                report.unchanged += 1
            if progress:
                progress(1)
        for external_id, member in existing.items():
            if (external_id not in listed and member.serving
                    and not external_id.startswith(MANUAL_PREFIX)):
                member.serving = False
                report.retired += 1
        session.flush()
        reports.append(report)
    return reports
