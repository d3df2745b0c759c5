"""What every importer produces: plain records checked in full before anything is written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

AREA_KINDS = ("country", "region", "constituency", "state", "district")
CHAMBER_KINDS = ("eu-parliament", "national-lower", "national-upper", "us-senate", "us-house",
                 "regional")
GENDERS = ("female", "male", "")

# Legislators an organizer added by hand carry this prefix; imports never retire them.
MANUAL_PREFIX = "manual:"


@dataclass
class ChamberRecord:
    slug: str
    name: str
    country: str
    kind: str
    languages: list[str]


@dataclass
class AreaRecord:
    kind: str
    code: str
    name: str
    country: str
    # (kind, code) of the parent area in the same batch, listed before this one.
    parent: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass
class LegislatorRecord:
    external_id: str
    # (kind, code) of the area in the same batch, or None for "not given".
    area: tuple[str, str] | None
    # Legislator columns the source gives; the ones it does not give are left as they are.
    fields: dict[str, Any]


@dataclass
class ChamberBatch:
    """One chamber's whole membership as a source lists it."""

    chamber: ChamberRecord
    areas: list[AreaRecord] = field(default_factory=list)
    legislators: list[LegislatorRecord] = field(default_factory=list)
    # Things the organizer should know that do not stop the import.
    notices: list[str] = field(default_factory=list)

    def add_area(self, area: AreaRecord) -> tuple[str, str]:
        if all(a.key != area.key for a in self.areas):
            self.areas.append(area)
        return area.key


@dataclass(frozen=True)
class RowProblem:
    """A bad row: where it is (e.g. "row 4", "persons[12]") and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRefused(Exception):
    """The file has errors; nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


class Problems:
    """Collects row problems so that one pass reports all of them."""

    def __init__(self) -> None:
        self.items: list[RowProblem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(RowProblem(where, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRefused(self.items)


def clean(value: Any) -> str:
    """Text from a source cell: NFC, stripped, "" for missing."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def email_problem(email: str) -> str | None:
    """Why an address is unusable, or None (an empty address is allowed)."""
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"email {email!r} is not valid ({exc})"
    return None


def parse_date(value: str) -> date:
    """An ISO date (YYYY-MM-DD); ValueError otherwise."""
    return date.fromisoformat(value)


def code_slug(text: str) -> str:
    """Upper-case ASCII letters and digits joined by hyphens: "Nord-Est" -> "NORD-EST"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").upper()


def slugify(text: str) -> str:
    return code_slug(text).lower()
