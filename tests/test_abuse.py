"""Past the per-address or per-domain limit, signatures are stored as flagged, answered like any
other, never counted, and wait for an organizer's review."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from campaign import mailer
from campaign.extensions import db
from campaign.models import Petition, Signature, SignatureState
from tests.conftest import MailSink, csrf_from


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config.update({"ABUSE_PER_IP_LIMIT": "3 per hour", "ABUSE_PER_DOMAIN_LIMIT": "5 per hour"})
    return app_config


def _sign(client: Any, slug: str, email: str, address: str = "192.0.2.1") -> Any:
    page = client.get(f"/petitions/{slug}")
    return client.post(f"/petitions/{slug}/sign", environ_base={"REMOTE_ADDR": address}, data={
        "name": "Flood Er", "email": email, "country": "BE",
        "csrf_token": csrf_from(page.get_data(as_text=True))})


def _states(app: Flask) -> list[str]:
    with app.app_context():
        return [s.value for s in db.session.scalars(select(Signature.state)
                                                    .order_by(Signature.id))]


def test_over_the_address_limit_signatures_are_flagged_and_answered_the_same(
        app: Flask, client: Any, petition: dict, smtp_server: MailSink) -> None:
    responses = [_sign(client, petition["slug"], f"person{n}@gmail.com") for n in range(5)]
    # The same answer for all five: the same redirect, the same page behind it.
    assert {(r.status_code, r.location) for r in responses} == \
        {(303, f"/petitions/{petition['slug']}/thanks")}
    pages = {client.get(r.location).get_data(as_text=True) for r in responses}
    assert len(pages) == 1
    assert _states(app) == ["pending"] * 3 + ["flagged"] * 2
    # Flagged signers get no email (nor could a flooder mail-bomb through them).
    mailer.send_due(app)
    assert len(smtp_server.wait_for(3)) == 3
    # Another address is not held back.
    _sign(client, petition["slug"], "other@gmail.com", address="198.51.100.7")
    assert _states(app)[-1] == "pending"


def test_over_the_domain_limit_signatures_are_flagged(app: Flask, client: Any,
                                                      petition: dict) -> None:
    for n in range(7):
        assert _sign(client, petition["slug"], f"p{n}@throwaway.example",
                     address=f"203.0.113.{n}").status_code == 303
    assert _states(app) == ["pending"] * 5 + ["flagged"] * 2


def test_shared_mail_providers_have_no_domain_limit(app: Flask, client: Any,
                                                    petition: dict) -> None:
    for n in range(7):
        _sign(client, petition["slug"], f"p{n}@gmail.com", address=f"203.0.113.{n}")
    assert _states(app) == ["pending"] * 7


def test_flagged_signatures_are_counted_only_after_review_and_confirmation(
        app: Flask, client: Any, admin_client: Any, petition: dict,
        smtp_server: MailSink) -> None:
    for n in range(5):
        _sign(client, petition["slug"], f"person{n}@gmail.com")
    with app.app_context():
        flagged = list(db.session.scalars(select(Signature.id).where(
            Signature.state == SignatureState.FLAGGED).order_by(Signature.id)))
        assert db.session.get(Petition, petition["id"]).signature_count == 0
    assert len(flagged) == 2
    page = admin_client.get(f"/admin/petitions/{petition['id']}/flagged")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('name="signature_ids"') == 2
    token = csrf_from(html)
    response = admin_client.post(f"/admin/petitions/{petition['id']}/flagged/approve",
                                 data={"signature_ids": [flagged[0]], "csrf_token": token})
    assert response.status_code == 303
    response = admin_client.post(f"/admin/petitions/{petition['id']}/flagged/discard",
                                 data={"signature_ids": [flagged[1]], "csrf_token": token})
    assert response.status_code == 303
    assert _states(app) == ["pending"] * 4
    # The approved signer is asked to confirm, like everyone else, and only then counted.
    mailer.send_due(app)
    messages = smtp_server.wait_for(4)
    approved = next(m for m in messages if m["To"] == "person3@gmail.com")
    import re
    link = re.search(r"http://\S+/confirm/(\S+)", approved.get_content()).group(1)
    page = client.get(f"/confirm/{link}")
    client.post(f"/confirm/{link}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    with app.app_context():
        assert db.session.get(Petition, petition["id"]).signature_count == 1


def test_guard_counts_each_action_separately(app: Flask) -> None:
    from campaign.services.abuse import guard_for

    with app.app_context():
        guard = guard_for(app)
        results = [guard.over_limit("sign", ip_hash="h", email="a@b.example") for _ in range(4)]
        assert results == [False, False, False, True]
        assert guard.over_limit("letter", ip_hash="h", email="a@b.example") is False
        with pytest.raises(ValueError):
            guard.over_limit("unknown", ip_hash="h", email="a@b.example")


def test_limits_are_shared_by_every_worker_through_redis(app_config: dict[str, Any]) -> None:
    import os

    from campaign import create_app
    from campaign.services.abuse import guard_for

    redis_url = os.environ.get("CAMPAIGN_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("CAMPAIGN_TEST_REDIS_URL is not set")
    # Two apps stand for two gunicorn workers: the counts add up in Redis.
    workers = [create_app({**app_config, "REDIS_URL": redis_url}) for _ in range(2)]
    results = []
    for n in range(4):
        worker = workers[n % 2]
        with worker.app_context():
            results.append(guard_for(worker).over_limit("sign", ip_hash="shared",
                                                        email="x@throwaway.example"))
    assert results == [False, False, False, True]
