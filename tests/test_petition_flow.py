"""Signing, confirming by email and counting, over real HTTP with a real SMTP server."""

from __future__ import annotations

import re
from typing import Any

import httpx
from flask import Flask

from campaign import mailer
from tests.conftest import MailSink, csrf_from


def _sign(http: httpx.Client, slug: str, **fields: Any) -> httpx.Response:
    page = http.get(f"/petitions/{slug}")
    data = {"name": "Ayşe Tohti", "email": "ayse@example.org", "country": "BE",
            "postcode": "1000", "csrf_token": csrf_from(page.text)}
    data.update(fields)
    return http.post(f"/petitions/{slug}/sign", data=data)


def _count(http: httpx.Client, slug: str) -> tuple[int, str]:
    json_count = http.get(f"/petitions/{slug}.json").json()["signature_count"]
    page = http.get(f"/petitions/{slug}").text
    shown = re.search(r'class="count"><strong>([\d,]+)</strong>', page)
    assert shown
    return json_count, shown.group(1)


def test_sign_confirm_by_email_and_count(app: Flask, petition: dict, live_server: Any,
                                         smtp_server: MailSink) -> None:
    slug = petition["slug"]
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as http:
        assert _count(http, slug) == (0, "0")
        response = _sign(http, slug)
        assert response.status_code == 200
        assert "Check your email" in response.text

        mailer.send_due(app)
        (message,) = smtp_server.wait_for(1)
        assert message["To"] == "ayse@example.org"
        link = re.search(r"(http://\S+/confirm/\S+)", message.get_content()).group(1)

        # Opening the link (as a mail scanner would) confirms nothing.
        landing = http.get(link)
        assert landing.status_code == 200
        assert "Confirm my signature" in landing.text
        assert _count(http, slug) == (0, "0")

        confirmed = http.post(link, data={"csrf_token": csrf_from(landing.text)})
        assert confirmed.status_code == 200
        assert "your signature is confirmed" in confirmed.text
        assert _count(http, slug) == (1, "1")
        assert http.get(f"/petitions/{slug}.json").json()["by_country"] == {"BE": 1}

        # Pressing the button again (a replay) counts nothing more.
        again = http.post(link, data={"csrf_token": csrf_from(landing.text)})
        assert "already confirmed" in again.text
        assert _count(http, slug) == (1, "1")


def test_signing_twice_answers_the_same_and_resends_within_limit(
        app: Flask, petition: dict, live_server: Any, smtp_server: MailSink) -> None:
    app.config["CONFIRM_RESEND_LIMIT"] = 2
    with httpx.Client(base_url=live_server.url) as http:
        answers = [_sign(http, petition["slug"], email=email)
                   for email in ("Ayse@Example.org", "ayse@example.org", "AYSE@EXAMPLE.ORG",
                                 "ayse@example.org")]
    assert {(r.status_code, r.headers["location"]) for r in answers} == {
        (303, f"/petitions/{petition['slug']}/thanks")}
    mailer.send_due(app)
    # The first email plus one re-send: the limit is two sends in all.
    assert len(smtp_server.wait_for(2)) == 2
    with app.app_context():
        from sqlalchemy import func, select

        from campaign.extensions import db
        from campaign.models import Signature
        assert db.session.scalar(select(func.count(Signature.id))) == 1


def test_failing_mail_server_loses_no_signature(app: Flask, petition: dict,
                                                live_server: Any) -> None:
    from campaign.extensions import db
    from campaign.models import MailState, OutboundEmail, Signature

    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    with httpx.Client(base_url=live_server.url) as http:
        assert _sign(http, petition["slug"]).status_code == 303
    assert mailer.send_due(app) == 0
    with app.app_context():
        assert len(db.session.query(Signature).all()) == 1
        email = db.session.query(OutboundEmail).one()
        assert email.state is MailState.FAILED
        assert email.last_error
