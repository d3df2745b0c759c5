"""A supporter writes to their MEPs over HTTP: drafts, PDF, .eml, and sending through the app."""

from __future__ import annotations

import io
import re
from email import message_from_bytes, policy
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from campaign.db import utcnow
from campaign.mailer import send_due
from campaign.services.letter_templates import format_letter_date
from tests.conftest import csrf_from
from tests.letter_factories import DEMO_SLUG, LetterWorld, make_campaign, make_letter_world

PERSONAL = ("My grandmother was held in a camp and made to sew clothes for export. "
            "I want to be sure that nothing she was forced to make can be sold here.")


@pytest.fixture
def world(app: Flask) -> LetterWorld:
    return make_letter_world(app, make_campaign(app))


def _write(client: FlaskClient, legislator_id: int, **overrides: str) -> str:
    """Fill in the supporter's part and return the draft page's path."""
    page = client.get(f"/letters/{DEMO_SLUG}/to/{legislator_id}")
    assert page.status_code == 200
    data = {"name": "Léa Fontaine", "email": "lea@example.org", "town": "Lyon",
            "personal_paragraph": PERSONAL, "csrf_token": csrf_from(page.get_data(as_text=True)),
            **overrides}
    response = client.post(f"/letters/{DEMO_SLUG}/to/{legislator_id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_supporter_finds_their_meps(client: FlaskClient, world: LetterWorld) -> None:
    page = client.get(f"/letters/{DEMO_SLUG}?country=FR").get_data(as_text=True)
    for name in ("Claire Dubois", "Jean Martin", "Camille Bernard"):
        assert name in page
    assert "Anna Schmidt" not in page and "Sophie Lambert" not in page

    belgium = client.get(f"/letters/{DEMO_SLUG}?country=BE&region=BE-FR").get_data(as_text=True)
    assert "Sophie Lambert" in belgium and "Jan Peeters" not in belgium

    bad = client.get(f"/letters/{DEMO_SLUG}?country=XX")
    assert bad.status_code == 422
    assert "Please choose a country from the list." in bad.get_data(as_text=True)


@pytest.mark.parametrize(("key", "language", "salutation"), [
    ("dubois", "fr", "Madame la Députée,"),
    ("martin", "fr", "Monsieur le Député,"),
    ("bernard", "fr", "Madame, Monsieur,"),
    ("schmidt", "de", "Sehr geehrte Frau Schmidt,"),
    ("mueller", "de", "Sehr geehrter Herr Müller,"),
    ("devries", "nl", "Geachte mevrouw de Vries,"),
    ("obriain", "en", "Dear Mr Ó Briain,"),
])
def test_draft_in_the_legislators_language(client: FlaskClient, world: LetterWorld, key: str,
                                           language: str, salutation: str) -> None:
    page = client.get(f"/letters/{DEMO_SLUG}/to/{world.legislators[key]}").get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert salutation in page
    draft = client.get(_write(client, world.legislators[key])).get_data(as_text=True)
    assert salutation in draft
    assert "My grandmother was held in a camp" in draft


def test_write_edit_download_and_send(app: Flask, client: FlaskClient, world: LetterWorld,
                                      smtp_server: Any) -> None:
    draft_path = _write(client, world.legislators["dubois"])
    page = client.get(draft_path).get_data(as_text=True)
    assert "Madame la Députée," in page
    assert "Je vous écris de Lyon" in page

    # The supporter edits the letter: a sentence of their own at the end.
    body = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    body = (body.replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&#34;", '"').replace("&quot;", '"'))
    edited = body.replace("Je vous prie d'agréer",
                          "Je passe chaque semaine devant un magasin qui vend ces produits.\n\n"
                          "Je vous prie d'agréer")
    response = client.post(draft_path, data={
        "subject": "Appliquez l'interdiction du travail forcé", "body": edited,
        "csrf_token": csrf_from(page)})
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(draft_path).get_data(as_text=True)
    assert "Je passe chaque semaine" in page
    assert "of the letter" in page  # the similarity figures are shown

    # The printable letter: address block, date, body and signature line.
    pdf = client.get(f"{draft_path}/letter.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = " ".join(text.split())
    for expected in ("Claire Dubois", "60, rue Wiertz", "1047 Bruxelles", "Léa Fontaine",
                     "Madame la Députée,", "Je passe chaque semaine devant un magasin",
                     format_letter_date(utcnow().date(), "fr"),
                     "Appliquez l'interdiction du travail forcé", "________"):
        assert expected in flat, (expected, flat)

    # The .eml: From the supporter, To the office, ready to send from their own account.
    eml = client.get(f"{draft_path}/letter.eml")
    assert eml.status_code == 200
    message = message_from_bytes(eml.data, policy=policy.default)
    assert message["From"].addresses[0].addr_spec == "lea@example.org"
    assert message["From"].addresses[0].display_name == "Léa Fontaine"
    assert message["To"].addresses[0].addr_spec == "claire.dubois@europarl.test"
    assert message["Subject"] == "Appliquez l'interdiction du travail forcé"
    assert "Je passe chaque semaine" in message.get_content()

    # The mailto: link opens the same letter in the supporter's mail program.
    assert 'href="mailto:claire.dubois@europarl.test?subject=' in page

    # Sent through the app: the supporter first confirms their address.
    response = client.post(f"{draft_path}/send", data={"method": "app-email",
                                                       "csrf_token": csrf_from(page)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Check your email" in response.get_data(as_text=True)
    assert send_due(app) == 1
    confirmation = smtp_server.wait_for(1)[0]
    assert confirmation["To"] == "lea@example.org"
    link = re.search(r"https?://\S+/letters/send/\S+", confirmation.get_content()).group(0)
    path = link.split("localhost", 1)[1]
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200
    assert smtp_server.wait_for(1) and send_due(app) == 0  # a GET sends nothing
    confirm_token = csrf_from(confirm_page.get_data(as_text=True))
    response = client.post(path, data={"csrf_token": confirm_token})
    assert response.status_code == 200
    assert send_due(app) == 1
    letter = smtp_server.wait_for(2)[1]
    assert letter["To"].addresses[0].addr_spec == "claire.dubois@europarl.test"
    assert letter["Reply-To"].addresses[0].addr_spec == "lea@example.org"
    assert letter["From"].addresses[0].addr_spec == "noreply@campaign.test"
    assert letter["Subject"] == "Appliquez l'interdiction du travail forcé"
    content = letter.get_content()
    assert content.startswith("Madame la Députée,")
    assert PERSONAL in " ".join(content.split())
    assert "Je passe chaque semaine devant un magasin" in content
    assert smtp_server.envelopes[1].rcpt_tos == ["claire.dubois@europarl.test"]

    # Confirming twice sends nothing more.
    again = client.post(path, data={"csrf_token": confirm_token})
    assert again.status_code == 200
    assert send_due(app) == 0


def test_contact_form_and_post_for_a_senator(client: FlaskClient, world: LetterWorld) -> None:
    draft_path = _write(client, world.legislators["rivers"])
    page = client.get(draft_path).get_data(as_text=True)
    assert 'href="https://rivers.senate.test/contact"' in page
    assert 'id="paste-text"' in page and "Dear Jordan Rivers," in page
    assert "mailto:" not in page  # no email address for this office
    assert client.get(f"{draft_path}/letter.eml").status_code == 404
    pdf = client.get(f"{draft_path}/letter.pdf").data
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "331 Hart Senate Office Building" in text
    response = client.post(f"{draft_path}/send", data={"method": "contact-form",
                                                       "csrf_token": csrf_from(page)})
    assert response.status_code == 200
    assert "This letter has been sent" in client.get(draft_path).get_data(as_text=True)


def test_a_name_in_arabic_script_reads_as_typed_in_the_pdf(client: FlaskClient,
                                                           world: LetterWorld) -> None:
    # Unshaped, the letters come out isolated and in reverse order.
    draft_path = _write(client, world.legislators["dubois"], name="ئايشە تۇختى", town="Almaty")
    pdf = client.get(f"{draft_path}/letter.pdf")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "ئايشە تۇختى" in text


def test_header_injection_in_the_name_is_refused(client: FlaskClient, world: LetterWorld) -> None:
    page = client.get(f"/letters/{DEMO_SLUG}/to/{world.legislators['dubois']}")
    for name in ("Léa\r\nBcc: victim@example.org", "=?utf-8?q?L=C3=A9a=0D=0ABcc:_x@y.z?="):
        response = client.post(f"/letters/{DEMO_SLUG}/to/{world.legislators['dubois']}", data={
            "name": name, "email": "lea@example.org", "personal_paragraph": PERSONAL,
            "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert response.status_code == 422
        assert "There is a problem" in response.get_data(as_text=True)


def test_a_personal_paragraph_is_required(client: FlaskClient, world: LetterWorld) -> None:
    page = client.get(f"/letters/{DEMO_SLUG}/to/{world.legislators['dubois']}")
    response = client.post(f"/letters/{DEMO_SLUG}/to/{world.legislators['dubois']}", data={
        "name": "Léa", "email": "lea@example.org", "personal_paragraph": "Yes.",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 422
    assert "Please write between 40 and 4000 characters." in response.get_data(as_text=True)


def test_closed_or_unknown_campaigns_are_not_found(client: FlaskClient, world: LetterWorld) -> None:
    assert client.get("/letters/nothing-here").status_code == 404
    assert client.get(f"/letters/{DEMO_SLUG}/to/999999").status_code == 404
    assert client.get("/letters/draft/forged-token").status_code == 404
