"""Consents: recorded with the exact wording shown and how they were given; withdrawn in one
click from any supporter email (a signed unsubscribe link)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from weakref import WeakKeyDictionary

from itsdangerous import BadSignature
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.db import insert_ignoring_conflicts, insert_row, utcnow
from campaign.models import Consent, ConsentText, Signatory, Signature

UNSUBSCRIBE_SALT = "unsubscribe"
# What each consent is for; the wording itself is whatever the form showed.
PURPOSES = ("updates", "show_name")


# Wordings are never edited or deleted, so each process remembers the id of every wording it
# has recorded, per database: the sign path then writes one row per consent and reads none.
_known_text_ids: WeakKeyDictionary[Engine, dict[str, int]] = WeakKeyDictionary()


@lru_cache(maxsize=256)
def _text_hash(purpose: str, language: str, text: str) -> str:
    """The key of a wording (the same few are shown to every signer)."""
    return hashlib.sha256(f"{purpose}\n{language}\n{text}".encode()).hexdigest()


def known_text_id(engine: Engine, purpose: str, language: str, text: str) -> int | None:
    """The row of this exact wording if this process has recorded or read it before."""
    known = _known_text_ids.get(engine)
    return None if known is None else known.get(_text_hash(purpose, language, text))


def consent_text_id(session: Session, purpose: str, language: str, text: str) -> int:
    """The row for this exact wording, created the first time it is shown."""
    text_hash = _text_hash(purpose, language, text)
    known = _known_text_ids.setdefault(session.get_bind().engine, {})
    if text_hash in known:
        return known[text_hash]
    conn = session.connection()
    new_id = insert_ignoring_conflicts(conn, ConsentText.__table__, {
        "purpose": purpose, "language": language, "text": text, "text_hash": text_hash,
        "first_shown_at": utcnow()}, ["text_hash"])
    if new_id is not None:
        # Not remembered yet: this transaction may still roll back and take the row with it.
        return int(new_id)
    known[text_hash] = conn.execute(select(ConsentText.id)
                                    .where(ConsentText.text_hash == text_hash)).scalar_one()
    return known[text_hash]


@dataclass(frozen=True)
class GivenConsent:
    """A consent ticked on a form: what for, and the row of the exact wording shown."""

    purpose: str
    text_id: int


def given_on_form(engine: Engine, session: Callable[[], Session],
                  ticked: dict[str, tuple[bool, object]], *,
                  language: str) -> tuple[GivenConsent, ...]:
    """The consents ticked on a form, each with its wording's row (made the first time).

    `ticked` maps each purpose to (whether it was ticked, the label shown beside the box). A
    label may be a lazy translation: it is only looked up for a box that was ticked. A
    wording this process knows needs no session: `session` is only called for one seen for
    the first time, whose row it writes (the caller commits it).
    """
    given = []
    for purpose, (was_ticked, label) in ticked.items():
        if was_ticked:
            text = str(label)
            text_id = known_text_id(engine, purpose, language, text)
            if text_id is None:
                text_id = consent_text_id(session(), purpose, language, text)
            given.append(GivenConsent(purpose, text_id))
    return tuple(given)


def record_given(conn: Connection, signatory_id: int, given: Sequence[GivenConsent], *,
                 method: str, petition_id: int | None, given_at: datetime) -> None:
    """Insert consent rows for wordings already recorded (one or two, from a form)."""
    for consent in given:
        insert_row(conn, Consent.__table__, {
            "signatory_id": signatory_id, "purpose": consent.purpose,
            "consent_text_id": consent.text_id, "method": method, "petition_id": petition_id,
            "given_at": given_at, "withdrawn_at": None})


def active_consents(session: Session, signatory_id: int) -> list[tuple[Consent, ConsentText]]:
    return [(c, t) for c, t in session.execute(
        select(Consent, ConsentText).join(ConsentText, Consent.consent_text_id == ConsentText.id)
        .where(Consent.signatory_id == signatory_id).order_by(Consent.given_at))]


def withdraw_updates(session: Session, signatory_id: int) -> int:
    """Stop every email from the organizers to this person; returns consents withdrawn."""
    now = utcnow()
    withdrawn = session.execute(
        update(Consent).where(Consent.signatory_id == signatory_id, Consent.purpose == "updates",
                              Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)).rowcount
    session.execute(update(Signature).where(Signature.signatory_id == signatory_id)
                    .values(consent_updates=False))
    return int(withdrawn or 0)


def unsubscribe_token(secret_key: str, signatory_id: int) -> str:
    # The token names the record, never the address: a forwarded email leaks no more.
    return tokens.serializer(secret_key, UNSUBSCRIBE_SALT).dumps({"p": signatory_id})


def unsubscribe_url(base_url: str, secret_key: str, signatory_id: int) -> str:
    return f"{base_url.rstrip('/')}/unsubscribe/{unsubscribe_token(secret_key, signatory_id)}"


def signatory_for_unsubscribe(session: Session, secret_key: str, token: str,
                              max_age_days: int) -> Signatory | None:
    """The person an unsubscribe link is for; None if damaged, expired or erased."""
    serializer = tokens.serializer(secret_key, UNSUBSCRIBE_SALT)
    try:
        payload = serializer.loads(token, max_age=int(timedelta(days=max_age_days).total_seconds()))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        return None
    return session.get(Signatory, payload["p"])
