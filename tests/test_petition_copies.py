"""Each process serves a petition from its own copy, re-read at most every
PETITION_RECHECK_SECONDS; signing checks the petition itself, whatever the copy says."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from campaign.extensions import db
from campaign.models import OutboundEmail, Petition, PetitionState, Signature
from tests.conftest import csrf_from


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Long enough that the copy cannot be re-read during the test.
    return {**app_config, "PETITION_RECHECK_SECONDS": 3600}


def _close_behind_the_apps_back(app: Flask, petition_id: int) -> None:
    """Close the petition as another process would: this process's copy does not know."""
    with app.app_context():
        db.session.execute(update(Petition).where(Petition.id == petition_id)
                           .values(state=PetitionState.CLOSED))
        db.session.commit()


def test_the_page_is_served_from_the_copy_until_it_is_rechecked(
        app: Flask, petition: dict[str, Any]) -> None:
    client = app.test_client()
    assert client.get(f"/petitions/{petition['slug']}.json").json["state"] == "open"
    _close_behind_the_apps_back(app, petition["id"])
    # Within the recheck time: the copy, as every other visitor of this process sees it.
    assert client.get(f"/petitions/{petition['slug']}.json").json["state"] == "open"
    app.config["PETITION_RECHECK_SECONDS"] = 0
    assert client.get(f"/petitions/{petition['slug']}.json").json["state"] == "closed"


def test_signing_refuses_a_petition_closed_since_the_copy_was_read(
        app: Flask, petition: dict[str, Any]) -> None:
    client = app.test_client()
    token = csrf_from(client.get(f"/petitions/{petition['slug']}").get_data(as_text=True))
    _close_behind_the_apps_back(app, petition["id"])
    response = client.post(f"/petitions/{petition['slug']}/sign", data={
        "csrf_token": token, "name": "Ayşe Yılmaz", "email": "ayse@example.org",
        "country": "TR"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Signature.id))) == 0
        assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0
