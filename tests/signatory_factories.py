"""Factories for the signatory-tracking tests: signatures made through the domain functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from campaign.models import Petition, Signature
from campaign.services import signing


def add_signature(session: Session, petition_id: int, *, email: str, name: str = "Ayşe Tohti",
                  country: str = "BE", postcode: str = "", ip_hash: str = "ip-1",
                  confirm: bool = True, created_at: datetime | None = None,
                  **fields: Any) -> int:
    """Sign (and confirm) a petition as the public form would; returns the signature id."""
    petition = session.get(Petition, petition_id)
    assert petition is not None
    outcome = signing.sign(session, petition, signing.SignatureRequest(
        name=name, email=email, country=country, postcode=postcode, ip_hash=ip_hash, **fields))
    assert outcome.signature_id is not None
    if created_at is not None:
        session.execute(update(Signature).where(Signature.id == outcome.signature_id)
                        .values(created_at=created_at))
    if confirm:
        signature = session.get(Signature, outcome.signature_id)
        assert signature is not None
        signing.confirm(session, signature)
    return outcome.signature_id


def add_many(session: Session, petition_id: int, people: list[dict[str, Any]]) -> None:
    """Insert many signatures at once (confirmed unless a row says otherwise), counts kept.

    Each row needs `email`; `ip_hash`, `country`, `created_at`, `state`, `name` are optional.
    """
    from collections import Counter

    from campaign.db import utcnow
    from campaign.models import Signatory, SignatureState

    now = utcnow()
    session.execute(Signatory.__table__.insert(), [
        {"email_key": signing.email_key(p["email"]), "email": p["email"], "created_at": now}
        for p in people])
    ids = dict(session.execute(Signatory.__table__.select().with_only_columns(
        Signatory.email_key, Signatory.id)).all())
    rows = []
    for p in people:
        state = p.get("state", SignatureState.CONFIRMED)
        created = p.get("created_at", now)
        rows.append({"petition_id": petition_id, "signatory_id": ids[signing.email_key(p["email"])],
                     "name": p.get("name", "Test Person"), "country": p.get("country", "BE"),
                     "postcode": p.get("postcode", ""), "state": state.value,
                     "ip_hash": p.get("ip_hash", ""), "source": p.get("source", ""),
                     "created_at": created,
                     "confirmed_at": created if state is SignatureState.CONFIRMED else None})
    session.execute(Signature.__table__.insert(), rows)
    confirmed = Counter(r["country"] for r in rows if r["state"] == "confirmed")
    for country, n in confirmed.items():
        signing.add_to_counts(session, petition_id, country, n)
