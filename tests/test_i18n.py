"""Languages: how a page's language is chosen, translated petition text, emails in the
signer's language, the admin for translations and embed sites, and the embed's headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign import mailer
from campaign.extensions import db
from campaign.models import EmbedSite, Petition, PetitionTranslation, Signature
from campaign.services import embeds, petition_translations
from tests.conftest import MailSink, csrf_from

UG_TITLE = "مەجبۇرىي ئەمگەككە خاتىمە بېرىلسۇن"


def _translate(app: Flask, petition_id: int, language: str = "ug", title: str = UG_TITLE) -> None:
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        petition_translations.save_translation(db.session, petition, language, title,
                                               "قىسقىچە مەزمۇن", "**تولۇق** مەزمۇن")
        db.session.commit()


def _html_lang(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page)
    assert match, page[:200]
    return match.group(1), match.group(2)


def test_language_comes_from_prefix_then_query_then_browser_then_petition(
        app: Flask, client: FlaskClient, petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    assert _html_lang(client.get(f"/ug/petitions/{slug}").get_data(as_text=True)) == ("ug", "rtl")
    queried = client.get(f"/petitions/{slug}?lang=de").get_data(as_text=True)
    assert _html_lang(queried) == ("de", "ltr")
    # The prefix wins over ?lang= and over the browser.
    both = client.get(f"/fr/petitions/{slug}?lang=de", headers={"Accept-Language": "tr"})
    assert _html_lang(both.get_data(as_text=True))[0] == "fr"
    browser = client.get(f"/petitions/{slug}",
                         headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"})
    assert _html_lang(browser.get_data(as_text=True))[0] == "tr"
    assert "Bu dilekçeyi imzalayın" in browser.get_data(as_text=True)
    # No preference stated: the petition's own language.
    with app.app_context():
        db.session.get(Petition, petition["id"]).default_language = "de"
        db.session.commit()
    assert _html_lang(client.get(f"/petitions/{slug}").get_data(as_text=True))[0] == "de"
    # An unknown prefix is just a path that does not exist; URLs without a prefix keep working.
    assert client.get(f"/xx/petitions/{slug}").status_code == 404
    assert client.get(f"/petitions/{slug}").status_code == 200


def test_links_forms_and_redirects_keep_the_language(client: FlaskClient,
                                                     petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    page = client.get(f"/ug/petitions/{slug}").get_data(as_text=True)
    assert f'action="/ug/petitions/{slug}/sign"' in page
    queried = client.get(f"/petitions/{slug}?lang=tr").get_data(as_text=True)
    assert f'action="/petitions/{slug}/sign?lang=tr"' in queried
    response = client.post(f"/ug/petitions/{slug}/sign", data={
        "name": "Ayşe", "email": "ayse@example.org", "country": "BE",
        "csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ug/petitions/{slug}/thanks"
    # The same petition without the prefix is thanked without it (the address is kept per
    # prefix: public/pages.py, thanks_redirect).
    page = client.get(f"/petitions/{slug}").get_data(as_text=True)
    response = client.post(f"/petitions/{slug}/sign", data={
        "name": "Nur", "email": "nur@example.org", "country": "BE",
        "csrf_token": csrf_from(page)})
    assert response.headers["Location"] == f"/petitions/{slug}/thanks"


def test_language_switcher_on_every_public_page(client: FlaskClient,
                                                petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    for path in ("/", f"/petitions/{slug}", f"/petitions/{slug}/thanks", "/confirm/broken",
                 "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        for code in ("en", "ug", "tr", "de", "fr"):
            expected = f"/{code}{path}" if path != "/" else f"/{code}/"
            assert f'href="{expected}" lang="{code}"' in page, (path, code)
    # A form with errors (a POST) offers the page the form was on, not the POST address.
    token = csrf_from(client.get(f"/de/petitions/{slug}").get_data(as_text=True))
    error_page = client.post(f"/de/petitions/{slug}/sign", data={"csrf_token": token},
                             headers={"Referer": f"http://localhost/de/petitions/{slug}"})
    assert error_page.status_code == 422
    assert f'href="/ug/petitions/{slug}" lang="ug"' in error_page.get_data(as_text=True)


def test_translated_petition_text_and_fallback_notice(app: Flask, client: FlaskClient,
                                                      petition: dict[str, Any]) -> None:
    _translate(app, petition["id"])
    uyghur = client.get(f"/ug/petitions/{petition['slug']}").get_data(as_text=True)
    assert UG_TITLE in uyghur
    assert "<strong>تولۇق</strong>" in uyghur
    assert 'role="note"' not in uyghur
    german = client.get(f"/de/petitions/{petition['slug']}").get_data(as_text=True)
    assert "Free the detained" in german
    assert "Diese Petition gibt es noch nicht auf Deutsch" in german
    assert "Originalsprache (Englisch)" in german
    english = client.get(f"/petitions/{petition['slug']}").get_data(as_text=True)
    assert "has not been translated" not in english
    index = client.get("/ug/").get_data(as_text=True)
    assert UG_TITLE in index


def test_numbers_dates_and_country_names_follow_the_language(app: Flask, client: FlaskClient,
                                                             organizer: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from tests.conftest import make_petition

    petition_id = make_petition(app, organizer["campaign_id"], slug="counted", goal=1_000_000,
                                closes_at=datetime(2031, 3, 5, tzinfo=UTC))
    with app.app_context():
        db.session.get(Petition, petition_id).signature_count = 12345
        db.session.commit()
    german = client.get("/de/petitions/counted").get_data(as_text=True)
    assert "<strong>12.345</strong>" in german
    assert "5. März 2031" in german
    assert '<option value="BE">Belgien</option>' in german
    french = client.get("/fr/petitions/counted").get_data(as_text=True)
    assert "<strong>12\u202f345</strong>" in french
    uyghur = client.get("/ug/petitions/counted").get_data(as_text=True)
    assert '<option value="BE">بېلگىيە</option>' in uyghur


def test_confirmation_email_in_the_language_of_signing(app: Flask, client: FlaskClient,
                                                       petition: dict[str, Any],
                                                       smtp_server: MailSink) -> None:
    _translate(app, petition["id"])
    slug = petition["slug"]
    page = client.get(f"/ug/petitions/{slug}").get_data(as_text=True)
    client.post(f"/ug/petitions/{slug}/sign", data={
        "name": "Ayşe Tohti", "email": "ayse@example.org", "country": "BE",
        "csrf_token": csrf_from(page)})
    mailer.send_due(app)
    (message,) = smtp_server.wait_for(1)
    body = message.get_content()
    assert message["Subject"].startswith("ئىمزايىڭىزنى جەزملەشتۈرۈڭ")
    assert UG_TITLE in message["Subject"]
    assert "ھۆرمەتلىك \u2068Ayşe Tohti\u2069،" in body
    assert "ئۇلانما 7 كۈن ئىناۋەتلىك." in body
    link = re.search(r"(http://\S+/confirm/\S+)", body).group(1)
    assert "/ug/confirm/" in link
    with app.app_context():
        assert db.session.scalar(select(Signature.language)) == "ug"
    landing = client.get(link.replace("http://localhost", ""))
    assert _html_lang(landing.get_data(as_text=True)) == ("ug", "rtl")


def test_error_pages_are_translated(client: FlaskClient) -> None:
    page = client.get("/de/no-such-page")
    assert page.status_code == 404
    assert "Unter dieser Adresse gibt es nichts." in page.get_data(as_text=True)


def test_admin_adds_edits_and_deletes_a_translation(app: Flask, admin_client: FlaskClient,
                                                    petition: dict[str, Any]) -> None:
    admin_page = admin_client.get(f"/admin/petitions/{petition['id']}").get_data(as_text=True)
    assert "Translations" in admin_page and "data-campaign-embed" in admin_page
    token = csrf_from(admin_page)
    saved = admin_client.post(f"/admin/petitions/{petition['id']}/translations", data={
        "csrf_token": token, "language": "tr", "title": "Gözaltındakileri serbest bırakın",
        "summary": "", "body_markdown": "Hemen **serbest** bırakın."})
    assert saved.status_code == 303
    turkish = admin_client.get(f"/tr/petitions/{petition['slug']}").get_data(as_text=True)
    assert "Gözaltındakileri" in turkish
    # Its own language cannot be "translated"; a title is required.
    refused = admin_client.post(f"/admin/petitions/{petition['id']}/translations", data={
        "csrf_token": token, "language": "en", "title": "x"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    edit = admin_client.get(f"/admin/petitions/{petition['id']}/translations/tr")
    assert "Gözaltındakileri" in edit.get_data(as_text=True)
    deleted = admin_client.post(f"/admin/petitions/{petition['id']}/translations/tr/delete",
                                data={"csrf_token": token})
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(PetitionTranslation.id)) is None


def test_admin_sets_embed_sites(app: Flask, admin_client: FlaskClient,
                                petition: dict[str, Any]) -> None:
    token = csrf_from(admin_client.get(f"/admin/petitions/{petition['id']}").get_data(as_text=True))
    bad = admin_client.post(f"/admin/petitions/{petition['id']}/embed-sites",
                            data={"csrf_token": token, "origins": "javascript:alert(1)"})
    assert bad.status_code == 200 and "is not a web address" in bad.get_data(as_text=True)
    good = admin_client.post(f"/admin/petitions/{petition['id']}/embed-sites", data={
        "csrf_token": token,
        "origins": "https://Partner.example.org/some/page\nhttp://localhost:8080\n"})
    assert good.status_code == 303
    with app.app_context():
        assert sorted(db.session.scalars(select(EmbedSite.origin))) == [
            "http://localhost:8080", "https://partner.example.org"]


def test_only_the_embed_may_be_framed_and_only_by_allowed_sites(
        app: Flask, client: FlaskClient, petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    page = client.get(f"/petitions/{slug}")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    closed = client.get(f"/petitions/{slug}/embed")
    assert "frame-ancestors 'none'" in closed.headers["Content-Security-Policy"]
    with app.app_context():
        embeds.set_allowed_origins(db.session, db.session.get(Petition, petition["id"]),
                                   ["https://partner.example.org"])
        db.session.commit()
    framable = client.get(f"/ug/petitions/{slug}/embed",
                          headers={"Referer": "https://partner.example.org/campaigns"})
    csp = framable.headers["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example.org;" in csp + ";"
    assert "script-src 'self'" in csp
    assert "X-Frame-Options" not in framable.headers
    assert 'data-parent-origin="https://partner.example.org"' in framable.get_data(as_text=True)
    assert "Set-Cookie" not in framable.headers


def _embed_token(page: str) -> str:
    match = re.search(r'name="site_token" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_embed_sign_needs_no_session_but_a_valid_site_token(
        app: Flask, client: FlaskClient, petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    with app.app_context():
        embeds.set_allowed_origins(db.session, db.session.get(Petition, petition["id"]),
                                   ["https://partner.example.org"])
        db.session.commit()
    page = client.get(f"/petitions/{slug}/embed",
                      headers={"Referer": "https://partner.example.org/x"}).get_data(as_text=True)
    fields = {"name": "Ayşe", "email": "ayse@example.org", "country": "BE"}
    forged = client.post(f"/petitions/{slug}/embed/sign",
                         data=fields | {"site_token": "forged"})
    assert forged.status_code == 422
    assert "This form has expired" in forged.get_data(as_text=True)
    # A fresh client: no cookie at all, as inside a cross-site frame.
    fresh = app.test_client()
    signed = fresh.post(f"/petitions/{slug}/embed/sign",
                        data=fields | {"site_token": _embed_token(page)})
    assert signed.status_code == 303
    assert signed.headers["Location"].startswith(f"/petitions/{slug}/embed/thanks?site=")
    with app.app_context():
        assert db.session.scalar(select(Signature.source)) == "https://partner.example.org"
    # Switching language inside the frame keeps the site: the links carry the signed token.
    switch = re.search(r'href="(/ug/petitions/[^"]+/embed\?site=[^"]+)"', page)
    assert switch, "the embed's language links carry the site token"
    switched = client.get(switch.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-parent-origin="https://partner.example.org"' in switched
    assert '<html lang="ug" dir="rtl">' in switched
    # A Referer from a site not on the list is not recorded as the source.
    other = client.get(f"/petitions/{slug}/embed",
                       headers={"Referer": "https://evil.example.net/"}).get_data(as_text=True)
    assert 'data-parent-origin=""' in other


@pytest.mark.backend_independent
@pytest.mark.parametrize(("text", "origin"), [
    ("https://Example.org/path?q=1", "https://example.org"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("https://bücher.example", "https://xn--bcher-kva.example"),
])
def test_normalise_origin(text: str, origin: str) -> None:
    assert embeds.normalise_origin(text) == origin


@pytest.mark.backend_independent
@pytest.mark.parametrize("text", ["ftp://example.org", "https://user:pw@example.org",
                                  "example.org", "https://exa mple.org", "https://a;b.org"])
def test_normalise_origin_refuses(text: str) -> None:
    with pytest.raises(embeds.EmbedError):
        embeds.normalise_origin(text)
