"""Exports of signatories: a streamed CSV (flat memory with a million rows, spreadsheet formulas
neutralised) and the delivery PDF for handing a petition to its target. Both are audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from campaign.models import AuditEntry, Organizer, Petition, Signatory, Signature, SignatureState
from campaign.services import audit, stats

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("petition", "name", "email", "country", "postcode", "state", "consent_updates",
           "show_name", "source", "signed_at", "confirmed_at")
BATCH = 2000


def neutralise(value: Any) -> str:
    """The text of a cell, with a leading quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class ExportFilters:
    """What an export covers; all of it is recorded in the audit log."""

    campaign_id: int
    petition_id: int | None = None
    # "confirmed", "pending", "flagged", "invalidated" or "all"
    state: str = "confirmed"
    country: str = ""
    date_from: date | None = None
    date_to: date | None = None
    # "yes": only people who agreed to updates; "no": only those who did not; "": everyone.
    consent: str = ""

    def for_audit(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(self).items() if v not in (None, "")}


def _query(filters: ExportFilters) -> Select[Any]:
    query = (select(Petition.slug, Signature.name, Signatory.email, Signature.country,
                    Signature.postcode, Signature.state, Signature.consent_updates,
                    Signature.show_name, Signature.source, Signature.created_at,
                    Signature.confirmed_at)
             .join(Petition, Signature.petition_id == Petition.id)
             .outerjoin(Signatory, Signature.signatory_id == Signatory.id)
             .where(Petition.campaign_id == filters.campaign_id))
    if filters.petition_id is not None:
        query = query.where(Signature.petition_id == filters.petition_id)
    if filters.state != "all":
        query = query.where(Signature.state == SignatureState(filters.state))
    if filters.country:
        query = query.where(Signature.country == filters.country)
    if filters.date_from:
        query = query.where(Signature.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(Signature.created_at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.consent in ("yes", "no"):
        query = query.where(Signature.consent_updates.is_(filters.consent == "yes"))
    return query.order_by(Signature.id)


def _start_of(day: date) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time.min, tzinfo=UTC)


def _cells(row: Any) -> list[str]:
    slug, name, email, country, postcode, state, consent, show, source, signed, confirmed = row
    return [neutralise(v) for v in (
        slug, name, email or "", country, postcode, state.value, "yes" if consent else "no",
        "yes" if show else "no", source, signed.isoformat() if signed else "",
        confirmed.isoformat() if confirmed else "")]


def csv_chunks(session: Session, filters: ExportFilters,
               on_done: Callable[[int], None] | None = None) -> Iterator[str]:
    """The CSV as text chunks, read in batches through a server-side cursor.

    `on_done` gets the number of rows written, also when the reader stops early.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = 0
    try:
        result = session.execute(_query(filters).execution_options(yield_per=BATCH))
        for partition in result.partitions():
            for row in partition:
                writer.writerow(_cells(row))
            rows += len(partition)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    finally:
        if on_done is not None:
            on_done(rows)


def start_audit(session: Session, filters: ExportFilters, organizer: Organizer | None,
                action: str = "export-csv") -> int:
    """Record an export before any row leaves; the row count is filled in when it ends."""
    entry = audit.record(session, campaign_id=filters.campaign_id,
                         petition_id=filters.petition_id, action=action, organizer=organizer,
                         details=filters.for_audit())
    return entry.id


def finish_audit(session: Session, entry_id: int, rows: int) -> None:
    session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(row_count=rows))
    session.commit()


def count_rows(session: Session, filters: ExportFilters) -> int:
    return session.scalar(select(func.count()).select_from(_query(filters).order_by(None)
                                                           .subquery())) or 0


# -- the delivery PDF -------------------------------------------------------------------------

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


class FontMissingError(RuntimeError):
    """No Unicode TTF font was found for the PDF."""


def _font_path(bold: bool = False) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    raise FontMissingError("install the DejaVu fonts "
                           "(Debian: fonts-dejavu-core, `make letter-fonts`)")


def public_names(session: Session, petition_id: int, limit: int | None = None) -> list[str]:
    """First names and countries of confirmed signers who agreed to be shown, oldest first."""
    query = (select(Signature.name, Signature.country)
             .where(Signature.petition_id == petition_id,
                    Signature.state == SignatureState.CONFIRMED, Signature.show_name.is_(True),
                    Signature.name != "").order_by(Signature.confirmed_at, Signature.id))
    if limit:
        query = query.limit(limit)
    return [f"{first_name(name)} ({country})" for name, country in session.execute(query)]


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else ""


def delivery_pdf(session: Session, petition: Petition, include_names: bool) -> tuple[bytes, int]:
    """The hand-over document: text, count, counts by country and area, and consenting names.

    Returns the PDF and how many names it lists.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from campaign.countries import country_name

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", _font_path())
    pdf.add_font("DejaVu", "B", _font_path(bold=True))
    # HarfBuzz shaping: right-to-left scripts read in order with joined letters.
    pdf.set_text_shaping(True)
    pdf.set_title(petition.title)
    pdf.add_page()
    width = pdf.epw
    next_line: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT, "align": "L"}

    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(width, 9, petition.title, **next_line)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(width, 6, f"To: {petition.target}", **next_line)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 8, f"{petition.signature_count:,} confirmed signatures", **next_line)
    pdf.set_font("DejaVu", "", 11)
    if petition.summary:
        pdf.multi_cell(width, 6, petition.summary, **next_line)
        pdf.ln(2)
    pdf.multi_cell(width, 6, petition.body_markdown, **next_line)

    ids = [petition.id]
    for title, rows in (("Signatures by country",
                         [(country_name(c), n) for c, n in stats.by_country(session, ids).rows]),
                        ("Signatures by area (country and postcode prefix)",
                         stats.by_area(session, ids).rows)):
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(width, 8, title, **next_line)
        pdf.set_font("DejaVu", "", 10)
        with pdf.table(col_widths=(3, 1), text_align=("LEFT", "RIGHT")) as table:
            table.row(("", "Signatures"))
            for label, n in rows:
                table.row((label, f"{n:,}"))

    names: list[str] = []
    if include_names:
        names = public_names(session, petition.id)
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(width, 8, "Signers who agreed to be named (first name and country)",
                       **next_line)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 5.5, ", ".join(names) or "None.", **next_line)
    return bytes(pdf.output()), len(names)
