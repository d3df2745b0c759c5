"""Organizer accounts: TOTP two-factor (no replay), passwords, revocable sessions, cookies,
the login rate limit."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.models import Organizer, OrganizerSession, Role
from campaign.services import organizers, two_factor
from tests.conftest import TEST_PASSWORD, csrf_from, login


def _password_step(client: Any, email: str, password: str = TEST_PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))})


def _post_code(client: Any, url: str, code: str) -> Any:
    page = client.get(url)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(url, data={"code": code, "csrf_token": token})


def _set_secret(app: Flask, email: str) -> str:
    with app.app_context():
        person = db.session.scalar(select(Organizer).where(Organizer.email == email))
        person.totp_secret = pyotp.random_base32()
        db.session.commit()
        return person.totp_secret


def test_owner_sets_up_two_factor_from_a_server_drawn_qr_code(app: Flask, client: Any,
                                                              organizer: dict) -> None:
    response = _password_step(client, organizer["email"])
    assert response.status_code == 303 and "/login/two-factor" in response.location
    # Not logged in yet: the admin sends the half-logged-in owner back to the login page.
    assert client.get("/admin/").status_code == 302
    page = client.get("/login/two-factor/setup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    data_uri = html.split('src="data:image/svg+xml;base64,')[1].split('"')[0]
    assert base64.b64decode(data_uri).startswith(b"<svg")
    secret = html.split('class="totp-secret">')[1].split("<")[0]
    assert _post_code(client, "/login/two-factor/setup", "000000").status_code == 401
    response = _post_code(client, "/login/two-factor/setup", pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        person = db.session.get(Organizer, organizer["id"])
        assert person.totp_secret == secret
        # The pending secret lived on the server-side session, never in the cookie.
        assert all(s.totp_pending_secret is None for s in person.sessions)


def test_a_totp_code_cannot_be_used_twice(app: Flask, organizer: dict) -> None:
    secret = _set_secret(app, organizer["email"])
    code = pyotp.TOTP(secret).now()
    first, second = app.test_client(), app.test_client()
    assert _password_step(first, organizer["email"]).status_code == 303
    assert _post_code(first, "/login/two-factor", code).status_code == 303
    assert first.get("/admin/").status_code == 200
    # The same code again, from another browser that also knows the password: refused.
    assert _password_step(second, organizer["email"]).status_code == 303
    replay = _post_code(second, "/login/two-factor", code)
    assert replay.status_code == 401
    assert "used already" in replay.get_data(as_text=True)
    assert second.get("/admin/").status_code == 302


def test_older_codes_are_refused_after_a_newer_one(app: Flask, organizer: dict) -> None:
    secret = _set_secret(app, organizer["email"])
    totp = pyotp.TOTP(secret)
    with app.app_context():
        person = db.session.get(Organizer, organizer["id"])
        assert two_factor.verify_code(db.session, person, totp.now())
        db.session.commit()
        assert not two_factor.verify_code(db.session, person, totp.at(time.time() - 30))
        assert not two_factor.verify_code(db.session, person, "12345")
        assert not two_factor.verify_code(db.session, person, "abcdef")


def test_two_factor_is_needed_by_owners_only(app: Flask, organizer: dict) -> None:
    with app.app_context():
        owner = db.session.get(Organizer, organizer["id"])
        helper = organizers.create_organizer(db.session, "helper@campaign.test", TEST_PASSWORD)
        campaign = owner.memberships[0].campaign
        organizers.add_member(db.session, campaign, helper, Role.ORGANIZER)
        db.session.commit()
        assert two_factor.needs_two_factor(db.session, owner)
        assert not two_factor.needs_two_factor(db.session, helper)
        organizers.add_member(db.session, campaign, helper, Role.OWNER)
        assert two_factor.needs_two_factor(db.session, helper)
    client = app.test_client()
    assert login(client, "helper@campaign.test").status_code == 303
    assert client.get("/admin/").status_code == 200


@pytest.mark.backend_independent
@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "1qaz2wsx3edc",
                                      "Password!!!!2024", "short", "iloveyou2024!!"])
def test_weak_and_common_passwords_are_refused(password: str) -> None:
    assert organizers.password_problem(password) is not None


@pytest.mark.backend_independent
@pytest.mark.parametrize("password", [TEST_PASSWORD, "Тихий океан шумит 1987",
                                      "plum-kettle-orbit-7"])
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    assert organizers.password_problem(password) is None


def test_logout_revokes_the_session_and_a_replayed_cookie_is_refused(admin_client: Any,
                                                                    app: Flask) -> None:
    assert admin_client.get("/admin/").status_code == 200
    cookie = admin_client.get_cookie("session")
    assert cookie is not None
    stolen = cookie.value
    page = admin_client.get("/admin/").get_data(as_text=True)
    response = admin_client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(OrganizerSession.id)) is None
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location


def test_login_gives_a_new_session_id(app: Flask, organizer: dict) -> None:
    client = app.test_client()
    assert login(client, organizer["email"]).status_code == 303
    with client.session_transaction() as cookie_session:
        first = cookie_session["sid"]
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    assert login(client, organizer["email"]).status_code == 303
    with client.session_transaction() as cookie_session:
        assert cookie_session["sid"] != first


def test_idle_sessions_expire(admin_client: Any, app: Flask) -> None:
    with app.app_context():
        for login_row in db.session.scalars(select(OrganizerSession)):
            login_row.last_seen_at = utcnow() - timedelta(
                minutes=app.config["ADMIN_IDLE_MINUTES"] + 1)
        db.session.commit()
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location
    with app.app_context():
        assert db.session.scalar(select(OrganizerSession.id)) is None


def test_session_cookie_flags(app_config: dict, database_url: str) -> None:
    from campaign import create_app

    app = create_app({**app_config, "BASE_URL": "https://petitions.example.org"})
    client = app.test_client()
    response = client.get("/login", base_url="https://petitions.example.org")
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_more_than_five_failed_logins_a_minute_are_refused(app: Flask, organizer: dict) -> None:
    statuses = []
    for attempt in range(7):
        # A fresh client each time: the limit is per account, not per browser.
        statuses.append(_password_step(app.test_client(), organizer["email"],
                                       f"wrong password {attempt}").status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    # Even the right password waits now: a guesser cannot tell a hit from a miss.
    assert _password_step(app.test_client(), organizer["email"]).status_code == 429
    # Another account is not affected.
    assert _password_step(app.test_client(), "someone-else@campaign.test",
                          "wrong password").status_code == 401


def test_two_factor_code_guessing_is_limited(app: Flask, organizer: dict) -> None:
    _set_secret(app, organizer["email"])
    client = app.test_client()
    assert _password_step(client, organizer["email"]).status_code == 303
    statuses = [_post_code(client, "/login/two-factor", f"{n:06d}").status_code
                for n in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_reset_two_factor_from_the_command_line(app: Flask, admin_client: Any,
                                                organizer: dict, runner: Any) -> None:
    result = runner.invoke(args=["organizer", "reset-two-factor", organizer["email"], "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        person = db.session.get(Organizer, organizer["id"])
        assert person.totp_secret is None
    # Logged out everywhere; the next login asks for a new set-up.
    assert admin_client.get("/admin/").status_code == 302
    response = _password_step(app.test_client(), organizer["email"])
    assert "/login/two-factor" in response.location
