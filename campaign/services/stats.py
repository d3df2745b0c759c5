"""The dashboard's figures: GROUP BYs over a petition's signatures, each one answered from a
covering index (see campaign.models.tracking), so they stay fast with a million rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import Petition, PetitionCountryCount, PetitionDailyViews, Signature
from campaign.models import SignatureState as S
from campaign.models.tracking import postcode_area, utc_day
from campaign.services import actions

TOP = 15


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
    # The same expression as the index ix_signatures_petition_id_state_confirmed_day.
    day = utc_day(Signature.confirmed_at)
    rows = session.execute(select(day, func.count()).where(
        Signature.petition_id.in_(petition_ids), Signature.state == S.CONFIRMED,
        day.is_not(None)).group_by(day).order_by(day)).all()
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
    total = func.sum(PetitionCountryCount.count)
    rows = session.execute(select(PetitionCountryCount.country, total)
                           .where(PetitionCountryCount.petition_id.in_(petition_ids))
                           .group_by(PetitionCountryCount.country)).all()
    return Series("By country", sorted(((c, int(n)) for c, n in rows if n), key=lambda r: -r[1]))


def by_area(session: Session, petition_ids: list[int]) -> Series:
    """Country and the first characters of the postcode: a coarse area, never an address."""
    # The same expression as the index ix_signatures_petition_id_state_country_area: the
    # GROUP BY follows the index, one pass without a sort.
    area = postcode_area(Signature.postcode)
    rows = session.execute(select(Signature.country, area, func.count()).where(
        Signature.petition_id.in_(petition_ids), Signature.state == S.CONFIRMED,
        area != "").group_by(Signature.petition_id, Signature.state, Signature.country, area)
        .order_by(func.count().desc()).limit(TOP)).all()
    return Series("By area (country and postcode prefix)",
                  [(f"{country} {area}…", int(n)) for country, area, n in rows])


def _by_state_and_source(session: Session, petition_ids: list[int]
                         ) -> list[tuple[S, str, int]]:
    """One pass over the (petition, state, source) index gives the funnel and the sources."""
    return [(state, source, n) for state, source, n in session.execute(
        select(Signature.state, Signature.source, func.count())
        .where(Signature.petition_id.in_(petition_ids))
        .group_by(Signature.petition_id, Signature.state, Signature.source))]


def by_source(session: Session, petition_ids: list[int],
              counted: list[tuple[S, str, int]] | None = None) -> Series:
    totals: dict[str, int] = {}
    for state, source, n in counted or _by_state_and_source(session, petition_ids):
        if state is S.CONFIRMED:
            totals[source] = totals.get(source, 0) + n
    rows = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP]
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


def funnel(session: Session, petition_ids: list[int],
           counted: list[tuple[S, str, int]] | None = None) -> Funnel:
    views = session.scalar(select(func.coalesce(func.sum(PetitionDailyViews.views), 0))
                           .where(PetitionDailyViews.petition_id.in_(petition_ids))) or 0
    by_state = {state.value: 0 for state in S}
    for state, _source, n in counted or _by_state_and_source(session, petition_ids):
        by_state[state.value] += n
    confirmed = session.scalar(select(func.coalesce(func.sum(Petition.signature_count), 0))
                               .where(Petition.id.in_(petition_ids))) or 0
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
    generated_at: datetime


def dashboard(session: Session, title: str, petition_ids: list[int],
              campaign_id: int | None = None) -> Dashboard:
    from campaign.db import utcnow

    counted = _by_state_and_source(session, petition_ids)
    return Dashboard(title=title, daily=daily_confirmed(session, petition_ids),
                     countries=by_country(session, petition_ids),
                     areas=by_area(session, petition_ids),
                     sources=by_source(session, petition_ids, counted),
                     funnel=funnel(session, petition_ids, counted),
                     letters=(letters_per_legislator(session, campaign_id)
                              if campaign_id is not None else None),
                     generated_at=utcnow())
