"""Organizers manage petitions behind login; closed petitions refuse signatures."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from campaign.extensions import db
from campaign.models import Petition, PetitionState
from tests.conftest import csrf_from, login, make_petition


def _url_values(rule) -> dict:  # type: ignore[no-untyped-def]
    return {arg: 1 if "id" in arg else "open" if arg == "action" else "x"
            for arg in rule.arguments}


def test_every_admin_page_sends_anonymous_users_to_login(app: Flask, client: FlaskClient) -> None:
    admin_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    assert admin_rules
    for rule in admin_rules:
        url = rule.rule
        for arg, value in _url_values(rule).items():
            url = re.sub(rf"<(?:[^:>]+:)?{arg}>", str(value), url)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, url
                assert "/login" in response.headers["Location"], url
            else:
                # A POST without a session is stopped by CSRF or by the login check.
                assert response.status_code in (302, 400), (method, url)


def test_organizer_creates_edits_opens_closes_and_archives(admin_client: FlaskClient,
                                                           organizer: dict, app: Flask) -> None:
    page = admin_client.get("/admin/petitions/new")
    assert page.status_code == 200
    response = admin_client.post("/admin/petitions/new", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "campaign_id": organizer["campaign_id"], "title": "Stop the deportations",
        "target": "The Minister of the Interior", "goal": "500",
        "summary": "No one should be sent back.",
        "body_markdown": "Hello <script>alert(1)</script> **world** [x](javascript:alert(1))",
        "milestones": "100, 10", "default_language": "en"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        petition = db.session.query(Petition).one()
        assert petition.slug == "stop-the-deportations"
        assert petition.state is PetitionState.DRAFT
        assert petition.milestones == [10, 100]
        assert "<script" not in petition.body_html and "href=\"javascript" not in petition.body_html
        assert "<strong>world</strong>" in petition.body_html
        petition_id = petition.id

    # Drafts are not public.
    assert admin_client.get("/petitions/stop-the-deportations").status_code == 404

    edit = admin_client.get(f"/admin/petitions/{petition_id}/edit")
    response = admin_client.post(f"/admin/petitions/{petition_id}/edit", data={
        "csrf_token": csrf_from(edit.get_data(as_text=True)),
        "campaign_id": organizer["campaign_id"], "title": "Stop all deportations",
        "slug": "stop-the-deportations", "target": "The Minister", "goal": "1000",
        "milestones": "", "default_language": "en"})
    assert response.status_code == 303

    detail = admin_client.get(f"/admin/petitions/{petition_id}").get_data(as_text=True)
    token = csrf_from(detail)
    for action, state in [("open", "open"), ("close", "closed"), ("archive", "archived")]:
        response = admin_client.post(f"/admin/petitions/{petition_id}/{action}",
                                     data={"csrf_token": token})
        assert response.status_code == 303
        with app.app_context():
            assert db.session.get(Petition, petition_id).state.value == state

    # An action that the state does not allow is explained, not a crash.
    response = admin_client.post(f"/admin/petitions/{petition_id}/close",
                                 data={"csrf_token": token}, follow_redirects=True)
    assert "is not possible" in response.get_data(as_text=True)


def test_invalid_petition_form_is_shown_again_with_messages(admin_client: FlaskClient,
                                                           organizer: dict) -> None:
    page = admin_client.get("/admin/petitions/new")
    response = admin_client.post("/admin/petitions/new", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "campaign_id": organizer["campaign_id"], "title": "", "target": "x" * 5000,
        "goal": "-3", "slug": "Not A Slug", "milestones": "ten"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "This field is required." in text
    assert "Use lower-case letters, digits and hyphens." in text
    assert "Use whole numbers separated by commas." in text


def test_closed_petition_shows_final_count_and_refuses_signatures(
        app: Flask, client: FlaskClient, organizer: dict) -> None:
    make_petition(app, organizer["campaign_id"], slug="closed-one", state="closed")
    page = client.get("/petitions/closed-one").get_data(as_text=True)
    assert "This petition is closed" in page
    assert 'name="email"' not in page
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/petitions/closed-one/sign", data={
        "name": "A", "email": "a@example.org", "country": "FR", "csrf_token": token})
    assert response.status_code == 409
    assert "no longer accepts signatures" in response.get_data(as_text=True)
    assert client.get("/petitions/closed-one.json").get_json()["state"] == "closed"


def test_another_campaigns_petition_is_not_found(app: Flask, admin_client: FlaskClient) -> None:
    from campaign.services import organizers

    with app.app_context():
        other = organizers.create_organizer(db.session, "other@campaign.test", "x" * 12)
        campaign = organizers.create_campaign(db.session, other, "Other", "other")
        db.session.commit()
        campaign_id = campaign.id
    petition_id = make_petition(app, campaign_id, slug="not-yours")
    assert admin_client.get(f"/admin/petitions/{petition_id}").status_code == 404
    assert admin_client.get(f"/admin/petitions/{petition_id}/edit").status_code == 404


def test_logout_revokes_the_session_cookie(app: Flask, client: FlaskClient,
                                           organizer: dict) -> None:
    assert login(client, organizer["email"]).status_code == 303
    assert client.get("/admin/").status_code == 200
    stolen = client.get_cookie("session").value
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    client.set_cookie("session", stolen)
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_are_rate_limited(client: FlaskClient, organizer: dict) -> None:
    statuses = [login(client, organizer["email"], "wrong password!").status_code
                for _ in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
