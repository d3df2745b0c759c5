"""Every route, found by walking app.url_map, answers with the security headers; HSTS over
HTTPS; oversized bodies get a clear 413 page."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from campaign.admin.access import is_admin_rule
from tests.routes import World, build_url, build_world, log_in_as, routes


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def check_headers(response: Any, where: str, *, https: bool = False) -> None:
    """The headers every response must carry; `where` names the request in failures."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("object-src") == ["'none'"], (where, policy)
    assert directives.get("base-uri") == ["'none'"], (where, policy)
    assert directives.get("script-src") == ["'self'"], (where, policy)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (where, policy)
    assert directives.get("default-src") == ["'self'"], (where, policy)
    assert "frame-ancestors" in directives, (where, policy)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                                        "strict-origin"), where
    hsts = response.headers.get("Strict-Transport-Security")
    if https:
        assert hsts and "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) \
            >= 31536000, (where, hsts)
    else:
        assert hsts is None, where


def _frame_ancestors(response: Any) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("frame-ancestors"))


def test_every_route_carries_the_security_headers(app: Flask, world: World) -> None:
    anonymous = app.test_client()
    owner = app.test_client()
    log_in_as(owner, app, world.people["owner"])
    seen = 0
    for rule, method in routes(app):
        url = build_url(app, rule, world)
        clients = [("owner", owner)] if is_admin_rule(rule) else []
        clients.append(("anonymous", anonymous))
        for who, client in clients:
            # POSTs go without a CSRF token: the refusal must carry the headers too.
            response = client.open(url, method=method)
            assert response.status_code < 500, (method, url, who, response.status_code)
            check_headers(response, f"{method} {url} as {who}")
            view = app.view_functions[rule.endpoint]
            if getattr(view, "frame_ancestors", None) is None:
                assert _frame_ancestors(response) == "frame-ancestors 'none'", (
                    url, "framing allowed by a view not marked @embeddable")
                assert response.headers.get("X-Frame-Options") == "DENY", url
            elif _frame_ancestors(response) != "frame-ancestors 'none'":
                # An embeddable page whose petition allows no site is unframeable like any other.
                assert "X-Frame-Options" not in response.headers, url
            response.close()  # static files hold an open file until closed
            seen += 1
    for url in ("/no-such-page", "/petitions/no-such-petition", "/static/nothing.css"):
        response = anonymous.get(url)
        assert response.status_code == 404
        check_headers(response, url)
        response.close()
    print(f"headers: {seen} responses on {len(list(routes(app)))} routes checked")


def test_hsts_over_https(app: Flask, world: World) -> None:
    client = app.test_client()
    for url in ("/", "/login", f"/petitions/{world.petition_a_slug}", "/no-such-page"):
        check_headers(client.get(url, base_url="https://campaign.test"), url, https=True)
        check_headers(client.get(url), url, https=False)


@pytest.mark.parametrize("trusted,expected", [("127.0.0.1", True), ("", False)])
def test_hsts_behind_a_trusted_proxy_only(app: Flask, trusted: str, expected: bool) -> None:
    app.config["TRUSTED_PROXIES"] = trusted
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in response.headers) is expected


def test_embeddable_views_relax_framing_only(app: Flask) -> None:
    from campaign.security import embeddable

    @app.get("/test-embed")
    @embeddable
    def test_embed() -> str:
        return "embedded"

    @app.get("/test-embed-some")
    @embeddable("https://partner.example")
    def test_embed_some() -> str:
        return "embedded"

    client = app.test_client()
    response = client.get("/test-embed")
    check_headers(response, "/test-embed")
    assert _frame_ancestors(response) == "frame-ancestors *"
    assert "X-Frame-Options" not in response.headers
    response = client.get("/test-embed-some")
    assert _frame_ancestors(response) == "frame-ancestors https://partner.example"


def test_oversized_body_gets_a_clear_413_page(app: Flask, petition: dict) -> None:
    client = app.test_client()
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for url in (f"/petitions/{petition['slug']}/sign", "/login"):
        response = client.post(url, data={"name": too_big})
        assert response.status_code == 413, (url, response.status_code)
        assert "too large" in response.get_data(as_text=True)
        check_headers(response, url)


@pytest.mark.backend_independent
def test_cookie_secure_setting() -> None:
    from campaign.config import _cookie_secure

    assert _cookie_secure("auto", "https://petitions.example.org") is True
    assert _cookie_secure("auto", "http://petitions.example.org") is True
    assert _cookie_secure("auto", "http://127.0.0.1:5000") is False
    assert _cookie_secure("auto", "http://localhost") is False
    assert _cookie_secure("false", "https://petitions.example.org") is False
    assert _cookie_secure(True, "http://localhost") is True
