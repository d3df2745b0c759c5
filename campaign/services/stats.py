"""The dashboard's figures: GROUP BYs over a petition's signatures, each one a single pass over
a covering index (see campaign.models.tracking), kept a few minutes as a snapshot so that a
page view reads one row; totals, countries and page views are always live."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import (
    DashboardSnapshot,
    Petition,
    PetitionCountryCount,
    PetitionDailyViews,
    PetitionState,
    Signature,
)
from campaign.models import SignatureState as S
from campaign.models.tracking import CONFIRMED_ONLY, postcode_area, utc_day
from campaign.services import actions

TOP = 15


@dataclass
class Figures:
    """What the GROUP BYs give for one or more petitions (summed)."""

    daily: Counter[str] = field(default_factory=Counter)  # ISO day -> confirmed that day
    areas: Counter[str] = field(default_factory=Counter)  # "BE 10…" -> confirmed
    sources: Counter[str] = field(default_factory=Counter)  # source code -> confirmed
    by_state: Counter[str] = field(default_factory=Counter)  # state -> signatures
    computed_at: datetime = field(default_factory=utcnow)

    def as_json(self) -> dict[str, Any]:
        return {"daily": dict(self.daily), "areas": dict(self.areas),
                "sources": dict(self.sources), "by_state": dict(self.by_state)}

    @classmethod
    def from_json(cls, data: dict[str, Any], computed_at: datetime) -> Figures:
        return cls(*(Counter(data.get(k, {})) for k in ("daily", "areas", "sources",
                                                         "by_state")), computed_at=computed_at)

    def add(self, other: Figures) -> None:
        for mine, theirs in ((self.daily, other.daily), (self.areas, other.areas),
                             (self.sources, other.sources), (self.by_state, other.by_state)):
            mine.update(theirs)
        self.computed_at = min(self.computed_at, other.computed_at)


def compute_figures(session: Session, petition_id: int) -> Figures:
    """Four GROUP BYs, each following the order of its index: no sort, no temporary table.

    The confirmed signatures' figures read the partial indexes of confirmed signatures (their
    WHERE holds CONFIRMED_ONLY as it is written there); the count per state reads
    ix_signatures_petition_id_state_created_at.
    """
    if session.get_bind().dialect.name == "postgresql":
        # When one petition holds most of the table, PostgreSQL's estimate prefers a sequential
        # scan that recomputes the day and area of every row; the covering indexes hold them
        # already and halve the time. LOCAL: only for this transaction.
        session.execute(text("SET LOCAL enable_seqscan = off"))
    figures = Figures()
    of_petition = Signature.petition_id == petition_id
    day = utc_day(Signature.confirmed_at)  # the expression of ix_signatures_confirmed_..._day
    for d, n in session.execute(
            select(day, func.count()).where(of_petition, CONFIRMED_ONLY, day.is_not(None))
            .group_by(Signature.petition_id, day)):
        figures.daily[str(d)] += n
    area = postcode_area(Signature.postcode)  # the expression of ..._country_area
    for country, prefix, n in session.execute(
            select(Signature.country, area, func.count()).where(of_petition, CONFIRMED_ONLY,
                                                                  area != "")
            .group_by(Signature.petition_id, Signature.country, area)):
        figures.areas[f"{country} {prefix}…"] += n
    for source, n in session.execute(
            select(Signature.source, func.count()).where(of_petition, CONFIRMED_ONLY)
            .group_by(Signature.petition_id, Signature.source)):
        figures.sources[source] += n
    for state, n in session.execute(
            select(Signature.state, func.count()).where(of_petition)
            .group_by(Signature.petition_id, Signature.state)):
        figures.by_state[state.value] += n
    return figures


def figures_for(session: Session, petition_id: int, max_age_seconds: int) -> Figures:
    """The petition's figures from its snapshot if younger than `max_age_seconds`, else fresh."""
    if max_age_seconds > 0:
        snapshot = session.get(DashboardSnapshot, petition_id)
        if snapshot is not None and \
                utcnow() - snapshot.computed_at < timedelta(seconds=max_age_seconds):
            return Figures.from_json(snapshot.figures, snapshot.computed_at)
    figures = compute_figures(session, petition_id)
    _store(session, petition_id, figures)
    return figures


def _store(session: Session, petition_id: int, figures: Figures) -> None:
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"computed_at": figures.computed_at, "figures": figures.as_json()}
    session.execute(module.insert(DashboardSnapshot).values(petition_id=petition_id, **values)
                    .on_conflict_do_update(index_elements=["petition_id"], set_=values))


def forget(session: Session, petition_id: int) -> None:
    """Drop a petition's snapshot after a change the counts must show at once (invalidation)."""
    session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.petition_id == petition_id))


def refresh_stale(session: Session, max_age_seconds: int) -> int:
    """Recompute the snapshots of open petitions that are over half their age; for the worker."""
    cutoff = utcnow() - timedelta(seconds=max_age_seconds / 2)
    fresh = select(DashboardSnapshot.petition_id).where(DashboardSnapshot.computed_at >= cutoff)
    stale = list(session.scalars(select(Petition.id).where(Petition.state == PetitionState.OPEN,
                                                           Petition.id.not_in(fresh))))
    for petition_id in stale:
        _store(session, petition_id, compute_figures(session, petition_id))
        session.commit()
    return len(stale)


def _merged(session: Session, petition_ids: list[int], max_age_seconds: int = 0) -> Figures:
    figures = Figures()
    for petition_id in petition_ids:
        figures.add(figures_for(session, petition_id, max_age_seconds))
    return figures


@dataclass
class Series:
    """Rows of (label, value) in display order, for a chart and its table."""

    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)


def _top(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))[:TOP]


def daily_series(counts: Counter[str]) -> list[tuple[date, int, int]]:
    """(day, confirmed that day, cumulative), the days without any filled in as zero."""
    by_day = {date.fromisoformat(d): n for d, n in counts.items() if n}
    if not by_day:
        return []
    out, running, current, last = [], 0, min(by_day), max(by_day)
    while current <= last:
        running += by_day.get(current, 0)
        out.append((current, by_day.get(current, 0), running))
        current += timedelta(days=1)
    return out


def daily_confirmed(session: Session, petition_ids: list[int]) -> list[tuple[date, int, int]]:
    return daily_series(_merged(session, petition_ids).daily)


def by_area(session: Session, petition_ids: list[int]) -> Series:
    """Country and the first characters of the postcode: a coarse area, never an address."""
    return Series("By area (country and postcode prefix)",
                  _top(_merged(session, petition_ids).areas))


def by_source(session: Session, petition_ids: list[int]) -> Series:
    sources = _merged(session, petition_ids).sources
    return Series("By source", [(s or "(direct)", n) for s, n in _top(sources)])


def by_country(session: Session, petition_ids: list[int]) -> Series:
    """From the kept counts (always live): no signature rows are read."""
    total = func.sum(PetitionCountryCount.count)
    rows = session.execute(select(PetitionCountryCount.country, total)
                           .where(PetitionCountryCount.petition_id.in_(petition_ids))
                           .group_by(PetitionCountryCount.country)).all()
    return Series("By country", sorted(((c, int(n)) for c, n in rows if n),
                                       key=lambda r: (-r[1], r[0])))


@dataclass
class Funnel:
    views: int
    signatures: int
    confirmed: int
    by_state: dict[str, int]

    def steps(self) -> list[tuple[str, int, str]]:
        """(step, count, share of the step before) for the table."""
        out, previous = [], 0
        for label, n in (("Page views", self.views), ("Signatures", self.signatures),
                         ("Confirmed", self.confirmed)):
            share = f"{n * 100 / previous:.1f} %" if previous else ""
            out.append((label, n, share))
            previous = n
        return out


def funnel(session: Session, petition_ids: list[int], figures: Figures | None = None) -> Funnel:
    """Page views and the confirmed total are live; signatures by state come from the figures."""
    figures = figures or _merged(session, petition_ids)
    views = session.scalar(select(func.coalesce(func.sum(PetitionDailyViews.views), 0))
                           .where(PetitionDailyViews.petition_id.in_(petition_ids))) or 0
    confirmed = session.scalar(select(func.coalesce(func.sum(Petition.signature_count), 0))
                               .where(Petition.id.in_(petition_ids))) or 0
    by_state = {state.value: int(figures.by_state.get(state.value, 0)) for state in S}
    return Funnel(int(views), sum(by_state.values()), int(confirmed), by_state)


def letters_per_legislator(session: Session, campaign_id: int) -> Series | None:
    """Letters written to each legislator in a campaign; None until the letters module exists."""
    letter = actions.letter_model()
    if letter is None or not hasattr(letter, "legislator_id"):
        return None
    from campaign.models import Legislator, LetterCampaign

    query = (select(Legislator.name, func.count()).select_from(letter)
             .join(Legislator, letter.legislator_id == Legislator.id))
    if hasattr(letter, "letter_campaign_id"):
        query = query.join(LetterCampaign, letter.letter_campaign_id == LetterCampaign.id).where(
            LetterCampaign.campaign_id == campaign_id)
    rows = session.execute(query.group_by(Legislator.id, Legislator.name)
                           .order_by(func.count().desc()).limit(TOP)).all()
    return Series("Letters per legislator", [(name, n) for name, n in rows])


@dataclass
class Dashboard:
    title: str
    daily: list[tuple[date, int, int]]
    countries: Series
    areas: Series
    sources: Series
    funnel: Funnel
    letters: Series | None
    figures_as_of: datetime


def dashboard(session: Session, title: str, petition_ids: list[int],
              campaign_id: int | None = None, max_age_seconds: int = 0) -> Dashboard:
    """Everything the dashboard page shows, for one petition or a campaign's petitions."""
    figures = _merged(session, petition_ids, max_age_seconds)
    return Dashboard(
        title=title, daily=daily_series(figures.daily),
        countries=by_country(session, petition_ids),
        areas=Series("By area (country and postcode prefix)", _top(figures.areas)),
        sources=Series("By source", [(s or "(direct)", n) for s, n in _top(figures.sources)]),
        funnel=funnel(session, petition_ids, figures),
        letters=letters_per_legislator(session, campaign_id) if campaign_id is not None else None,
        figures_as_of=figures.computed_at)
