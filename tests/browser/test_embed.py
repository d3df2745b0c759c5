"""In chromium: a partner page on another origin frames the sign form, sizes it and signs;
the signature records the partner's origin. The petition page itself refuses to be framed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import Petition, Signature
from campaign.services import embeds
from tests.browser.support import screenshot

# The pages, not the database, are under test here: the SQLite pass is enough.
pytestmark = [pytest.mark.browser, pytest.mark.backend_independent]


class PartnerSite:
    """A second small web server: the partner's pages, on another origin than the app."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # "localhost", not 127.0.0.1 like the app: another site, so the app's SameSite=Lax
        # cookies are not sent inside the frame, as on a real partner's page.
        self.origin = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def partner() -> Iterator[PartnerSite]:
    site = PartnerSite()
    yield site
    site.close()


def _page(body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Partner</title>"
            f"</head><body><h1>Our partner's campaign page</h1>{body}</body></html>")


def test_partner_site_frames_sizes_and_signs(app: Flask, petition: dict[str, Any],
                                             live_server: Any, partner: PartnerSite,
                                             browser: Any) -> None:
    with app.app_context():
        record = db.session.get(Petition, petition["id"])
        embeds.set_allowed_origins(db.session, record, [partner.origin])
        db.session.commit()
        snippet = embeds.snippet(live_server.url, record, record.title)
    partner.pages["/"] = _page(snippet)

    context = browser.new_context(viewport={"width": 800, "height": 900})
    page = context.new_page()
    page.goto(f"{partner.origin}/")
    frame = page.frame_locator("iframe[data-campaign-embed]")
    frame.locator("#name").fill("Parisa Partner")
    # embed.js on the partner's page sizes the frame from the height the frame reports.
    page.wait_for_function(
        "document.querySelector('iframe[data-campaign-embed]').getAttribute('height') !== '720'")
    frame.locator("#email").fill("parisa@example.org")
    frame.locator("#country").select_option("FR")
    frame.locator("button[type=submit]").click()
    frame.locator("h1", has_text="Check your email").wait_for()
    screenshot(page, "embed-partner-signed")
    context.close()

    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert signature is not None and signature.name == "Parisa Partner"
        assert signature.source == partner.origin


def test_embed_refuses_sites_not_on_the_list(app: Flask, petition: dict[str, Any],
                                             live_server: Any, partner: PartnerSite,
                                             browser: Any) -> None:
    with app.app_context():
        embeds.set_allowed_origins(db.session, db.session.get(Petition, petition["id"]),
                                   ["https://someone-else.example.org"])
        db.session.commit()
    partner.pages["/"] = _page(
        f"<iframe src='{live_server.url}/petitions/{petition['slug']}/embed'></iframe>")
    _assert_not_rendered_in_frame(browser, f"{partner.origin}/")


def test_petition_page_refuses_to_be_framed(petition: dict[str, Any], live_server: Any,
                                            partner: PartnerSite, browser: Any) -> None:
    url = f"{live_server.url}/petitions/{petition['slug']}"
    headers = httpx.get(url).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    partner.pages["/"] = _page(f"<iframe src='{url}'></iframe>")
    _assert_not_rendered_in_frame(browser, f"{partner.origin}/")


def _assert_not_rendered_in_frame(browser: Any, partner_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(partner_url)
    page.wait_for_load_state("load")
    (child,) = page.main_frame.child_frames
    # Chromium blocks the document: the frame holds its own error page, never our form.
    assert child.evaluate("document.querySelector('form') === null")
    assert "Sign this petition" not in child.content()
    context.close()
