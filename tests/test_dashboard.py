"""The dashboard: figures from GROUP BYs, SVG charts (parsed, and seen in Chromium), page views
counted without a row per view, and milestone emails sent once."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from campaign.extensions import db
from campaign.models import MilestoneNotice, OutboundEmail, Petition, PetitionDailyViews
from campaign.models import SignatureState as S
from campaign.services import charts, milestones, notifications, pageviews, stats
from tests.conftest import browser_login, login, make_petition
from tests.signatory_factories import add_many, add_signature

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _fill(app: Flask, petition_id: int) -> None:
    """Three days of signatures from three countries and sources; one day without any."""
    people = []
    plan = [(0, "BE", "1000", "share-email", 5), (0, "DE", "10115", "", 3),
            (1, "BE", "1050", "share-x", 4), (3, "FR", "75001", "share-email", 2)]
    for day, country, postcode, source, n in plan:
        people += [{"email": f"{country}{day}-{i}@example.org", "country": country,
                    "postcode": postcode, "source": source,
                    "created_at": DAY + timedelta(days=day, minutes=i)} for i in range(n)]
    people += [{"email": f"pending{i}@example.org", "state": S.PENDING} for i in range(6)]
    with app.app_context():
        add_many(db.session, petition_id, people)
        db.session.commit()


def _svg(html: str, chart_id: str) -> ET.Element:
    start = html.index(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}"')
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # noqa: S314 - our own output


def test_figures_come_from_group_bys(app: Flask, petition: dict) -> None:
    _fill(app, petition["id"])
    with app.app_context():
        ids = [petition["id"]]
        assert stats.daily_confirmed(db.session, ids) == [
            (DAY.date(), 8, 8), ((DAY + timedelta(days=1)).date(), 4, 12),
            ((DAY + timedelta(days=2)).date(), 0, 12), ((DAY + timedelta(days=3)).date(), 2, 14)]
        assert stats.by_country(db.session, ids).rows == [("BE", 9), ("DE", 3), ("FR", 2)]
        assert stats.by_area(db.session, ids).rows == [("BE 10…", 9), ("DE 10…", 3),
                                                       ("FR 75…", 2)]
        assert stats.by_source(db.session, ids).rows == [("share-email", 7), ("share-x", 4),
                                                         ("(direct)", 3)]
        funnel = stats.funnel(db.session, ids)
        assert (funnel.signatures, funnel.confirmed) == (20, 14)
        assert funnel.by_state["pending"] == 6


# The index each of compute_figures' GROUP BYs must read, in the order it runs them.
FIGURES_INDEXES = ("ix_signatures_confirmed_petition_id_day",
                   "ix_signatures_confirmed_petition_id_country_area",
                   "ix_signatures_confirmed_petition_id_source",
                   "ix_signatures_petition_id_state_created_at")


def test_figures_read_their_indexes_only(app: Flask, petition: dict) -> None:
    """Each GROUP BY is a pass over its index alone: the partial indexes of confirmed
    signatures are only chosen when the query's WHERE names the state as they do."""
    _fill(app, petition["id"])
    with app.app_context():
        session = db.session
        statements: list[tuple[str, Any]] = []

        def remember(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
            if "GROUP BY" in sql:
                statements.append((sql, params))

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", remember)
        try:
            stats.compute_figures(session, petition["id"])
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        assert len(statements) == len(FIGURES_INDEXES)
        cursor = session.connection().connection.cursor()
        postgresql = engine.dialect.name == "postgresql"
        if postgresql:
            # A table of a few rows, with statistics left by earlier tests, may be planned as a
            # scan of the table: what is asked here is whether an index can answer alone.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        for (sql, params), index in zip(statements, FIGURES_INDEXES, strict=True):
            cursor.execute(("EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN ") + sql, params)
            plan = " | ".join(str(row[0] if postgresql else row[-1]) for row in cursor.fetchall())
            if postgresql:
                assert f"Index Only Scan using {index}" in plan, plan
                assert "Sort" not in plan, plan
            else:
                assert f"USING COVERING INDEX {index}" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
        session.rollback()


def test_dashboard_charts_are_valid_svg_with_their_numbers(app: Flask, petition: dict,
                                                           admin_client: Any) -> None:
    _fill(app, petition["id"])
    for _ in range(7):
        admin_client.get(f"/petitions/{petition['slug']}")
    response = admin_client.get(f"/admin/petitions/{petition['id']}/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    daily = _svg(html, "chart-daily")
    assert daily.get("role") == "img"
    assert daily.find(f"{SVG}title").text == "Confirmed signatures per day and in total"
    columns = [(r.get("data-day"), int(r.get("data-value")))
               for r in daily.iter(f"{SVG}rect") if r.get("class") == "day"]
    assert columns == [("2026-05-01", 8), ("2026-05-02", 4), ("2026-05-03", 0), ("2026-05-04", 2)]
    heights = [float(r.get("height")) for r in daily.iter(f"{SVG}rect") if r.get("class") == "day"]
    assert heights[0] > heights[1] > heights[3] > heights[2] == 0
    line = next(e for e in daily.iter(f"{SVG}polyline") if e.get("class") == "cumulative")
    ys = [float(p.split(",")[1]) for p in line.get("points").split()]
    assert ys == sorted(ys, reverse=True)  # the running total only rises (y grows downwards)
    texts = ["".join(t.itertext()) for t in daily.iter(f"{SVG}text")]
    assert "14" in texts and "2026-05-01" in texts

    countries = _svg(html, "chart-country")
    bars = [(g.get("data-label"), int(g.get("data-value"))) for g in countries.iter(f"{SVG}g")]
    assert bars == [("BE", 9), ("DE", 3), ("FR", 2)]
    widths = [float(r.get("width")) for r in countries.iter(f"{SVG}rect")
              if r.get("fill", "").startswith("url(")]
    assert widths[0] > widths[1] > widths[2] > 0
    # Readable without colour: a hatch pattern and the value written beside each bar.
    assert countries.find(f"{SVG}defs/{SVG}pattern") is not None
    assert [t.text for t in countries.iter(f"{SVG}text") if t.get("class") == "value"] == [
        "9", "3", "2"]
    assert _svg(html, "chart-source") is not None and _svg(html, "chart-area") is not None

    # The numbers are on the page as tables too, and page views were counted.
    assert '<th scope="row">2026-05-02</th><td>4</td><td>12</td>' in html
    assert '<th scope="row">Page views</th><td>7</td>' in html
    assert '<th scope="row">Confirmed</th><td>14</td><td>70.0 %</td>' in html


def test_campaign_dashboard_adds_up_its_petitions(app: Flask, petition: dict, organizer: dict,
                                                  admin_client: Any) -> None:
    other = make_petition(app, organizer["campaign_id"], slug="other")
    _fill(app, petition["id"])
    with app.app_context():
        add_signature(db.session, other, email="x@example.org", country="NL")
        db.session.commit()
    html = admin_client.get(f"/admin/campaigns/{organizer['campaign_id']}/dashboard"
                            ).get_data(as_text=True)
    bars = [(g.get("data-label"), int(g.get("data-value")))
            for g in _svg(html, "chart-country").iter(f"{SVG}g")]
    assert bars == [("BE", 9), ("DE", 3), ("FR", 2), ("NL", 1)]


def test_dashboard_needs_a_role(app: Flask, petition: dict, client: Any) -> None:
    assert client.get(f"/admin/petitions/{petition['id']}/dashboard").status_code in (302, 401)
    from campaign.services import organizers

    with app.app_context():
        organizers.create_organizer(db.session, "stranger@campaign.test",
                                    "correct horse battery staple")
        db.session.commit()
    login(client, "stranger@campaign.test")
    assert client.get(f"/admin/petitions/{petition['id']}/dashboard").status_code == 404


def test_page_views_are_one_row_per_petition_and_day(app: Flask, petition: dict,
                                                     client: Any) -> None:
    app.config["PAGE_VIEW_FLUSH_SECONDS"] = 3600
    for _ in range(25):
        assert client.get(f"/petitions/{petition['slug']}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PetitionDailyViews)) == 0
        assert pageviews.flush(app) == 25
        for _ in range(5):
            client.get(f"/petitions/{petition['slug']}")
        assert pageviews.flush(app) == 5
        rows = db.session.execute(select(PetitionDailyViews.petition_id,
                                         PetitionDailyViews.views)).all()
        assert rows == [(petition["id"], 30)]


def test_milestone_emails_go_out_once(app: Flask, organizer: dict) -> None:
    petition_id = make_petition(app, organizer["campaign_id"], slug="ms", milestones=[2, 3, 10])
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        add_signature(db.session, petition_id, email="a@example.org")
        notifications.after_confirmation(db.session, petition)
        assert db.session.scalars(select(MilestoneNotice)).all() == []
        add_signature(db.session, petition_id, email="b@example.org")
        add_signature(db.session, petition_id, email="c@example.org")
        notifications.after_confirmation(db.session, petition)
        # A second confirmation, or a restart, finds both claimed.
        notifications.after_confirmation(db.session, petition)
        assert milestones.notify_crossed(db.session, petition_id) == []
        db.session.commit()
        sent = db.session.execute(select(OutboundEmail.to_address, OutboundEmail.subject)
                                  .where(OutboundEmail.kind == "milestone")
                                  .order_by(OutboundEmail.id)).all()
        assert sent == [("owner@campaign.test", "Free the detained: 2 signatures reached"),
                        ("owner@campaign.test", "Free the detained: 3 signatures reached")]
        assert sorted(db.session.scalars(select(MilestoneNotice.milestone))) == [2, 3]


@pytest.mark.backend_independent
def test_empty_charts_say_so() -> None:
    assert "No confirmed signatures yet" in charts.daily_chart("d", "Daily", [])
    ET.fromstring(str(charts.daily_chart("d", "Daily", [])))  # noqa: S314 - our own output
    bar = ET.fromstring(str(charts.bar_chart("b", "<script>", [("<b>&", 3)])))  # noqa: S314
    assert bar.find(f"{SVG}title").text == "<script>"
    assert bar.find(f"{SVG}g").get("data-label") == "<b>&"


@pytest.mark.browser
def test_dashboard_in_chromium(app: Flask, petition: dict, organizer: dict,
                               live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    _fill(app, petition["id"])
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1400})
            errors: list[str] = []
            # The browser's own favicon request 404s; what matters is the CSP and scripts.
            page.on("console", lambda msg: errors.append(msg.text)
                    if msg.type == "error" and "Refused" in msg.text else None)
            browser_login(page, app, live_server.url, organizer["email"])
            page.goto(f"{live_server.url}/admin/petitions/{petition['id']}/dashboard")
            chart = page.locator("#chart-daily")
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 200
            bars = page.locator("#chart-country g.bar rect")
            assert bars.count() == 3
            widths = [bars.nth(i).bounding_box()["width"] for i in range(3)]
            assert widths[0] > widths[1] > widths[2] > 0
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            chart.screenshot(path=str(ARTIFACTS / "dashboard-daily-chart.png"))
            assert errors == []  # nothing refused by the Content-Security-Policy
        finally:
            browser.close()


def test_figures_are_kept_as_a_snapshot_and_refreshed(app: Flask, petition: dict,
                                                      admin_client: Any) -> None:
    from campaign.models import DashboardSnapshot

    _fill(app, petition["id"])
    url = f"/admin/petitions/{petition['id']}/dashboard"
    first = admin_client.get(url).get_data(as_text=True)
    assert [(g.get("data-label"), g.get("data-value"))
            for g in _svg(first, "chart-source").iter(f"{SVG}g")][0] == ("share-email", "7")
    with app.app_context():
        add_signature(db.session, petition["id"], email="new@example.org", country="NL",
                      source="share-email")
        db.session.commit()
    second = admin_client.get(url).get_data(as_text=True)
    # The kept counts are live; the GROUP BY figures come from the snapshot until refreshed.
    assert ("NL", "1") in [(g.get("data-label"), g.get("data-value"))
                           for g in _svg(second, "chart-country").iter(f"{SVG}g")]
    assert [(g.get("data-label"), g.get("data-value"))
            for g in _svg(second, "chart-source").iter(f"{SVG}g")][0] == ("share-email", "7")
    with app.app_context():
        assert stats.refresh_stale(db.session, 0) == 1
        assert db.session.get(DashboardSnapshot, petition["id"]).figures["sources"][
            "share-email"] == 8
    third = admin_client.get(url).get_data(as_text=True)
    assert [(g.get("data-label"), g.get("data-value"))
            for g in _svg(third, "chart-source").iter(f"{SVG}g")][0] == ("share-email", "8")
