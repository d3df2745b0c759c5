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
        name=name, email=email, country=country, postcode=postcode, ip_hash=ip_hash, **fields),
        resend_limit=3)
    assert outcome.signature_id is not None
    if created_at is not None:
        session.execute(update(Signature).where(Signature.id == outcome.signature_id)
                        .values(created_at=created_at))
    if confirm:
        signature = session.get(Signature, outcome.signature_id)
        assert signature is not None
        signing.confirm(session, signature)
    return outcome.signature_id
