"""The production stack: gunicorn workers sharing the database and Redis, behind a proxy."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from campaign.clients import hash_ip, resolve_client_ip
from campaign.extensions import db
from campaign.models import OutboundEmail, Petition, PetitionCountryCount, Signature
from tests.conftest import csrf_from, free_port, queue_requested_confirmations
from tests.servers import gunicorn, redis_prefix, redis_url

SECRET = "test-secret-key-not-for-production"  # noqa: S105 - tests only


def _settings(database_url: str, prefix: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url(), "REDIS_PREFIX": prefix,
            "SECRET_KEY": SECRET, "MAIL_DELIVERY": "worker", **extra}


def _sign(http: httpx.Client, base: str, slug: str, email: str, country: str = "BE",
          client: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": client} if client else {}
    page = http.get(f"{base}/petitions/{slug}", headers=headers)
    assert page.status_code == 200
    return http.post(f"{base}/petitions/{slug}/sign", headers=headers, data={
        "name": "Ayşe Tohti", "email": email, "country": country, "postcode": "1000",
        "csrf_token": csrf_from(page.text)})


@pytest.mark.slow
def test_rate_limit_holds_across_four_workers_with_redis(
        app: Flask, petition: dict[str, Any], database_url: str) -> None:
    """Acceptance 4: 40 POSTs from one client against 5 per minute: exactly 5 accepted."""
    with redis_prefix() as prefix, gunicorn(
            ports=[free_port()], workers=4,
            settings=_settings(database_url, prefix, SIGN_RATE_LIMIT="5 per minute")) as [server]:
        with httpx.Client(timeout=30) as http:
            page = http.get(f"{server.url}/petitions/free-them")
            token, cookies = csrf_from(page.text), dict(http.cookies)

        def post(n: int) -> int:
            # A connection of its own per POST, so that every worker gets some.
            with httpx.Client(cookies=cookies, timeout=30) as one:
                return one.post(f"{server.url}/petitions/free-them/sign", data={
                    "name": "Same Client", "email": f"person{n}@example.org", "country": "BE",
                    "csrf_token": token}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(post, range(40)))
    assert statuses.count(303) == 5, statuses
    assert statuses.count(429) == 35, statuses
    with app.app_context():
        assert len(db.session.scalars(select(Signature.id)).all()) == 5


@pytest.mark.slow
def test_spoofed_forwarded_for_from_an_untrusted_address_changes_nothing(
        app: Flask, petition: dict[str, Any], database_url: str) -> None:
    """Acceptance 5: only a configured proxy may name the client."""
    with redis_prefix() as prefix, gunicorn(
            ports=[free_port()], workers=2,
            # Our loopback connection is not this proxy.
            settings=_settings(database_url, prefix, SIGN_RATE_LIMIT="3 per minute",
                               TRUSTED_PROXIES="192.0.2.10")) as [server], \
            httpx.Client(timeout=30) as http:
        statuses = [_sign(http, server.url, "free-them", f"spoof{n}@example.org",
                          client=f"198.51.100.{n}, 203.0.113.{n}").status_code
                    for n in range(6)]
    # Each request claimed another address; the app still saw one client, and limited it.
    assert statuses == [303, 303, 303, 429, 429, 429]
    with app.app_context():
        hashes = set(db.session.scalars(select(Signature.ip_hash)))
    assert hashes == {hash_ip("127.0.0.1", app.config["IP_HASH_KEY"])}


@pytest.mark.slow
def test_a_trusted_proxy_names_the_client(app: Flask, petition: dict[str, Any],
                                          database_url: str) -> None:
    with redis_prefix() as prefix, gunicorn(
            ports=[free_port()], workers=2,
            settings=_settings(database_url, prefix, TRUSTED_PROXIES="127.0.0.1")) as [server]:
        with httpx.Client(timeout=30) as http:
            # What the client claimed (left) is ignored; the proxy's own hop is used.
            response = _sign(http, server.url, "free-them", "behind@example.org",
                             client="10.9.9.9, 203.0.113.50")
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalars(select(Signature.ip_hash)).one()
    assert stored == hash_ip("203.0.113.50", app.config["IP_HASH_KEY"])


@pytest.mark.backend_independent
@pytest.mark.parametrize(("remote", "header", "trusted", "expected"), [
    ("198.51.100.7", "1.2.3.4", "", "198.51.100.7"),
    ("198.51.100.7", "1.2.3.4", "127.0.0.1", "198.51.100.7"),
    ("127.0.0.1", "1.2.3.4, 203.0.113.9", "127.0.0.1", "203.0.113.9"),
    ("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.2", "127.0.0.1, 10.0.0.0/8", "203.0.113.9"),
    ("127.0.0.1", "garbage", "127.0.0.1", "garbage"),
    ("127.0.0.1", None, "127.0.0.1", "127.0.0.1"),
])
def test_forwarded_for_is_walked_past_trusted_hops_only(remote: str, header: str | None,
                                                        trusted: str, expected: str) -> None:
    assert resolve_client_ip(remote, header, trusted) == expected


@pytest.mark.slow
def test_two_app_servers_keep_exact_counts_under_concurrent_signing_and_confirming(
        app: Flask, petition: dict[str, Any], database_url: str) -> None:
    """Acceptance 6: two gunicorn instances sharing the database and Redis."""
    slug = "free-them"
    countries = ["BE", "FR", "DE", "UG"]
    with redis_prefix() as prefix, gunicorn(
            ports=[free_port(), free_port()], workers=2,
            settings=_settings(database_url, prefix, TRUSTED_PROXIES="127.0.0.1")) as servers:
        bases = [server.url for server in servers]

        def sign(n: int) -> int:
            with httpx.Client(timeout=30) as http:
                return _sign(http, bases[n % 2], slug, f"signer{n}@example.org",
                             countries[n % 4], client=f"203.0.113.{n}").status_code

        def confirm(job: tuple[int, str]) -> int:
            n, path = job
            with httpx.Client(timeout=30) as http:
                base = bases[n % 2]
                landing = http.get(base + path, headers={"X-Forwarded-For": f"198.51.100.{n}"})
                return http.post(base + path, headers={"X-Forwarded-For": f"198.51.100.{n}"},
                                 data={"csrf_token": csrf_from(landing.text)}).status_code

        with ThreadPoolExecutor(12) as pool:
            assert set(pool.map(sign, range(20))) == {303}
            first_links = _confirmation_paths(app)
            # Signing goes on on both servers while the first signers confirm on both, each
            # link twice (a replay on the other server must not count again).
            signing = pool.map(sign, range(20, 40))
            confirming = pool.map(confirm, [(n, p) for n, p in enumerate(first_links * 2)])
            assert set(signing) == {303}
            assert set(confirming) == {200}
            rest = [p for p in _confirmation_paths(app) if p not in first_links]
            assert set(pool.map(confirm, list(enumerate(rest)))) == {200}

        summaries = [httpx.get(f"{base}/petitions/{slug}.json", timeout=30).json()
                     for base in bases]
        pages = [httpx.get(f"{base}/petitions/{slug}", timeout=30).text for base in bases]

    expected_by_country = {country: 10 for country in countries}
    for summary, page in zip(summaries, pages, strict=True):
        assert summary["signature_count"] == 40
        assert summary["by_country"] == expected_by_country
        assert '<strong>40</strong>' in page
    with app.app_context():
        petition_row = db.session.get(Petition, petition["id"])
        assert petition_row.signature_count == 40
        kept = dict(db.session.execute(select(PetitionCountryCount.country,
                                              PetitionCountryCount.count)).all())
        assert kept == expected_by_country
        assert len(db.session.scalars(select(OutboundEmail.id)).all()) == 40


def _confirmation_paths(app: Flask) -> list[str]:
    """The links of the confirmation emails, once the asked-for ones are queued (as
    `campaign worker` does)."""
    with app.app_context():
        queue_requested_confirmations()
        bodies = db.session.scalars(select(OutboundEmail.body_text)
                                    .where(OutboundEmail.kind == "confirm-signature")
                                    .order_by(OutboundEmail.id)).all()
        db.session.rollback()
    return [re.search(r"https?://[^/\s]+(/(?:[a-z]{2}/)?confirm/\S+)", body).group(1)  # type: ignore[union-attr]
            for body in bodies]


@pytest.mark.slow
def test_a_worker_closes_its_connection_without_waiting_for_the_client(
        petition: dict[str, Any], database_url: str) -> None:
    """After a response the worker closes at once and serves the next request
    (gunicorn.conf.py), while the first client still holds its side open: gunicorn's own
    close would wait up to 2 s for it."""
    import socket
    import time

    def get(host: str, port: int) -> tuple[socket.socket, bytes]:
        client = socket.create_connection((host, port), timeout=10)
        client.sendall(b"GET /petitions/free-them HTTP/1.1\r\nHost: test\r\n\r\n")
        received = b""
        while chunk := client.recv(65536):  # b"" once the server has closed its side
            received += chunk
        return client, received

    with redis_prefix() as prefix, gunicorn(ports=[free_port()], workers=1,
                                            settings=_settings(database_url, prefix)) as [server]:
        host, port = server.url.removeprefix("http://").split(":")
        first, received = get(host, int(port))
        try:
            started = time.monotonic()
            second, again = get(host, int(port))  # the one worker, while `first` stays open
            second.close()
            waited = time.monotonic() - started
        finally:
            first.close()
    for answer in (received, again):
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
        assert len(body) == length and body.rstrip().endswith(b"</html>")
    # A page takes milliseconds; gunicorn's own close would have held the worker 2 s.
    assert waited < 1.5
