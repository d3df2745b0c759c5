"""The dashboard's figures: GROUP BYs over a petition's signatures, each one answered from a
covering index (see campaign.models.tracking), so they stay fast with a million rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from campaign.models import Petition, PetitionCountryCount, PetitionDailyViews, Signature
from campaign.models import SignatureState as S
from campaign.services import actions

AREA_PREFIX_LENGTH = 2
TOP = 15


def _day(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp column, as the backend computes it."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.substr(column, 1, 10)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass
class Series:
    """Rows of (label, value) in display order, for a chart and its table."""

    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(v for _, v in self.rows)


def daily_confirmed(session: Session, petition_ids: list[int]) -> list[tuple[date, int, int]]:
    """(day, confirmed that day, cumulative) with the days without any filled in as zero."""
    day = _day(session, Signature.confirmed_at)
    rows = session.execute(select(day, func.count()).where(
        Signature.petition_id.in_(petition_ids), Signature.state == S.CONFIRMED,
        Signature.confirmed_at.is_not(None)).group_by(day).order_by(day)).all()
    counts = {_as_date(d): n for d, n in rows}
    if not counts:
        return []
    out, running, current, last = [], 0, min(counts), max(counts)
    while current <= last:
        running += counts.get(current, 0)
        out.append((current, counts.get(current, 0), running))
        current += timedelta(days=1)
    return out


def by_country(session: Session, petition_ids: list[int]) -> Series:
    """From the kept counts: no signature rows are read."""
    rows = session.execute(select(PetitionCountryCount.country, func.sum(PetitionCountryCount.count))
                           .where(PetitionCountryCount.petition_id.in_(petition_ids))
                           .group_by(PetitionCountryCount.country)).all()
    return Series("By country", sorted(((c, int(n)) for c, n in rows if n), key=lambda r: -r[1]))


def by_area(session: Session, petition_ids: list[int]) -> Series:
    """Country and the first characters of the postcode: a coarse area, never an address."""
    prefix = func.upper(func.substr(Signature.postcode, 1, AREA_PREFIX_LENGTH))
    rows = session.execute(select(Signature.country, prefix, func.count()).where(
        Signature.petition_id.in_(petition_ids), Signature.state == S.CONFIRMED,
        Signature.postcode != "").group_by(Signature.country, prefix)
        .order_by(func.count().desc()).limit(TOP)).all()
    return Series("By area (country and postcode prefix)",
                  [(f"{country} {area}…", n) for country, area, n in rows])


def by_source(session: Session, petition_ids: list[int]) -> Series:
    rows = session.execute(select(Signature.source, func.count()).where(
        Signature.petition_id.in_(petition_ids), Signature.state == S.CONFIRMED)
        .group_by(Signature.source).order_by(func.count().desc()).limit(TOP)).all()
    return Series("By source", [(source or "(direct)", n) for source, n in rows])


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


def funnel(session: Session, petition_ids: list[int]) -> Funnel:
    views = session.scalar(select(func.coalesce(func.sum(PetitionDailyViews.views), 0))
                           .where(PetitionDailyViews.petition_id.in_(petition_ids))) or 0
    states = dict(session.execute(select(Signature.state, func.count())
                                  .where(Signature.petition_id.in_(petition_ids))
                                  .group_by(Signature.state)).all())
    by_state = {state.value: int(states.get(state, 0)) for state in S}
    confirmed = session.scalar(select(func.coalesce(func.sum(Petition.signature_count), 0))
                               .where(Petition.id.in_(petition_ids))) or 0
    return Funnel(int(views), sum(by_state.values()), int(confirmed), by_state)


def letters_per_legislator(session: Session, campaign_id: int) -> Series | None:
    """Letters written to each legislator in a campaign; None until the letters module exists."""
    letter = actions.letter_model()
    if letter is None or not hasattr(letter, "legislator_id"):
        return None
    from campaign.models import LetterCampaign, Legislator

    query = select(Legislator.name, func.count()).join(Legislator,
                                                       letter.legislator_id == Legislator.id)
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
    generated_at: datetime


def dashboard(session: Session, title: str, petition_ids: list[int],
              campaign_id: int | None = None) -> Dashboard:
    from campaign.db import utcnow

    return Dashboard(title=title, daily=daily_confirmed(session, petition_ids),
                     countries=by_country(session, petition_ids),
                     areas=by_area(session, petition_ids),
                     sources=by_source(session, petition_ids),
                     funnel=funnel(session, petition_ids),
                     letters=(letters_per_legislator(session, campaign_id)
                              if campaign_id is not None else None),
                     generated_at=utcnow())
