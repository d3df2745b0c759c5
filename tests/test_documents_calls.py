"""Reviewing calls: reject, merge, split, add, co-signers, and the campaign's asks.

The calls are written here rather than found by the extractor: these tests are about what
organizers do with calls, whatever the extractor finds.
"""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.ingest.readers import read_bytes
from campaign.models import Call, CallState, Campaign, Document, Petition, PetitionSource
from campaign.services import documents
from tests.conftest import csrf_from
from tests.documents_factory import SIGNATORIES, statement_text

TIBET_COUNCIL = ("We call on the Council to release the detained monks, to end the boarding "
                 "schools, and to open Tibet to journalists.")
TIBET_COMMISSION = "We call on the Commission to adopt targeted sanctions."
THREE_DEMANDS = f"Statement on Tibet\n\n{TIBET_COUNCIL}\n\n{TIBET_COMMISSION}\n"
TIBET_CALLS = [(TIBET_COUNCIL, "the Council", "release the detained monks"),
               (TIBET_COUNCIL, "the Council", "end the boarding schools"),
               (TIBET_COUNCIL, "the Council", "open Tibet to journalists"),
               (TIBET_COMMISSION, "the Commission", "adopt targeted sanctions")]


def _store(app: Flask, campaign_id: int, text: str, name: str = "doc.txt",
           calls: list[tuple[str, str, str]] | None = None) -> int:
    """Store a document with these (sentence, target, demand) calls, all proposed."""
    with app.app_context():
        campaign = db.session.get_one(Campaign, campaign_id)
        document, _ = documents.store_document(db.session, campaign, read_bytes(text.encode(),
                                                                                name))
        for position, (sentence, target, demand) in enumerate(calls or TIBET_CALLS):
            start = document.text.index(sentence)
            db.session.add(Call(document=document, sentence=sentence, actor="We", target=target,
                                demand=demand, start=start, end=start + len(sentence),
                                position=position, state=CallState.PROPOSED))
        db.session.commit()
        return document.id


def _calls(app: Flask, document_id: int) -> list[tuple[int, str, str | None, str, int]]:
    with app.app_context():
        return [(c.id, c.demand, c.target, c.state.value, c.position) for c in db.session.scalars(
            select(Call).where(Call.document_id == document_id).order_by(Call.position))]


def _csrf(client: FlaskClient, document_id: int) -> str:
    return csrf_from(client.get(f"/admin/documents/{document_id}").get_data(as_text=True))


def test_reject_restore_merge_split_and_add(app: Flask, admin_client: FlaskClient,
                                            organizer: dict) -> None:
    document_id = _store(app, organizer["campaign_id"], THREE_DEMANDS)
    calls = _calls(app, document_id)
    assert [c[1] for c in calls] == ["release the detained monks", "end the boarding schools",
                                     "open Tibet to journalists", "adopt targeted sanctions"]
    base = f"/admin/documents/{document_id}"
    csrf = _csrf(admin_client, document_id)

    assert admin_client.post(f"{base}/calls/{calls[3][0]}/reject",
                             data={"csrf_token": csrf}).status_code == 303
    assert _calls(app, document_id)[3][3] == "rejected"
    page = admin_client.get(base).get_data(as_text=True)
    assert "Restore" in page
    # A rejected call is not highlighted in the text.
    assert not re.search(r"<mark[^>]*>We call on the Commission", page)
    admin_client.post(f"{base}/calls/{calls[3][0]}/restore", data={"csrf_token": csrf})
    assert _calls(app, document_id)[3][3] == "proposed"

    merged = admin_client.post(f"{base}/selection", data={
        "call_ids": [str(calls[1][0]), str(calls[2][0])], "action": "merge", "csrf_token": csrf})
    assert merged.status_code == 303
    after_merge = _calls(app, document_id)
    assert [c[1] for c in after_merge] == [
        "release the detained monks", "end the boarding schools and open Tibet to journalists",
        "adopt targeted sanctions"]
    assert [c[4] for c in after_merge] == [0, 1, 2]

    split_page = admin_client.get(f"{base}/calls/{after_merge[1][0]}/edit")
    split = admin_client.post(f"{base}/calls/{after_merge[1][0]}/split", data={
        "demands": "end the boarding schools\nopen Tibet to foreign journalists",
        "csrf_token": csrf_from(split_page.get_data(as_text=True))})
    assert split.status_code == 303
    after_split = _calls(app, document_id)
    assert [c[1] for c in after_split] == [
        "release the detained monks", "end the boarding schools",
        "open Tibet to foreign journalists", "adopt targeted sanctions"]
    assert {c[2] for c in after_split[:3]} == {"the Council"}

    one_line = admin_client.post(f"{base}/calls/{after_merge[1][0]}/split", data={
        "demands": "only one", "csrf_token": csrf})
    assert one_line.status_code == 422
    assert "at least two demands" in one_line.get_data(as_text=True)

    add_page = admin_client.get(f"{base}/calls/new")
    missing = admin_client.post(f"{base}/calls/new", data={
        "passage": "a sentence that is nowhere", "demand": "x",
        "csrf_token": csrf_from(add_page.get_data(as_text=True))})
    assert missing.status_code == 422
    assert "not in the document" in missing.get_data(as_text=True)
    added = admin_client.post(f"{base}/calls/new", data={
        "passage": "statement  on\ntibet", "actor": "", "target": "Readers",
        "demand": "share the statement", "csrf_token": csrf})
    assert added.status_code == 303
    first = _calls(app, document_id)[0]
    assert first[1:4] == ("share the statement", "Readers", "accepted")
    with app.app_context():
        call = db.session.get(Call, first[0])
        assert call.document.text[call.start:call.end] == "Statement on Tibet"


def test_merging_keeps_what_was_made_from_the_merged_calls(app: Flask, organizer: dict) -> None:
    document_id = _store(app, organizer["campaign_id"], THREE_DEMANDS)
    with app.app_context():
        calls = db.session.scalars(select(Call).where(Call.document_id == document_id)
                                   .order_by(Call.position)).all()
        petition = documents.petition_from_calls(db.session, [calls[2]])
        documents.merge_calls(db.session, [calls[1], calls[2]])
        db.session.commit()
        assert set(db.session.scalars(select(PetitionSource.call_id))) == {calls[1].id}
        assert documents.petition_sources(db.session, petition.id)[0].title == "Statement on Tibet"


def test_rejected_calls_make_no_petition(app: Flask, admin_client: FlaskClient,
                                         organizer: dict) -> None:
    document_id = _store(app, organizer["campaign_id"], THREE_DEMANDS)
    call_id = _calls(app, document_id)[0][0]
    csrf = _csrf(admin_client, document_id)
    admin_client.post(f"/admin/documents/{document_id}/calls/{call_id}/reject",
                      data={"csrf_token": csrf})
    refused = admin_client.post(f"/admin/documents/{document_id}/selection", data={
        "call_ids": [str(call_id)], "action": "petition", "csrf_token": csrf})
    assert refused.status_code == 422
    assert "not rejected" in refused.get_data(as_text=True)
    nothing = admin_client.post(f"/admin/documents/{document_id}/selection", data={
        "action": "petition", "csrf_token": csrf})
    assert nothing.status_code == 422
    assert "Choose at least one call" in nothing.get_data(as_text=True)


def test_detected_signatories_are_offered_and_kept(app: Flask, admin_client: FlaskClient,
                                                   organizer: dict) -> None:
    with app.app_context():
        campaign = db.session.get_one(Campaign, organizer["campaign_id"])
        outcome = documents.ingest_read(db.session, campaign,
                                        read_bytes(statement_text().encode(), "s.txt"))
        db.session.commit()
        document_id = outcome.document_id
    page = admin_client.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert "3 organisation(s) found signing this statement" in page
    kept = admin_client.post(f"/admin/documents/{document_id}/signatories", data={
        "organisations": "\n".join(SIGNATORIES[:2]) + "\n\n",
        "csrf_token": csrf_from(page)})
    assert kept.status_code == 303
    with app.app_context():
        document = db.session.get(Document, document_id)
        assert document.cosigning_organisations == SIGNATORIES[:2]
        call = documents.add_call(db.session, document, "We call on the Council",
                                  "We", "the Council", "adopt targeted sanctions")
        petition = documents.petition_from_calls(db.session, [call])
        assert "Signed by Anti-Slavery Action and Uyghur Rights Network." in \
            petition.body_markdown


def test_campaign_asks_group_calls_across_documents(app: Flask, admin_client: FlaskClient,
                                                    organizer: dict) -> None:
    _store(app, organizer["campaign_id"], THREE_DEMANDS, "tibet.txt")
    second = "We urge the Commission to adopt targeted sanctions."
    _store(app, organizer["campaign_id"], f"Second statement\n\n{second}\n", "b.txt",
           calls=[(second, "the Commission", "adopt targeted sanctions")])
    with app.app_context():
        asks = documents.campaign_asks(db.session, organizer["campaign_id"])
    sanctions = next(a for a in asks if a.demand.lower() == "adopt targeted sanctions")
    assert sanctions.document_count == 2 and len(sanctions.calls) == 2
    page = admin_client.get("/admin/documents/asks").get_data(as_text=True)
    assert "adopt targeted sanctions" in page and "Second statement" in page

    # One action makes a petition of an ask: both statements are its sources.
    made = admin_client.post("/admin/documents/asks", data={
        "campaign_id": str(organizer["campaign_id"]), "action": "petition",
        "call_ids": [str(c.id) for c in sanctions.calls], "csrf_token": csrf_from(page)})
    assert made.status_code == 303 and "/admin/petitions/" in made.headers["Location"]
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert petition.target == "The Commission"
        sources = documents.petition_sources(db.session, petition.id)
        assert [s.title for s in sources] == ["Statement on Tibet", "Second statement"]
    # Calls of another campaign cannot be slipped in.
    foreign = admin_client.post("/admin/documents/asks", data={
        "campaign_id": str(organizer["campaign_id"]), "action": "letter",
        "call_ids": ["999999"], "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Choose the calls of one ask" in foreign.get_data(as_text=True)


def test_upload_form_is_listed_and_documents_page_links_it(admin_client: FlaskClient,
                                                           organizer: dict) -> None:
    page = admin_client.get("/admin/documents/").get_data(as_text=True)
    assert "Add a document" in page and "No documents yet" in page
    assert 'href="/admin/documents/"' in admin_client.get("/admin/").get_data(as_text=True)


def test_upload_of_markdown_with_a_bullet_list(app: Flask, admin_client: FlaskClient,
                                               organizer: dict) -> None:
    markdown = ("# Climate letter\n\nThe coalition calls on the Council:\n\n"
                "- to phase out coal;\n- to fund adaptation.\n")
    page = admin_client.get("/admin/documents/new")
    response = admin_client.post("/admin/documents/new", data={
        "campaign_id": str(organizer["campaign_id"]), "url": "",
        "document": (io.BytesIO(markdown.encode()), "letter.md"),
        "csrf_token": csrf_from(page.get_data(as_text=True))},
        content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.title == "Climate letter"
        assert document.text == ("Climate letter\n\nThe coalition calls on the Council:\n\n"
                                 "- to phase out coal;\n- to fund adaptation.")
        assert document.kind.value == "markdown"
        assert all(call.state is CallState.PROPOSED for call in document.calls)
