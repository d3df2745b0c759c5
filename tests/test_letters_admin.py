"""Organizers create letter campaigns, write templates per language, and see the counts."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import LetterCampaign, LetterCampaignState, LetterTemplate
from tests.conftest import csrf_from
from tests.letter_factories import make_letter_world

FORM = {"title": "Free the journalists", "slug": "free-the-journalists",
        "subject": "Please act for the detained journalists", "description": "Write to your MEPs.",
        "talking_points": "Call for their release.\nRaise it with the Council.",
        "chamber_slugs": "eu-parliament", "default_language": "en", "state": "open",
        "similarity_threshold": "0.7", "hourly_limit_per_office": "5"}
PERSONAL = "I studied journalism with one of them and I think of her every single day."


def test_organizer_creates_a_letter_campaign_with_its_own_template(
        app: Flask, admin_client: FlaskClient, client: FlaskClient,
        organizer: dict[str, Any]) -> None:
    world = make_letter_world(app, organizer["campaign_id"], slug="other-campaign")
    page = admin_client.get("/admin/letters/new")
    assert page.status_code == 200
    response = admin_client.post("/admin/letters/new", data={
        **FORM, "campaign_id": organizer["campaign_id"],
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        letter_campaign = db.session.scalar(select(LetterCampaign).where(
            LetterCampaign.slug == "free-the-journalists"))
        assert letter_campaign.talking_points == ["Call for their release.",
                                                  "Raise it with the Council."]
        assert letter_campaign.chamber_slugs == ["eu-parliament"]
        assert letter_campaign.similarity_threshold == 0.7
        assert letter_campaign.hourly_limit_per_office == 5
        assert letter_campaign.state is LetterCampaignState.OPEN
        letter_campaign_id = letter_campaign.id

    # The slug is taken: a clear error, nothing lost.
    page = admin_client.get("/admin/letters/new")
    response = admin_client.post("/admin/letters/new", data={
        **FORM, "campaign_id": organizer["campaign_id"],
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 200
    assert "is already taken" in response.get_data(as_text=True)

    # Templates in English and German, written in the admin.
    opening = "{{ legislator.salutation }},\n\n{{ supporter.personal_paragraph }}\n\n"
    for language, source in (
            ("en", opening + "{% for p in campaign.talking_points %}- {{ p }}\n{% endfor %}\n"
                             "{{ supporter.name }}\n"),
            ("de", opening + "Mit freundlichen Grüßen\n{{ supporter.name }}\n")):
        url = f"/admin/letters/{letter_campaign_id}/templates/{language}"
        page = admin_client.get(url)
        response = admin_client.post(url, data={
            "subject": "Bitte handeln Sie" if language == "de" else "",
            "body_source": source, "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(LetterTemplate.language)
                                  .order_by(LetterTemplate.language)).all() == ["de", "en"]

    # A German MEP gets the German template; a French one the default (English).
    schmidt = client.get(f"/letters/free-the-journalists/to/{world.legislators['schmidt']}")
    assert "Sehr geehrte Frau Schmidt," in schmidt.get_data(as_text=True)
    write_url = f"/letters/free-the-journalists/to/{world.legislators['schmidt']}"
    response = client.post(write_url, data={
        "name": "Jo", "email": "jo@example.org", "personal_paragraph": PERSONAL,
        "csrf_token": csrf_from(schmidt.get_data(as_text=True))})
    assert response.status_code == 303
    draft = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Bitte handeln Sie"' in draft and "Mit freundlichen Grüßen" in draft
    dubois = client.get(f"/letters/free-the-journalists/to/{world.legislators['dubois']}")
    assert "Dear Ms Dubois," in dubois.get_data(as_text=True)
    assert "- Call for their release." in dubois.get_data(as_text=True)

    # The senator is not in the campaign's chambers.
    assert client.get(f"/letters/free-the-journalists/to/{world.legislators['rivers']}"
                      ).status_code == 404

    # The overview counts the draft.
    overview = admin_client.get(f"/admin/letters/{letter_campaign_id}").get_data(as_text=True)
    assert 'class="total-drafted">1<' in overview and "Anna Schmidt" in overview

    # Editing keeps the talking points and changes the state.
    page = admin_client.get(f"/admin/letters/{letter_campaign_id}/edit")
    assert "Raise it with the Council." in page.get_data(as_text=True)
    response = admin_client.post(f"/admin/letters/{letter_campaign_id}/edit", data={
        **FORM, "state": "closed", "campaign_id": organizer["campaign_id"],
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 303
    assert client.get("/letters/free-the-journalists").status_code == 404


def test_letter_campaigns_of_other_campaigns_are_hidden(app: Flask,
                                                        admin_client: FlaskClient) -> None:
    from tests.letter_factories import make_campaign

    world = make_letter_world(app, make_campaign(app, "someone-else"))
    base = f"/admin/letters/{world.letter_campaign_id}"
    assert admin_client.get(base).status_code == 404
    assert admin_client.get(f"{base}/templates/en").status_code == 404
    listing = admin_client.get("/admin/letters/").get_data(as_text=True)
    assert "Enforce the forced labour ban" not in listing


def test_admin_letters_need_login(client: FlaskClient) -> None:
    response = client.get("/admin/letters/")
    assert response.status_code in (302, 401)


def test_organizer_opens_a_template_in_a_new_language(app: Flask, admin_client: FlaskClient,
                                                      organizer: dict[str, Any]) -> None:
    world = make_letter_world(app, organizer["campaign_id"])
    base = f"/admin/letters/{world.letter_campaign_id}"
    overview = admin_client.get(base).get_data(as_text=True)
    for language in ("en", "fr", "de", "nl", "it", "lt"):
        assert f"/templates/{language}\"" in overview
    response = admin_client.get(f"{base}/templates?language=pt-BR")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base}/templates/pt-BR")
    assert admin_client.get(f"{base}/templates?language=../x").status_code == 303
    # The file template is shown for editing, with its preview.
    page = admin_client.get(f"{base}/templates/fr").get_data(as_text=True)
    assert "letters/enforce-the-forced-labour-ban/fr.txt.j2" in page
    assert "Je vous écris" in page
