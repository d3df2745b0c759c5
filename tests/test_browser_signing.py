"""A real browser signs the demo petition through the real form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright

from campaign.extensions import db
from campaign.services import demo

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is missing")]


def test_chromium_signs_the_demo_petition(app: Flask, live_server: Any) -> None:
    with app.app_context():
        demo.load(db.session, app.instance_path)
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/petitions/{demo.DEMO_PETITION}")
        page.screenshot(path=str(ARTIFACTS / "petition.png"), full_page=True)
        page.get_by_label("Full name").fill("Gulnar Abdulla")
        page.get_by_label("Email address").fill("gulnar@example.org")
        page.get_by_label("Country", exact=True).select_option("NL")
        page.get_by_label("Postcode (optional)").fill("1012 AB")
        page.get_by_role("button", name="Sign the petition").click()
        page.wait_for_url("**/thanks")
        assert page.get_by_role("heading", name="Check your email").is_visible()
        page.screenshot(path=str(ARTIFACTS / "signed-thanks.png"), full_page=True)
        browser.close()
