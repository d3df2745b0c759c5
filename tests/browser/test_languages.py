"""In chromium: the demo petition signed in Uyghur and English, right-to-left mirroring,
axe-core on every step, and signing with the keyboard alone, with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from campaign import mailer
from campaign.extensions import db
from campaign.models import Petition, Signatory, Signature
from campaign.services import demo
from campaign.services.signing import confirmation_token
from tests.browser.support import screenshot, serious_axe_violations
from tests.conftest import MailSink

# The pages, not the database, are under test here: the SQLite pass is enough.
pytestmark = [pytest.mark.browser, pytest.mark.backend_independent]

UG_TITLE = demo.DEMO_TRANSLATIONS["ug"]["title"]
LANGUAGES = {"ug": "/ug", "en": ""}


@pytest.fixture
def demo_slug(app: Flask) -> str:
    """The demo petition, with a count that makes the progress bar a third full."""
    with app.app_context():
        demo.load(db.session, app.instance_path)
        petition = db.session.scalar(select(Petition).where(Petition.slug == demo.DEMO_PETITION))
        petition.signature_count = 3_250
        db.session.commit()
    return demo.DEMO_PETITION


def _layout(page: Any) -> dict[str, float]:
    return page.evaluate("""() => {
        const rect = el => el.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("label[for=name]"));
        const text = range.getBoundingClientRect();
        const form = rect(document.querySelector("section.sign form"));
        const box = rect(document.getElementById("consent_updates"));
        const boxLabel = rect(document.querySelector("label[for=consent_updates]"));
        const track = rect(document.querySelector(".progress"));
        const fill = rect(document.querySelector(".progress-fill"));
        return {formLeft: form.left, formRight: form.right, textLeft: text.left,
                textRight: text.right, boxCentre: (box.left + box.right) / 2,
                boxLabelCentre: (boxLabel.left + boxLabel.right) / 2,
                trackLeft: track.left, trackRight: track.right, trackWidth: track.width,
                fillLeft: fill.left, fillRight: fill.right, fillWidth: fill.width,
                overflow: document.documentElement.scrollWidth - window.innerWidth};
    }""")


def _assert_mirrored(layout: dict[str, float], rtl: bool) -> None:
    """Labels, check boxes and the progress fill start at the right in RTL, at the left in LTR."""
    start, end = ("Right", "Left") if rtl else ("Left", "Right")
    assert abs(layout[f"text{start}"] - layout[f"form{start}"]) < 4, layout
    assert abs(layout[f"text{end}"] - layout[f"form{end}"]) > 20, layout
    assert (layout["boxCentre"] > layout["boxLabelCentre"]) is rtl, layout
    # The fill (a third of the track) hugs the inline start inside the 1px border.
    assert 0.25 < layout["fillWidth"] / layout["trackWidth"] < 0.4, layout
    assert abs(layout[f"fill{start}"] - layout[f"track{start}"]) <= 2, layout
    assert abs(layout[f"fill{end}"] - layout[f"track{end}"]) > layout["trackWidth"] / 2, layout
    assert layout["overflow"] <= 0, "the page scrolls sideways"


def _fill_sign_form(page: Any, name: str, email: str) -> None:
    page.fill("#name", name)
    page.fill("#email", email)
    page.select_option("#country", "BE")
    page.click("section.sign button[type=submit]")


def test_demo_petition_signed_in_uyghur_and_english(app: Flask, demo_slug: str, live_server: Any,
                                                    smtp_server: MailSink, browser: Any) -> None:
    for language, prefix in LANGUAGES.items():
        for width in (390, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{live_server.url}{prefix}/petitions/{demo_slug}")
            assert page.get_attribute("html", "lang") == language
            assert page.get_attribute("html", "dir") == ("rtl" if language == "ug" else "ltr")
            _assert_mirrored(_layout(page), rtl=language == "ug")
            screenshot(page, f"petition-{language}-{width}")
            _fill_sign_form(page, "Ayşe Tohti", f"signer-{language}-{width}@example.org")
            page.wait_for_url(f"**{prefix}/petitions/{demo_slug}/thanks")
            screenshot(page, f"thanks-{language}-{width}")
            context.close()

    with app.app_context():
        languages = dict(db.session.execute(select(Signatory.email, Signature.language)
                                            .join(Signature.signatory)).all())
    assert languages == {f"signer-{lang}-{w}@example.org": lang
                         for lang in LANGUAGES for w in (390, 1280)}

    mailer.send_due(app)
    messages = {m["To"]: m for m in smtp_server.wait_for(4)}
    uyghur = messages["signer-ug-390@example.org"]
    assert uyghur["Subject"].strip() == f"ئىمزايىڭىزنى جەزملەشتۈرۈڭ: \u2068{UG_TITLE}\u2069"
    body = uyghur.get_content()
    assert "ئىمزا قويغىنىڭىزغا رەھمەت" in body and "Thank you" not in body
    english = messages["signer-en-390@example.org"]
    # (Python folds a long ASCII subject onto a continuation line: hence the strip.)
    assert english["Subject"].strip().startswith("Please confirm your signature: Keep products")

    # The Uyghur signer confirms from the link: the confirm pages are in Uyghur too.
    link = re.search(r"(http://\S+/confirm/\S+)", body).group(1)
    assert "/ug/confirm/" in link
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(link)
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot(page, "confirm-ug-390")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "رەھمەت: ئىمزايىڭىز جەزملەشتۈرۈلدى"
    assert "3,251" in page.locator(".count").inner_text()
    screenshot(page, "confirmed-ug-390")
    context.close()


def test_usable_at_320_pixels(demo_slug: str, live_server: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for prefix in LANGUAGES.values():
        page.goto(f"{live_server.url}{prefix}/petitions/{demo_slug}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        button = page.locator("section.sign button[type=submit]").bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= 320
    context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_axe_finds_no_serious_problems(app: Flask, demo_slug: str, live_server: Any,
                                       browser: Any, language: str) -> None:
    prefix = LANGUAGES[language]
    # Our CSP rightly refuses the injected axe script; only this test context bypasses it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}

    page.goto(f"{live_server.url}{prefix}/petitions/{demo_slug}")
    found["petition"] = serious_axe_violations(page)

    page.click("section.sign button[type=submit]")  # empty: every field in error
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_attribute("#name", "aria-invalid") == "true"
    assert page.get_attribute("#name", "aria-describedby") == "name-error"
    found["sign error"] = serious_axe_violations(page)

    _fill_sign_form(page, "Axe Tester", f"axe-{language}@example.org")
    page.wait_for_url("**/thanks")
    found["thanks"] = serious_axe_violations(page)

    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    token = confirmation_token(app.config["SECRET_KEY"], signature_id)
    page.goto(f"{live_server.url}{prefix}/confirm/{token}")
    found["confirm"] = serious_axe_violations(page)
    page.click("main button[type=submit]")
    page.wait_for_selector(".count")
    found["confirmed"] = serious_axe_violations(page)
    page.goto(f"{live_server.url}{prefix}/confirm/not-a-token")
    found["broken link"] = serious_axe_violations(page)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_keyboard_only_signing(app: Flask, demo_slug: str, live_server: Any, browser: Any,
                               javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/petitions/{demo_slug}")

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id"))

    for _ in range(60):
        page.keyboard.press("Tab")
        if focused() == "name":
            break
    assert focused() == "name", "Tab never reached the name field"
    # The focus is visible: an outline drawn around the focused field.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.type("Kamil Keyboard")
    page.keyboard.press("Tab")
    assert focused() == "email"
    page.keyboard.type("kamil@example.org")
    page.keyboard.press("Tab")
    assert focused() == "country"
    page.keyboard.type("Belgium")
    assert page.evaluate("document.getElementById('country').value") == "BE"
    page.keyboard.press("Tab")
    assert focused() == "postcode"
    page.keyboard.type("1000")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/petitions/{demo_slug}/thanks")
    assert page.locator("h1").inner_text() == "Check your email"
    context.close()
    with app.app_context():
        assert db.session.scalar(select(Signature.name)) == "Kamil Keyboard"
