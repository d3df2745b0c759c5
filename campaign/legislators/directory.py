"""Browse, search and edit the legislator directory (the organizer admin calls these)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from campaign.legislators.records import MANUAL_PREFIX
from campaign.models import Area, Chamber, Legislator


@dataclass
class SearchFilters:
    text: str = ""
    chamber_id: int | None = None
    area: str = ""
    party: str = ""
    # "serving", "former" or "all"
    status: str = "serving"


@dataclass
class Page:
    items: list[Legislator]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(session: Session, filters: SearchFilters, page: int = 1, per_page: int = 50) -> Page:
    """Legislators matching every filter given, by chamber and name, one page of them."""
    query = select(Legislator).outerjoin(Area, Legislator.area_id == Area.id)
    if filters.text:
        pattern = _like(filters.text)
        query = query.where(or_(func.lower(Legislator.name).like(pattern, escape="\\"),
                                func.lower(Legislator.email).like(pattern, escape="\\")))
    if filters.chamber_id:
        query = query.where(Legislator.chamber_id == filters.chamber_id)
    if filters.area:
        pattern = _like(filters.area)
        query = query.where(or_(func.lower(Area.code).like(pattern, escape="\\"),
                                func.lower(Area.name).like(pattern, escape="\\")))
    if filters.party:
        pattern = _like(filters.party)
        query = query.where(or_(func.lower(Legislator.party).like(pattern, escape="\\"),
                                func.lower(Legislator.group).like(pattern, escape="\\")))
    if filters.status in ("serving", "former"):
        query = query.where(Legislator.serving.is_(filters.status == "serving"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    items = session.scalars(
        query.options(selectinload(Legislator.chamber), selectinload(Legislator.area))
        .order_by(Legislator.chamber_id, Legislator.family_name, Legislator.name, Legislator.id)
        .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(items), page, per_page, total)


def chambers(session: Session) -> list[Chamber]:
    return list(session.scalars(select(Chamber).order_by(Chamber.name)))


def find_area(session: Session, chamber_id: int, code: str) -> Area | None:
    """An area of a chamber by its code (any kind; the most specific when codes repeat)."""
    areas = session.scalars(select(Area).where(Area.chamber_id == chamber_id,
                                               func.upper(Area.code) == code.strip().upper())).all()
    order = ("district", "constituency", "region", "state", "country")
    return min(areas, key=lambda a: order.index(a.kind) if a.kind in order else 0, default=None)


@dataclass
class LegislatorFields:
    chamber_id: int
    area: Area | None
    name: str
    given_name: str = ""
    family_name: str = ""
    gender: str = ""
    title: str = ""
    party: str = ""
    group: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""
    contact_form_url: str = ""
    website: str = ""
    languages: list[str] | None = None
    mandate_start: date | None = None
    mandate_end: date | None = None
    serving: bool = True


def save(session: Session, legislator: Legislator | None, fields: LegislatorFields) -> Legislator:
    """Create a legislator by hand (kept through imports) or change one; the caller commits."""
    values: dict[str, Any] = dict(vars(fields))
    values["languages"] = values["languages"] or []
    if legislator is None:
        legislator = Legislator(external_id=f"{MANUAL_PREFIX}{uuid.uuid4().hex[:12]}")
        session.add(legislator)
    for name, value in values.items():
        if getattr(legislator, name) != value:
            setattr(legislator, name, value)
    session.flush()
    return legislator
