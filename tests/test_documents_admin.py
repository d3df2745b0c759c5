"""Organizers upload documents, review their calls and make petitions and letters of them."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from campaign.extensions import db
from campaign.models import (Call, CallState, Campaign, Document, LetterCampaign,
                             LetterCampaignSource, LetterCampaignState, Petition, PetitionSource,
                             PetitionState, Role)
from campaign.services import organizers, petitions
from tests.conftest import TEST_PASSWORD, csrf_from, login
from tests.documents_factory import (CALL_SENTENCES, SIGNATORIES, TITLE, document_server,
                                     statement_docx, statement_html, statement_text)


def _upload(client: FlaskClient, campaign_id: int, name: str, data: bytes,
            url: str = "") -> Any:
    page = client.get("/admin/documents/new")
    assert page.status_code == 200
    form: dict[str, Any] = {"campaign_id": str(campaign_id), "url": url,
                            "csrf_token": csrf_from(page.get_data(as_text=True))}
    if data:
        form["document"] = (io.BytesIO(data), name)
    return client.post("/admin/documents/new", data=form, content_type="multipart/form-data")


def _document_id(response: Any) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.search(r"/admin/documents/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _calls(app: Flask, document_id: int) -> list[Call]:
    with app.app_context():
        return list(db.session.scalars(select(Call).where(Call.document_id == document_id)
                                       .order_by(Call.position)))


def test_organizer_uploads_edits_and_makes_a_petition_and_a_letter_campaign(
        app: Flask, admin_client: FlaskClient, organizer: dict) -> None:
    document_id = _document_id(_upload(admin_client, organizer["campaign_id"], "statement.docx",
                                       statement_docx()))
    page = admin_client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert TITLE in page
    assert '<mark title="Call' in page
    for sentence in CALL_SENTENCES:
        assert sentence in page
    for name in SIGNATORIES:
        assert name in page

    calls = _calls(app, document_id)
    assert len(calls) >= 2, "the extractor missed the plainest calls"
    first, second = calls[0], calls[1]
    listing = admin_client.get("/admin/documents/").get_data(as_text=True)
    assert TITLE in listing and "<td>docx</td>" in listing and f"<td>{len(calls)}</td>" in listing

    # Edit one call.
    edit_page = admin_client.get(f"/admin/documents/{document_id}/calls/{first.id}/edit")
    edited = admin_client.post(f"/admin/documents/{document_id}/calls/{first.id}/edit", data={
        "actor": "The coalition", "target": "the Council of the EU",
        "demand": "adopt targeted sanctions against the officials responsible",
        "csrf_token": csrf_from(edit_page.get_data(as_text=True))})
    assert edited.status_code == 303
    first = _calls(app, document_id)[0]
    assert first.state is CallState.EDITED
    assert first.demand == "adopt targeted sanctions against the officials responsible"

    # One action: a petition from both calls.
    csrf = csrf_from(admin_client.get(f"/admin/documents/{document_id}").get_data(as_text=True))
    made = admin_client.post(f"/admin/documents/{document_id}/selection", data={
        "call_ids": [str(first.id), str(second.id)], "action": "petition", "title": "",
        "csrf_token": csrf})
    assert made.status_code == 303
    petition_id = int(made.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        assert petition.state is PetitionState.DRAFT
        assert petition.title == "Adopt targeted sanctions against the officials responsible"
        assert petition.target.startswith("The Council of the EU")
        assert second.demand.split()[0] in petition.body_markdown
        assert TITLE in petition.body_html
        assert set(db.session.scalars(select(PetitionSource.call_id).where(
            PetitionSource.petition_id == petition_id))) == {first.id, second.id}
        petitions.change_state(petition, "open")
        db.session.commit()
        slug = petition.slug

    # ... and a letter campaign from the same calls, twice: each gets its own slug.
    for title in ("Stop forced labour imports", "Stop forced labour imports"):
        letter = admin_client.post(f"/admin/documents/{document_id}/selection", data={
            "call_ids": [str(first.id), str(second.id)], "action": "letter", "title": title,
            "csrf_token": csrf}, follow_redirects=True)
        assert letter.status_code == 200
        assert "created as a draft" in letter.get_data(as_text=True)
    with app.app_context():
        campaigns = db.session.scalars(select(LetterCampaign).order_by(LetterCampaign.id)).all()
        assert [c.slug for c in campaigns] == ["stop-forced-labour-imports",
                                               "stop-forced-labour-imports-2"]
        assert campaigns[0].state is LetterCampaignState.DRAFT
        assert campaigns[0].subject == "Stop forced labour imports"
        assert campaigns[0].talking_points == [
            "Adopt targeted sanctions against the officials responsible.",
            second.demand[:1].upper() + second.demand[1:].rstrip(".;,:") + "."]
        assert db.session.scalar(select(LetterCampaignSource.call_id).where(
            LetterCampaignSource.letter_campaign_id == campaigns[0].id).limit(1))

    # The public petition page names the statement it comes from.
    public = admin_client.get(f"/petitions/{slug}").get_data(as_text=True)
    assert "The statements behind this petition" in public
    assert TITLE in public and CALL_SENTENCES[0] in public


def test_document_text_is_escaped_and_marked(app: Flask, admin_client: FlaskClient,
                                             organizer: dict) -> None:
    call = "We call on the Council to adopt <b>sanctions</b>."
    text = f"<script>alert('x')</script> A note.\n\n{call}\n"
    document_id = _document_id(_upload(admin_client, organizer["campaign_id"], "note.txt",
                                       text.encode()))
    # The organizer marks the call themselves, whatever the extractor found.
    form = admin_client.get(f"/admin/documents/{document_id}/calls/new").get_data(as_text=True)
    added = admin_client.post(f"/admin/documents/{document_id}/calls/new", data={
        "passage": call, "target": "the Council", "demand": "adopt sanctions",
        "csrf_token": csrf_from(form)})
    assert added.status_code == 303
    page = admin_client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert re.search(r'<mark title="Call [^"]*">We call on the Council to adopt '
                     r'&lt;b&gt;sanctions&lt;/b&gt;\.</mark>', page)


def test_upload_by_url_and_refusals(app: Flask, admin_client: FlaskClient,
                                    organizer: dict) -> None:
    routes = {"/s": (200, {"Content-Type": "text/html"}, statement_html().encode())}
    with document_server(routes) as base:
        refused = _upload(admin_client, organizer["campaign_id"], "", b"", url=f"{base}/s")
        assert refused.status_code == 422
        assert "private network" in refused.get_data(as_text=True)
        app.config["INGEST_ALLOW_PRIVATE_URLS"] = True
        document_id = _document_id(_upload(admin_client, organizer["campaign_id"], "", b"",
                                           url=f"{base}/s"))
    with app.app_context():
        assert db.session.get(Document, document_id).source_url == f"{base}/s"
    # The same page again: recognised, and the organizer is sent to the stored document.
    with document_server(routes) as base2:
        again = _upload(admin_client, organizer["campaign_id"], "", b"", url=f"{base2}/s")
    assert _document_id(again) == document_id

    bad_scheme = _upload(admin_client, organizer["campaign_id"], "", b"", url="file:///etc/passwd")
    assert bad_scheme.status_code == 422
    assert "http:// or https://" in bad_scheme.get_data(as_text=True)
    neither = _upload(admin_client, organizer["campaign_id"], "", b"")
    assert neither.status_code == 422
    assert "Choose a file or give a web address" in neither.get_data(as_text=True)
    unreadable = _upload(admin_client, organizer["campaign_id"], "sheet.xlsx", b"\x00\x01\x02")
    assert unreadable.status_code == 422
    assert ".xlsx files cannot be read" in unreadable.get_data(as_text=True)


@pytest.fixture
def small_uploads(app_config: dict) -> None:
    app_config["INGEST_UPLOAD_MAX_BYTES"] = 5_000
    # Smaller than an upload may be: the upload limit is its own.
    app_config["MAX_CONTENT_LENGTH"] = 1_000


def _read_the_form() -> None:
    """As input checks of the app do, before any view."""
    assert request.form is not None


@pytest.fixture
def app_reading_forms_early(small_uploads: None, app: Flask) -> Flask:
    app.before_request(_read_the_form)
    return app


def test_uploads_are_size_capped_with_a_clear_message(app_reading_forms_early: Flask,
                                                      admin_client: FlaskClient,
                                                      organizer: dict) -> None:
    app = app_reading_forms_early
    under_the_cap = statement_text("A paragraph to pass the app-wide limit. " * 40).encode()
    assert 1_000 < len(under_the_cap) < 5_000
    accepted = _upload(admin_client, organizer["campaign_id"], "s.txt", under_the_cap)
    assert accepted.status_code == 303
    with app.app_context():
        db.session.execute(delete(Document))
        db.session.commit()

    response = _upload(admin_client, organizer["campaign_id"], "big.txt",
                       statement_text().encode() * 400)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is larger than 0.005 MB" in page
    assert 'name="document"' in page  # the form again, not an error page
    # Just over the limit: the request itself is small enough, the form says the same.
    just_over = _upload(admin_client, organizer["campaign_id"], "over.txt", b"word " * 1100)
    assert just_over.status_code == 422
    assert "The file is larger than 0.005 MB" in just_over.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Document.id)) is None


def test_viewer_sees_but_cannot_change(app: Flask, client: FlaskClient, organizer: dict,
                                       admin_client: FlaskClient) -> None:
    document_id = _document_id(_upload(admin_client, organizer["campaign_id"], "s.txt",
                                       statement_text().encode()))
    call_id = _calls(app, document_id)[0].id
    admin_client.post("/logout", data={"csrf_token": csrf_from(
        admin_client.get("/admin/").get_data(as_text=True))})
    with app.app_context():
        viewer = organizers.create_organizer(db.session, "viewer@campaign.test", TEST_PASSWORD)
        organizers.add_member(db.session, db.session.get(Campaign, organizer["campaign_id"]),
                              viewer, Role.VIEWER)
        db.session.commit()
    assert login(client, "viewer@campaign.test").status_code == 303
    page = client.get(f"/admin/documents/{document_id}")
    assert page.status_code == 200 and "Create a petition" not in page.get_data(as_text=True)
    csrf = csrf_from(page.get_data(as_text=True))
    assert client.post(f"/admin/documents/{document_id}/calls/{call_id}/reject",
                       data={"csrf_token": csrf}).status_code == 403
    assert client.get(f"/admin/documents/{document_id}/calls/{call_id}/edit").status_code == 403
    assert client.get("/admin/documents/new").status_code == 403


def test_outsiders_do_not_learn_that_a_document_exists(app: Flask, client: FlaskClient,
                                                       organizer: dict,
                                                       admin_client: FlaskClient) -> None:
    document_id = _document_id(_upload(admin_client, organizer["campaign_id"], "s.txt",
                                       statement_text().encode()))
    admin_client.post("/logout", data={"csrf_token": csrf_from(
        admin_client.get("/admin/").get_data(as_text=True))})
    with app.app_context():
        organizers.create_organizer(db.session, "other@campaign.test", TEST_PASSWORD)
        db.session.commit()
    login(client, "other@campaign.test")
    assert client.get(f"/admin/documents/{document_id}").status_code == 404
    # Without a role in any campaign the document list is refused as a whole.
    assert client.get("/admin/documents/").status_code == 403
