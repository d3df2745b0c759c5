"""A real browser finds a supporter's MEPs, writes a letter and reports no CSP violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright

from tests.letter_factories import DEMO_SLUG, make_campaign, make_letter_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is missing")]


def test_chromium_writes_to_a_german_mep(app: Flask, live_server: Any) -> None:
    make_letter_world(app, make_campaign(app))
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{live_server.url}/letters/{DEMO_SLUG}")
        page.get_by_label("Country", exact=True).select_option("DE")
        page.get_by_role("button", name="Find my legislators").click()
        page.get_by_role("link", name="Write to Anna Schmidt").click()
        assert "Sehr geehrte Frau Schmidt," in page.locator("pre.letter-text").inner_text()
        page.get_by_label("Your full name").fill("Jonas Weber")
        page.get_by_label("Your email address").fill("jonas@example.org")
        page.get_by_label("Your town or area").fill("Leipzig")
        page.get_by_label("In your own words").fill(
            "Meine Großmutter musste in einem Lager nähen. Ich will nicht, dass solche Waren "
            "bei uns verkauft werden.")
        page.get_by_role("button", name="Prepare my letter").click()
        page.wait_for_url("**/letters/draft/**")
        body = page.get_by_role("textbox", name="Your letter").input_value()
        assert body.startswith("Sehr geehrte Frau Schmidt,")
        assert "ich schreibe Ihnen aus Leipzig" in body
        assert page.locator(".own-share").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download to print (PDF)").click()
        assert download.value.suggested_filename == "letter-to-anna-schmidt.pdf"
        browser.close()
    assert not [text for text in console if "Content Security Policy" in text], console
