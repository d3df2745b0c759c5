"""What one person did: their signatures, and their letters once the letters module exists.

Other modules add their own kind of action with `register_action_lister` and their own
personal data with `register_eraser`; signatures and letters are built in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, select, update
from sqlalchemy.orm import Session

from campaign.models import Petition, Signature


@dataclass
class Action:
    """One thing a person did, as shown on their data page and in their download."""

    kind: str
    title: str
    created_at: datetime
    state: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "state": self.state,
                "created_at": self.created_at.isoformat(), **self.details}


ActionLister = Callable[[Session, int], list[Action]]
Eraser = Callable[[Session, int], int]
_listers: list[ActionLister] = []
_erasers: list[Eraser] = []


def register_action_lister(lister: ActionLister) -> ActionLister:
    """Add a kind of action (called by other modules when the app is created)."""
    if lister not in _listers:
        _listers.append(lister)
    return lister


def register_eraser(eraser: Eraser) -> Eraser:
    """Add a function that erases one kind of personal data of a signatory id."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def signature_actions(session: Session, signatory_id: int) -> list[Action]:
    rows = session.execute(select(Signature, Petition.title, Petition.slug)
                           .join(Petition, Signature.petition_id == Petition.id)
                           .where(Signature.signatory_id == signatory_id)
                           .order_by(Signature.created_at))
    return [Action(kind="signature", title=title, created_at=s.created_at, state=s.state.value,
                   details={"petition": slug, "name": s.name, "country": s.country,
                            "postcode": s.postcode, "consent_updates": s.consent_updates,
                            "show_name": s.show_name, "source": s.source,
                            "referrer": s.referrer,
                            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at
                            else None})
            for s, title, slug in rows]


def letter_model() -> Any:
    """The Letter model when the letters module provides one linked to signatories, else None."""
    try:
        from campaign.models import letters
    except ImportError:  # pragma: no cover - the module exists in every build
        return None
    model = getattr(letters, "Letter", None)
    if model is None or not hasattr(model, "signatory_id"):
        return None
    return model


# Columns of a letter that hold what the writer typed or where they live.
LETTER_PERSONAL_COLUMNS = ("supporter_name", "supporter_town", "personal_paragraph", "body",
                           "subject", "ip_hash", "referrer", "name", "email", "postcode",
                           "address", "phone")


def letter_actions(session: Session, signatory_id: int) -> list[Action]:
    model = letter_model()
    if model is None:
        return []
    letters = session.scalars(select(model).where(model.signatory_id == signatory_id))
    actions = []
    for letter in letters:
        created = getattr(letter, "created_at", None)
        state = getattr(letter, "state", "")
        details = {column: getattr(letter, column) for column in LETTER_PERSONAL_COLUMNS
                   if isinstance(getattr(letter, column, None), str)}
        for key in ("legislator_id", "letter_campaign_id"):
            if hasattr(letter, key):
                details[key] = getattr(letter, key)
        actions.append(Action(kind="letter", title=str(getattr(letter, "subject", "") or "letter"),
                              created_at=created, state=getattr(state, "value", str(state)),
                              details=details))
    return actions


def erase_letters(session: Session, signatory_id: int) -> int:
    """Blank the personal columns of a person's letters and unlink them; the letters still count."""
    model = letter_model()
    if model is None:
        return 0
    table = model.__table__
    values: dict[str, Any] = {"signatory_id": None}
    for column in table.columns:
        if column.name in LETTER_PERSONAL_COLUMNS and isinstance(column.type, (String, Text)):
            values[column.name] = ""
    return int(session.execute(update(table).where(table.c.signatory_id == signatory_id)
                               .values(**values)).rowcount or 0)


def actions_of(session: Session, signatory_id: int) -> list[Action]:
    """Every action of one person, oldest first."""
    actions = signature_actions(session, signatory_id) + letter_actions(session, signatory_id)
    for lister in _listers:
        actions.extend(lister(session, signatory_id))
    return sorted(actions, key=lambda a: a.created_at)


def run_erasers(session: Session, signatory_id: int) -> int:
    erased = erase_letters(session, signatory_id)
    for eraser in _erasers:
        erased += eraser(session, signatory_id)
    return erased
