"""Signing again is answered like signing first, with the same work, so that neither the
answer nor the time it takes tells anyone who has signed: each asks the mail sender for the
confirmation, which it sends while the signature is pending, within the limit."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from campaign import mailer
from campaign.extensions import db
from campaign.models import ConfirmationRequest, OutboundEmail, Signatory, Signature
from campaign.services import notifications, privacy
from tests.conftest import csrf_from, queue_requested_confirmations
from tests.signatory_factories import add_signature
from tests.test_hot_paths import reads_signatures, recorded_sql


def _sign(app: Flask, slug: str, email: str) -> tuple[Any, list[str]]:
    client = app.test_client()
    page = client.get(f"/petitions/{slug}")
    with recorded_sql(app) as statements:
        answer = client.post(f"/petitions/{slug}/sign", data={
            "name": "Ayşe Tohti", "email": email, "country": "BE", "consent_updates": "y",
            "csrf_token": csrf_from(page.get_data(as_text=True))})
    return answer, statements


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith(("insert", "update", "with", "delete"))]


def test_a_repeat_costs_the_request_what_a_first_signature_costs(
        app: Flask, petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    # A consent wording's row is written by the first signer (in a transaction) and learnt
    # by the next ones, who sign in one statement on PostgreSQL.
    for n in range(3):
        _sign(app, slug, f"warm-up-{n}@example.org")
    first, first_statements = _sign(app, slug, "ayse@example.org")
    again, again_statements = _sign(app, slug, "AYSE@example.org")

    assert (first.status_code, first.headers["Location"]) == (
        again.status_code, again.headers["Location"]) == (303, f"/petitions/{slug}/thanks")
    # No more statements and no more writes than a first signature (on PostgreSQL one
    # statement each), nothing read from or changed in signatures, and no email written by
    # either: each writes the request for it.
    assert len(again_statements) <= len(first_statements), (first_statements, again_statements)
    if app.config["DATABASE_URL"].startswith("postgresql"):
        # The petition's version, then one statement that writes.
        assert len(first_statements) == len(again_statements) == 2
    assert len(_writes(again_statements)) <= len(_writes(first_statements))
    assert not any(reads_signatures(s) or re.search(r"\bupdate signatures\b", s)
                   for s in again_statements)
    assert sum("insert into confirmation_requests" in s for s in first_statements) == 1
    assert sum("insert into confirmation_requests" in s for s in again_statements) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 5


def test_the_sender_resends_a_pending_confirmation_within_the_limit(
        app: Flask, petition: dict[str, Any], client: FlaskClient) -> None:
    app.config["CONFIRM_RESEND_LIMIT"] = 2
    slug = petition["slug"]
    with app.app_context():
        add_signature(db.session, petition["id"], email="confirmed@example.org")
        db.session.commit()
    for email in ("pending@example.org", "pending@example.org", "pending@example.org",
                  "confirmed@example.org"):
        assert _sign(app, slug, email)[0].status_code == 303
    with app.app_context():
        # One for each signing, the confirmed one's included.
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 5
        # The first email plus one re-send: two sends in all. A confirmed signature gets none.
        assert queue_requested_confirmations(send_limit=2) == 2
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 0
        to = db.session.scalars(select(OutboundEmail.to_address)
                                .where(OutboundEmail.kind == "confirm-signature")
                                .order_by(OutboundEmail.id)).all()
        assert to == ["pending@example.org", "pending@example.org"]
        sends = db.session.scalar(select(Signature.confirmation_sends).join(Signatory)
                                  .where(Signatory.email == "pending@example.org"))
        assert sends == 2
        # The re-sent link confirms the pending signature.
        body = db.session.scalars(select(OutboundEmail.body_text)
                                  .order_by(OutboundEmail.id.desc())).first()
    link = re.search(r"https?://\S+/confirm/(\S+)", body)
    assert link is not None
    page = client.get(f"/confirm/{link.group(1)}")
    assert page.status_code == 200
    assert client.post(f"/confirm/{link.group(1)}", data={
        "csrf_token": csrf_from(page.get_data(as_text=True))}).status_code == 200


def test_mail_sending_turns_requests_into_emails(app: Flask, petition: dict[str, Any],
                                                 smtp_server: Any) -> None:
    _sign(app, petition["slug"], "ayse@example.org")
    _sign(app, petition["slug"], "ayse@example.org")
    assert mailer.send_due(app) == 2
    assert [m["To"] for m in smtp_server.wait_for(2)] == ["ayse@example.org"] * 2


def test_erasure_takes_the_pending_requests_too(app: Flask, petition: dict[str, Any]) -> None:
    _sign(app, petition["slug"], "ayse@example.org")
    _sign(app, petition["slug"], "ayse@example.org")
    with app.app_context():
        signatory_id = db.session.scalar(select(Signatory.id))
        privacy.erase(db.session, signatory_id)
        db.session.commit()
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 0
        assert queue_requested_confirmations() == 0


def test_the_sender_takes_the_requests_of_a_surge_in_batches(
        app: Flask, petition: dict[str, Any]) -> None:
    """After a surge there is a request for every signature: all become emails, each naming
    its signer, in transactions of a batch each."""
    with app.app_context():
        for n in range(230):
            add_signature(db.session, petition["id"], email=f"signer{n}@example.org",
                          confirm=False)
        db.session.commit()
        session = db.new_session()
        commits: list[int] = []
        event.listen(session, "after_commit", lambda _session: commits.append(1))
        try:
            assert notifications.queue_requested_confirmations(session, 3) == 230
        finally:
            session.close()
        assert len(commits) == 3  # 100, 100 and 30
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 0
        to = db.session.scalars(select(OutboundEmail.to_address).order_by(OutboundEmail.id))
        assert list(to) == [f"signer{n}@example.org" for n in range(230)]
        assert set(db.session.scalars(select(Signature.confirmation_sends))) == {1}
