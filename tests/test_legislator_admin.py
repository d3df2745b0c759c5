"""The legislator directory in the admin: browse, search, add, edit; who may change it."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from campaign.extensions import db
from campaign.models import Campaign, Legislator, Role
from campaign.services import organizers
from tests.conftest import TEST_PASSWORD, csrf_from, login
from tests.legislator_helpers import DATA, load


def _load_small(app: Flask) -> None:
    with app.app_context():
        load(db.session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
        load(db.session, DATA / "congress.csv", "us-congress")


def _chamber_id(app: Flask, slug: str) -> int:
    from campaign.models import Chamber

    with app.app_context():
        return db.session.query(Chamber).filter_by(slug=slug).one().id


def test_login_required(client: FlaskClient) -> None:
    response = client.get("/admin/legislators/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_browse_search_and_paginate(app: Flask, admin_client: FlaskClient) -> None:
    _load_small(app)
    page = admin_client.get("/admin/legislators/").get_data(as_text=True)
    assert "22 legislators." in page
    assert "Anne DUBOIS" in page and "Cora Bay" in page
    assert 'href="/admin/legislators/new"' in page

    found = admin_client.get("/admin/legislators/?q=dubois").get_data(as_text=True)
    assert "1 legislator." in found and "Anne DUBOIS" in found and "Cora Bay" not in found
    by_area = admin_client.get("/admin/legislators/?area=coll%C3%A8ge+%C3%A9lectoral+fran%C3%A7ais"
                               ).get_data(as_text=True)
    assert "3 legislators." in by_area
    by_party = admin_client.get("/admin/legislators/?party=renew").get_data(as_text=True)
    assert "3 legislators." in by_party   # the Renew group: DUBOIS, KELLY, BERNARD
    senate = _chamber_id(app, "us-senate")
    by_chamber = admin_client.get(f"/admin/legislators/?chamber={senate}").get_data(as_text=True)
    assert "4 legislators." in by_chamber and "Ann Hill" in by_chamber
    # Wildcards are searched for literally.
    assert "0 legislators." in admin_client.get("/admin/legislators/?q=%25").get_data(as_text=True)
    # A bad filter is a message, not a failure.
    bad = admin_client.get("/admin/legislators/?chamber=nonsense")
    assert bad.status_code == 200 and "There is a problem" in bad.get_data(as_text=True)

    from campaign.legislators import directory
    with app.app_context():
        first = directory.search(db.session, directory.SearchFilters(), page=1, per_page=10)
        third = directory.search(db.session, directory.SearchFilters(), page=3, per_page=10)
        assert (first.total, first.pages, len(first.items), len(third.items)) == (22, 3, 10, 2)
        assert third.has_previous and not third.has_next
    # A page past the end shows the last one.
    past = admin_client.get("/admin/legislators/?page=99&q=a").get_data(as_text=True)
    assert "Anne DUBOIS" in past


def test_add_and_edit(app: Flask, admin_client: FlaskClient) -> None:
    _load_small(app)
    chamber = _chamber_id(app, "eu-parliament")
    form = admin_client.get("/admin/legislators/new").get_data(as_text=True)
    response = admin_client.post("/admin/legislators/new", data={
        "csrf_token": csrf_from(form), "chamber_id": chamber, "area_code": "BE-XX",
        "name": "Olga NEW", "email": "not an email", "languages": "fr 1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That chamber has no area with this code." in page
    assert "Invalid email address." in page
    assert "Use language codes such as fr" in page

    response = admin_client.post("/admin/legislators/new", data={
        "csrf_token": csrf_from(form), "chamber_id": chamber, "area_code": "be-fr",
        "name": "Olga NEW", "family_name": "NEW", "email": "olga.new@europarl.europa.eu",
        "languages": "fr", "gender": "female", "serving": "y"})
    assert response.status_code == 303
    with app.app_context():
        olga = db.session.query(Legislator).filter_by(name="Olga NEW").one()
        assert (olga.area.code, olga.languages, olga.external_id[:7], olga.serving) == (
            "BE-FR", ["fr"], "manual:", True)
        olga_id = olga.id

    edit = admin_client.get(f"/admin/legislators/{olga_id}/edit").get_data(as_text=True)
    assert 'value="BE-FR"' in edit
    response = admin_client.post(f"/admin/legislators/{olga_id}/edit", data={
        "csrf_token": csrf_from(edit), "chamber_id": chamber, "area_code": "BE-NL",
        "name": "Olga NEW", "email": "olga.new@europarl.europa.eu", "languages": "nl fr",
        "serving": "y"})
    assert response.status_code == 303
    shown = admin_client.get(f"/admin/legislators/{olga_id}").get_data(as_text=True)
    assert "Nederlands Kiescollege" in shown and "nl fr" in shown

    # Re-importing the list keeps the legislator added by hand.
    with app.app_context():
        load(db.session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
        assert db.session.get(Legislator, olga_id).serving is True


def test_viewers_read_only(app: Flask, client: FlaskClient, organizer: dict[str, Any]) -> None:
    _load_small(app)
    with app.app_context():
        viewer = organizers.create_organizer(db.session, "viewer@campaign.test", TEST_PASSWORD)
        campaign = db.session.get(Campaign, organizer["campaign_id"])
        organizers.add_member(db.session, campaign, viewer, Role.VIEWER)
        db.session.commit()
        some_id = db.session.query(Legislator).filter_by(name="Cora Bay").one().id
    login(client, "viewer@campaign.test")
    page = client.get("/admin/legislators/").get_data(as_text=True)
    assert "Cora Bay" in page and "Add a legislator" not in page
    shown = client.get(f"/admin/legislators/{some_id}").get_data(as_text=True)
    assert "Cora Bay" in shown and not re.search(r">Edit<", shown)
    assert client.get("/admin/legislators/new").status_code == 403
    assert client.get(f"/admin/legislators/{some_id}/edit").status_code == 403
    assert client.post(f"/admin/legislators/{some_id}/edit", data={}).status_code in (400, 403)
    assert client.get("/admin/legislators/999999").status_code == 404


def test_nav_link(admin_client: FlaskClient) -> None:
    assert 'href="/admin/legislators/"' in admin_client.get("/admin/").get_data(as_text=True)
