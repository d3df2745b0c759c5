"""Fixtures: a real database (SQLite file, or PostgreSQL in a schema of its own), the app,
clients, a live server, a real SMTP server, and a logged-in organizer."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

import campaign.models  # noqa: F401 - every table on Base.metadata
from campaign import create_app
from campaign.config import database_url as usable_database_url
from campaign.db import Base, make_engine
from campaign.extensions import db
from campaign.services import notifications, organizers, petitions

SHARED = Path(__file__).resolve().parents[2] / "shared"
TEST_PASSWORD = "correct horse battery staple"


# -- the database -----------------------------------------------------------------------------

def postgres_test_url() -> str | None:
    """The PostgreSQL pass's database (CAMPAIGN_TEST_DATABASE_URL), or None in the SQLite pass."""
    if os.environ.get("CAMPAIGN_TEST_BACKEND") != "postgresql":
        return None
    # Read as the app reads CAMPAIGN_DATABASE_URL: postgresql:// means psycopg 3.
    return usable_database_url(os.environ.get("CAMPAIGN_TEST_DATABASE_URL",
                                              "postgresql://postgres@127.0.0.1:5432/test"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A clean schema for this test run: parallel runs never see each other's rows."""
    pg_url = postgres_test_url()
    if pg_url is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _empty_all_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """The configuration every test app starts from; tests add to it before `app` is built."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "BASE_URL": "http://localhost",
        "MAIL_DELIVERY": "worker",
        "MAIL_FROM": "Campaign Toolkit <noreply@campaign.test>",
        "SIGN_RATE_LIMIT": "10000 per minute",
        # Tests sign many times from one address and domain; tests of the limits lower them.
        "ABUSE_PER_IP_LIMIT": "100000 per hour",
        "ABUSE_PER_DOMAIN_LIMIT": "100000 per hour",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        # Tests read a page right after changing its petition; tests of the copy set their own.
        "PETITION_RECHECK_SECONDS": 0,
        # Cheap hashing keeps the suite fast; production uses the argon2id defaults.
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 64,
    }


@pytest.fixture
def app(app_config: dict[str, Any], database_url: str) -> Iterator[Flask]:
    app = create_app(app_config)
    yield app
    db.dispose()
    _empty_all_tables(database_url)


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# -- people and petitions ---------------------------------------------------------------------

@pytest.fixture
def organizer(app: Flask) -> dict[str, Any]:
    """An organizer who owns the campaign "test-campaign"."""
    with app.app_context():
        person = organizers.create_organizer(db.session, "owner@campaign.test", TEST_PASSWORD,
                                             "Olga Owner")
        campaign = organizers.create_campaign(db.session, person, "Test campaign",
                                              "test-campaign")
        db.session.commit()
        return {"id": person.id, "email": person.email, "password": TEST_PASSWORD,
                "campaign_id": campaign.id}


def make_petition(app: Flask, campaign_id: int, *, slug: str = "free-them", state: str = "open",
                  goal: int = 100, **fields: Any) -> int:
    """Create a petition directly through the domain functions; returns its id."""
    from campaign.models import Campaign

    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        petition = petitions.create_petition(db.session, campaign, petitions.PetitionFields(
            title=fields.pop("title", "Free the detained"), target=fields.pop("target", "The Council"),
            goal=goal, slug=slug, body_markdown=fields.pop("body", "Release them **now**."),
            **fields))
        if state in ("open", "closed"):
            petitions.change_state(petition, "open")
        if state == "closed":
            petitions.change_state(petition, "close")
        db.session.commit()
        return petition.id


@pytest.fixture
def petition(app: Flask, organizer: dict[str, Any]) -> dict[str, Any]:
    petition_id = make_petition(app, organizer["campaign_id"])
    return {"id": petition_id, "slug": "free-them"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def queue_requested_confirmations(send_limit: int = 3) -> int:
    """What the mail sender does first (mailer.send_due), in a session of its own: the
    confirmations signing asked for become outbox emails. Inside an app context."""
    session = db.new_session()
    try:
        return notifications.queue_requested_confirmations(session, send_limit)
    finally:
        session.close()


def login(client: FlaskClient, email: str, password: str = TEST_PASSWORD) -> Any:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    if response.status_code == 303 and "/login/two-factor" in response.location:
        response = pass_two_factor(client, email, response.location)
    return response


def pass_two_factor(client: FlaskClient, email: str, step_url: str = "/login/two-factor") -> Any:
    """The second login step, answered as the organizer's authenticator app would."""
    import pyotp
    from sqlalchemy import select

    from campaign.models import Organizer

    with client.application.app_context():
        person = db.session.scalar(select(Organizer).where(Organizer.email == email))
        assert person is not None
        person.totp_secret = person.totp_secret or pyotp.random_base32()
        # Tests log in more often than once per 30-second code; replay is tested on its own.
        person.totp_last_step = None
        db.session.commit()
        code = pyotp.TOTP(person.totp_secret).now()
    page = client.get(step_url.replace("/setup", ""))
    return client.post(step_url.replace("/setup", ""),
                       data={"code": code, "csrf_token": csrf_from(page.get_data(as_text=True))})


def browser_login(page: Any, app: Flask, base_url: str, email: str,
                  password: str = TEST_PASSWORD) -> None:
    """Log a Playwright page in as an organizer, second factor included."""
    import pyotp
    from sqlalchemy import select

    from campaign.models import Organizer

    with app.app_context():
        person = db.session.scalar(select(Organizer).where(Organizer.email == email))
        assert person is not None
        person.totp_secret = person.totp_secret or pyotp.random_base32()
        person.totp_last_step = None
        db.session.commit()
        secret = person.totp_secret
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor**")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")


@pytest.fixture
def admin_client(client: FlaskClient, organizer: dict[str, Any]) -> FlaskClient:
    response = login(client, organizer["email"])
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


# -- real servers -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app served over real HTTP by a threaded server in this process."""
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


class MailSink:
    """Collects what arrives at the test's SMTP server."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        # SMTP sessions: connections that said EHLO (twice for one that started TLS).
        self.sessions = 0
        self._arrived = threading.Condition()

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.envelopes.append(envelope)
            self.messages.append(message)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")
                self._arrived.wait(remaining)
            return list(self.messages)


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[MailSink]:
    """A real SMTP server (aiosmtpd) in this process; the app is configured to use it."""
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield sink
    controller.stop()


@pytest.fixture
def shared_seeds() -> Path:
    """The shared seed statements (../shared/seeds); the test is skipped when absent."""
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    return seeds


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files (tests/golden/) from the current output.")
