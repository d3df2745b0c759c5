"""The document page in Debian's chromium: the buttons do what they say, Enter makes a petition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.ingest.readers import read_bytes
from campaign.models import Call, CallState, Campaign, Petition
from campaign.services import documents
from tests.conftest import browser_login
from tests.documents_factory import statement_text

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-background-networking",
                  "--disable-gpu"])
        yield browser.new_page()
        browser.close()


def test_reject_a_call_then_press_enter_in_the_title(app: Flask, organizer: dict,
                                                     live_server: Any, browser_page: Any) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, organizer["campaign_id"])
        outcome = documents.ingest_read(db.session, campaign,
                                        read_bytes(statement_text().encode(), "s.txt"))
        db.session.commit()
        first, second = db.session.scalars(select(Call).order_by(Call.position)).all()[:2]
    page = browser_page
    browser_login(page, app, live_server.url, organizer["email"])
    page.goto(f"{live_server.url}/admin/documents/{outcome.document_id}")

    page.locator(f"#call-{second.id}").get_by_role("button", name="Reject").click()
    page.wait_for_url(f"**/admin/documents/{outcome.document_id}*")
    assert page.locator(f"#call-{second.id}").get_by_role("button", name="Restore").is_visible()

    page.check(f"#select-call-{first.id}")
    page.fill("input[name=title]", "Sanctions now")
    page.press("input[name=title]", "Enter")
    page.wait_for_url("**/admin/petitions/*")
    with app.app_context():
        assert db.session.get(Call, second.id).state is CallState.REJECTED
        assert db.session.get(Call, first.id).state is CallState.PROPOSED
        assert db.session.scalar(select(Petition.title)) == "Sanctions now"
