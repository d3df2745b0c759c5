"""The same person signing many times at once still makes one signature."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import Signatory, Signature
from tests.conftest import csrf_from, queue_requested_confirmations


def test_fifty_concurrent_signatures_with_one_email_leave_one(app: Flask, petition: dict,
                                                              live_server: Any) -> None:
    slug = petition["slug"]
    # Every client fetches its own form first (own cookie, own CSRF token) ...
    clients = [httpx.Client(base_url=live_server.url, timeout=60) for _ in range(50)]
    tokens = [csrf_from(c.get(f"/petitions/{slug}").text) for c in clients]

    def post(i: int) -> int:
        # ... then all post at once, spelling the address differently.
        email = ["same@example.org", "Same@Example.org", "SAME@example.ORG"][i % 3]
        return clients[i].post(f"/petitions/{slug}/sign", data={
            "name": f"Signer {i}", "email": email, "country": "DE",
            "csrf_token": tokens[i]}).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(post, range(50)))
    for c in clients:
        c.close()

    assert statuses == [303] * 50
    with app.app_context():
        assert db.session.scalar(select(func.count(Signature.id))) == 1
        assert db.session.scalar(select(func.count(Signatory.id))) == 1


def test_the_schema_itself_refuses_a_second_signature(app: Flask, petition: dict) -> None:
    """Not only the application code: the unique constraint holds on its own."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        person = Signatory(email_key="x@example.org", email="x@example.org")
        db.session.add(person)
        db.session.flush()
        for _ in range(2):
            db.session.add(Signature(petition_id=petition["id"], signatory_id=person.id,
                                     name="X", country="FR"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_one_person_across_petitions_and_a_repeat(app: Flask, petition: dict,
                                                  organizer: dict[str, Any]) -> None:
    """Whichever path wrote it (one statement on PostgreSQL, one per table on SQLite): a known
    address signing another petition keeps its signatory; a repeat creates nothing. Each
    asks for its confirmation; the mail sender sends one per pending signature, naming it."""
    from campaign.models import ConfirmationRequest, OutboundEmail, Petition
    from campaign.services import signing
    from tests.conftest import make_petition

    other_id = make_petition(app, organizer["campaign_id"], slug="second")

    def sign(petition_id: int, email: str) -> signing.SignOutcome:
        outcome = signing.sign(db.session, db.session.get(Petition, petition_id),
                               signing.SignatureRequest(name="Ayşe", email=email, country="BE"))
        db.session.commit()
        return outcome

    with app.app_context():
        first = sign(petition["id"], "ayse@example.org")
        second = sign(other_id, "Ayse@Example.org")
        repeat = sign(petition["id"], "AYSE@example.org")
        assert first.created and second.created and not repeat.created
        assert first.signatory_id == second.signatory_id == repeat.signatory_id
        assert repeat.confirmation_requested and repeat.signature_id is None
        assert db.session.execute(select(ConfirmationRequest.petition_id,
                                         ConfirmationRequest.signatory_id)
                                  .order_by(ConfirmationRequest.id)).all() == [
            (petition["id"], first.signatory_id), (other_id, first.signatory_id),
            (petition["id"], first.signatory_id)]
        assert db.session.scalar(select(func.count(Signatory.id))) == 1
        rows = db.session.execute(select(Signature.petition_id, Signature.signatory_id)
                                  .order_by(Signature.id)).all()
        assert rows == [(petition["id"], first.signatory_id), (other_id, first.signatory_id)]
        assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0
        assert queue_requested_confirmations() == 3
        # Each confirmation's link names the signature it confirms.
        bodies = db.session.scalars(select(OutboundEmail.body_text)
                                    .order_by(OutboundEmail.id)).all()
        tokens = [signing.confirmation_token(app.config["SECRET_KEY"], outcome.signature_id)
                  for outcome in (first, second, first)]
        assert [token in body for token, body in zip(tokens, bodies, strict=True)] == [True] * 3


def test_signing_in_a_statement_of_its_own_writes_all_or_nothing(
        app: Flask, petition: dict, organizer: dict[str, Any], database_url: str) -> None:
    """sign_at_once (PostgreSQL, outside a transaction): someone new, someone known signing
    another petition and a repeat in one statement each; a signature of a petition closed
    behind the caller's copy leaves nothing written for sign() to do."""
    from campaign.models import ConfirmationRequest, OutboundEmail, Petition, PetitionState
    from campaign.services import signing
    from tests.conftest import make_petition

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite signs in a transaction")
    other_id = make_petition(app, organizer["campaign_id"], slug="second")
    closed_id = make_petition(app, organizer["campaign_id"], slug="third")

    def sign_at_once(petition_id: int, email: str, **kwargs: Any) -> signing.SignOutcome | None:
        return signing.sign_at_once(db.autocommit_engine, db.session.get(Petition, petition_id),
                                    signing.SignatureRequest(name="Ayşe", email=email,
                                                             country="BE"), **kwargs)

    def written() -> tuple[int, int, int, int]:
        db.session.rollback()  # a fresh snapshot: sign_at_once commits on its own connection
        return tuple(db.session.scalar(select(func.count(model.id))) for model in (  # type: ignore[return-value]
            Signatory, Signature, ConfirmationRequest, OutboundEmail))

    with app.app_context():
        first = sign_at_once(petition["id"], "ayse@example.org")
        assert first is not None and first.created and first.confirmation_requested
        assert written() == (1, 1, 1, 0)
        repeat = sign_at_once(petition["id"], "AYSE@example.org")
        assert repeat is not None and repeat.confirmation_requested and not repeat.created
        assert repeat.signatory_id == first.signatory_id
        assert written() == (1, 1, 2, 0)
        known = sign_at_once(other_id, "ayse@example.org")
        assert known is not None and known.created and known.signatory_id == first.signatory_id
        assert written() == (1, 2, 3, 0)
        # Flagged (past an abuse limit): the signature, no confirmation; a flagged repeat
        # is left to sign(), which tells it from a closed petition.
        flagged = sign_at_once(petition["id"], "nur@example.org", flagged=True)
        assert flagged is not None and flagged.created and not flagged.confirmation_requested
        assert written() == (2, 3, 3, 0)
        assert sign_at_once(petition["id"], "nur@example.org", flagged=True) is None
        assert written() == (2, 3, 3, 0)
        db.session.get(Petition, closed_id).state = PetitionState.CLOSED
        db.session.commit()
        copy = db.session.get(Petition, closed_id)
        copy.state = PetitionState.OPEN  # the caller's copy, older than the database
        for email in ("new@example.org", "ayse@example.org"):
            assert signing.sign_at_once(db.autocommit_engine, copy, signing.SignatureRequest(
                name="Nur", email=email, country="BE")) is None
        assert written() == (2, 3, 3, 0)  # not even the new person
