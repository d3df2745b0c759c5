"""No English left on Uyghur pages: every visible string of the public pages goes through
gettext. Text marked as another language (a petition's own words, `lang="en"`) is skipped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import Petition, Signature
from campaign.services import embeds, petition_translations
from campaign.services.signing import confirmation_token
from tests.conftest import csrf_from

# Names that stay as they are in every language.
PROPER_NAMES = {"WhatsApp", "Telegram", "Facebook"}
SPOKEN_ATTRIBUTES = {"aria-label", "aria-valuetext", "title", "placeholder", "alt"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears, outside parts marked as another language."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.stack: list[bool] = []  # per open element: is it (inside) foreign or hidden text?
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        inherited = bool(self.stack and self.stack[-1])
        lang = values.get("lang")
        skip = (inherited or tag in ("script", "style") or values.get("type") == "hidden"
                or (lang is not None and lang != self.language))
        if not skip:
            self.found.extend(v for k, v in attrs if k in SPOKEN_ATTRIBUTES and v)
        if tag not in VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.found.append(data.strip())


def english_words(html: str, language: str = "ug") -> set[str]:
    parser = VisibleText(language)
    parser.feed(html)
    # Example addresses and links are not words to translate.
    text = re.sub(r"\S+@\S+|https?://\S+", " ", " ".join(parser.found))
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return words - PROPER_NAMES


def test_uyghur_pages_hold_no_english(app: Flask, client: FlaskClient,
                                      petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    with app.app_context():
        record = db.session.get(Petition, petition["id"])
        petition_translations.save_translation(db.session, record, "ug",
                                               "تۇتقۇنلارنى قويۇپ بېرىڭ", "قىسقىچە", "تولۇق مەزمۇن")
        embeds.set_allowed_origins(db.session, record, ["https://partner.example.org"])
        db.session.commit()
    pages: dict[str, str] = {}
    for name, path in {"index": "/ug/", "petition": f"/ug/petitions/{slug}",
                       "thanks": f"/ug/petitions/{slug}/thanks",
                       "broken link": "/ug/confirm/broken", "not found": "/ug/nothing-here",
                       "embed": f"/ug/petitions/{slug}/embed"}.items():
        pages[name] = client.get(path).get_data(as_text=True)
    token = csrf_from(pages["petition"])
    pages["sign error"] = client.post(f"/ug/petitions/{slug}/sign", data={
        "csrf_token": token, "email": "not an address", "postcode": "$$"}).get_data(as_text=True)
    client.post(f"/ug/petitions/{slug}/sign", data={
        "csrf_token": token, "name": "Ayşe", "email": "ayse@example.org", "country": "BE"})
    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    link = f"/ug/confirm/{confirmation_token(app.config['SECRET_KEY'], signature_id)}"
    pages["confirm"] = client.get(link).get_data(as_text=True)
    pages["confirmed"] = client.post(link, data={"csrf_token": token}).get_data(as_text=True)

    leftovers = {name: english_words(html) for name, html in pages.items()}
    assert {name: words for name, words in leftovers.items() if words} == {}
