"""Signatures held back by abuse limits, and an organizer's decision on them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from campaign.models import Signatory, Signature, SignatureState


@dataclass
class Approved:
    """What the caller needs to send the confirmation email of an approved signature."""

    signature_id: int
    email: str
    name: str
    language: str


def flagged_count(session: Session, petition_id: int) -> int:
    return session.scalar(select(func.count(Signature.id))
                          .where(Signature.petition_id == petition_id,
                                 Signature.state == SignatureState.FLAGGED)) or 0


def flagged_signatures(session: Session, petition_id: int, limit: int = 500) -> list[Signature]:
    """The oldest flagged signatures of a petition."""
    return list(session.scalars(select(Signature)
                                .where(Signature.petition_id == petition_id,
                                       Signature.state == SignatureState.FLAGGED)
                                .order_by(Signature.created_at, Signature.id).limit(limit)))


def approve(session: Session, petition_id: int, signature_ids: list[int]) -> list[Approved]:
    """Move flagged signatures to pending; the caller sends each a confirmation email.

    They are counted only once their signer confirms, as every other signature.
    """
    rows = session.execute(
        select(Signature.id, Signatory.email, Signature.name, Signature.language)
        .join(Signatory, Signature.signatory_id == Signatory.id)
        .where(Signature.petition_id == petition_id, Signature.id.in_(signature_ids),
               Signature.state == SignatureState.FLAGGED)).all()
    approved = [Approved(*row) for row in rows]
    session.execute(update(Signature)
                    .where(Signature.id.in_([a.signature_id for a in approved]),
                           Signature.state == SignatureState.FLAGGED)
                    .values(state=SignatureState.PENDING, confirmation_sends=1))
    return approved


def discard(session: Session, petition_id: int, signature_ids: list[int]) -> int:
    """Delete flagged signatures; returns how many."""
    return session.execute(delete(Signature)
                           .where(Signature.petition_id == petition_id,
                                  Signature.id.in_(signature_ids),
                                  Signature.state == SignatureState.FLAGGED)).rowcount
