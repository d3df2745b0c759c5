"""Fraud handling: bursts of signatures from one address hash or email domain in a short time
window, invalidated as a group with a reason (every count follows) and restorable."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Integer, cast, func, select, update
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import (
    InvalidatedSignature,
    Invalidation,
    Organizer,
    Petition,
    Signatory,
    Signature,
    SignatureState,
)
from campaign.services import audit, stats
from campaign.services.signing import add_to_counts

GROUPINGS = ("ip", "domain")
# Signatures that count now or may count: what an invalidation takes out.
LIVE_STATES = (SignatureState.PENDING, SignatureState.CONFIRMED, SignatureState.FLAGGED)


class FraudError(ValueError):
    """A group that cannot be invalidated or restored; the message is for the organizer."""


@dataclass
class Burst:
    grouping: str
    key: str
    window_start: datetime
    window_minutes: int
    count: int
    confirmed: int

    @property
    def description(self) -> str:
        label = "address hash" if self.grouping == "ip" else "email domain"
        return (f"{label} {self.key} from {self.window_start:%Y-%m-%d %H:%M} UTC, "
                f"{self.window_minutes} minutes")


def _bucket(session: Session, window_minutes: int) -> Any:
    """The number of the time window a signature falls in (seconds since 1970 // width)."""
    width = window_minutes * 60
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", Signature.created_at) / width), BigInteger)
    return cast(cast(func.strftime("%s", Signature.created_at), Integer) / width, Integer)


def _domain(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(Signatory.email_key, "@", 2)
    return func.substr(Signatory.email_key, func.instr(Signatory.email_key, "@") + 1)


def _key_column(session: Session, grouping: str) -> Any:
    if grouping not in GROUPINGS:
        raise FraudError(f"unknown grouping {grouping!r}")
    return Signature.ip_hash if grouping == "ip" else _domain(session)


def bursts(session: Session, petition_id: int, grouping: str = "ip", window_minutes: int = 10,
           min_size: int = 5, limit: int = 50) -> list[Burst]:
    """Groups of at least `min_size` live signatures, largest first."""
    key = _key_column(session, grouping)
    bucket = _bucket(session, window_minutes)
    confirmed = func.sum(cast(Signature.state == SignatureState.CONFIRMED, Integer))
    query = (select(key, bucket, func.count(), confirmed)
             .where(Signature.petition_id == petition_id, Signature.state.in_(LIVE_STATES),
                    key != "")
             .group_by(key, bucket).having(func.count() >= min_size)
             .order_by(func.count().desc()).limit(limit))
    if grouping == "domain":
        query = query.join(Signatory, Signature.signatory_id == Signatory.id)
    return [Burst(grouping, k, datetime.fromtimestamp(int(b) * window_minutes * 60, UTC),
                  window_minutes, int(n), int(c or 0))
            for k, b, n, c in session.execute(query)]


def _members(session: Session, petition_id: int, grouping: str, key: str,
             window_start: datetime, window_minutes: int) -> list[tuple[int, SignatureState, str]]:
    column = _key_column(session, grouping)
    query = (select(Signature.id, Signature.state, Signature.country)
             .where(Signature.petition_id == petition_id, Signature.state.in_(LIVE_STATES),
                    column == key, Signature.created_at >= window_start,
                    Signature.created_at < window_start + timedelta(minutes=window_minutes)))
    if grouping == "domain":
        query = query.join(Signatory, Signature.signatory_id == Signatory.id)
    return [(i, s, c) for i, s, c in session.execute(query)]


def invalidate(session: Session, petition: Petition, burst: Burst, reason: str,
               organizer: Organizer | None) -> Invalidation:
    """Invalidate every live signature of a group; the counts drop in the same transaction."""
    if not reason.strip():
        raise FraudError("give a reason")
    members = _members(session, petition.id, burst.grouping, burst.key, burst.window_start,
                       burst.window_minutes)
    if not members:
        raise FraudError("this group has no signatures left to invalidate")
    invalidation = Invalidation(petition_id=petition.id, description=burst.description[:300],
                                reason=reason.strip()[:500],
                                organizer_id=organizer.id if organizer else None)
    session.add(invalidation)
    session.flush()
    session.execute(InvalidatedSignature.__table__.insert(), [
        {"invalidation_id": invalidation.id, "signature_id": sid, "previous_state": state.value}
        for sid, state, _ in members])
    session.execute(update(Signature).where(Signature.id.in_([m[0] for m in members]))
                    .values(state=SignatureState.INVALIDATED))
    confirmed = Counter(country for _, state, country in members
                        if state is SignatureState.CONFIRMED)
    for country, n in sorted(confirmed.items()):
        add_to_counts(session, petition.id, country, -n)
    stats.forget(session, petition.id)
    audit.record(session, campaign_id=petition.campaign_id, petition_id=petition.id,
                 action="invalidate", organizer=organizer, row_count=len(members),
                 details={"group": burst.description, "reason": invalidation.reason,
                          "confirmed": sum(confirmed.values()), "invalidation": invalidation.id})
    return invalidation


def restore(session: Session, invalidation: Invalidation, organizer: Organizer | None) -> int:
    """Put the signatures of an invalidation back in the state they had; counts follow."""
    if invalidation.restored_at is not None:
        raise FraudError("this group was restored already")
    petition = session.get(Petition, invalidation.petition_id)
    assert petition is not None
    rows = session.execute(
        select(Signature.id, Signature.country, InvalidatedSignature.previous_state)
        .join(InvalidatedSignature, InvalidatedSignature.signature_id == Signature.id)
        .where(InvalidatedSignature.invalidation_id == invalidation.id,
               Signature.state == SignatureState.INVALIDATED)).all()
    for state in {previous for _, _, previous in rows}:
        session.execute(update(Signature).where(
            Signature.id.in_([sid for sid, _, previous in rows if previous is state]))
            .values(state=state))
    confirmed = Counter(country for _, country, previous in rows
                        if previous is SignatureState.CONFIRMED)
    for country, n in sorted(confirmed.items()):
        add_to_counts(session, petition.id, country, n)
    stats.forget(session, petition.id)
    invalidation.restored_at = utcnow()
    audit.record(session, campaign_id=petition.campaign_id, petition_id=petition.id,
                 action="restore", organizer=organizer, row_count=len(rows),
                 details={"group": invalidation.description, "invalidation": invalidation.id,
                          "confirmed": sum(confirmed.values())})
    return len(rows)


def invalidations(session: Session, petition_id: int) -> list[tuple[Invalidation, int]]:
    """A petition's invalidations, newest first, with how many signatures each holds."""
    rows = session.execute(
        select(Invalidation, func.count(InvalidatedSignature.signature_id))
        .outerjoin(InvalidatedSignature)
        .where(Invalidation.petition_id == petition_id)
        .group_by(Invalidation.id).order_by(Invalidation.id.desc()))
    return [(inv, int(n)) for inv, n in rows]
