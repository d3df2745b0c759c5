"""Input the app must refuse or carry unchanged: open redirects, header injection, field caps,
NFC and the byte-identical round trip of names in many scripts."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from email import message_from_bytes, policy
from typing import Any

import flask_wtf.csrf
import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import Length

import campaign
from campaign import mailer, tokens
from campaign.extensions import db
from campaign.models import OutboundEmail, Signatory, Signature
from campaign.services.mail import HeaderInjectionError, build_message, queue_email
from campaign.validators import PlainText, nfc
from tests.conftest import MailSink, csrf_from
from tests.multilingual import CHANNELS, NAMES, assert_names_intact, channel

OPEN_REDIRECTS = [
    "//evil.com", "///evil.com", "////evil.com", "/\\evil.com", "\\\\evil.com", "\\/evil.com",
    "/\\/evil.com", "https:evil.com", "https://evil.com", "http:/evil.com", "%2F%2Fevil.com",
    "/%2F%2Fevil.com", "/%09/evil.com", "/\t/evil.com", "\t//evil.com", " //evil.com",
    "/\n/evil.com", "/\r\n/evil.com", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "//evil.com/%2F..", "/.evil.com",
    "https://localhost@evil.com", "//localhost@evil.com", "/@evil.com", "//%65vil.com",
    "/\u3002evil.com", "//evil%E3%80%82com", "/admin/../..//evil.com", "evil.com",
    "\x00//evil.com", "/%5Cevil.com", "/%5C%5Cevil.com", "/admin\\@evil.com",
]


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_open_redirect_payloads_are_refused(app: Flask, payload: str) -> None:
    from campaign.auth.sessions import safe_next_url

    with app.test_request_context():
        assert safe_next_url(payload) == "/admin/", payload


def test_login_redirects_only_to_own_pages(app: Flask, client: Any, organizer: dict) -> None:
    from urllib.parse import quote

    for payload in ["//evil.com", "/\\evil.com", "https:evil.com", "%2F%2Fevil.com",
                    "/%09/evil.com", "javascript:alert(1)"]:
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        fresh = app.test_client()
        page = fresh.get("/login")
        response = fresh.post(f"/login?next={quote(payload, safe='')}",
                              data={"email": organizer["email"], "password": organizer["password"],
                                    "csrf_token": csrf_from(page.get_data(as_text=True))},
                              follow_redirects=False)
        assert response.status_code == 303
        # The password step hands the target on to the code step, still checked.
        assert "evil" not in response.location.split("next=")[0]
        from tests.conftest import pass_two_factor
        final = pass_two_factor(fresh, organizer["email"], response.location)
        assert final.status_code == 303 and final.location == "/admin/", (payload, final.location)
    with app.test_request_context():
        from campaign.auth.sessions import safe_next_url
        assert safe_next_url("/admin/outbox") == "/admin/outbox"
        assert safe_next_url("/admin/petitions/1?tab=2") == "/admin/petitions/1?tab=2"


# -- every text field is capped, normalised, and names and subjects refuse invisible text ---

def _all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(campaign.__path__, "campaign."):
        importlib.import_module(module.name)
    found: list[type[FlaskForm]] = []
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        found.append(form)
        pending.extend(form.__subclasses__())
    return [f for f in found if f.__module__.startswith("campaign.")]


def test_every_text_field_is_capped_and_normalised(app: Flask) -> None:
    problems = []
    forms = _all_forms()
    assert len(forms) >= 4
    with app.test_request_context():
        for form_class in forms:
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:  # forms bound to an object take its id first (EmbedSignForm)
                form = form_class(0, meta={"csrf": False})
            for field in form:
                if not isinstance(field, StringField):
                    continue
                where = f"{form_class.__module__}.{form_class.__name__}.{field.name}"
                caps = [v for v in field.validators if isinstance(v, Length) and v.max > 0]
                if not caps:
                    problems.append(f"{where}: no Length(max=...)")
                if not isinstance(field, PasswordField) and nfc not in field.filters:
                    problems.append(f"{where}: no nfc filter")
                if field.name in ("name", "subject", "title") and \
                        not any(isinstance(v, PlainText) for v in field.validators):
                    problems.append(f"{where}: no PlainText() validator")
    assert not problems, "\n".join(problems)


def _sign(client: Any, slug: str, name: str, email: str) -> Any:
    page = client.get(f"/petitions/{slug}")
    return client.post(f"/petitions/{slug}/sign", data={
        "name": name, "email": email, "country": "BE",
        "csrf_token": csrf_from(page.get_data(as_text=True))})


@pytest.mark.parametrize("name", ["Evil\u202eNAME", "Ann\u0000Bob", "Ann\nBob", "Ann\rBcc: x",
                                  "\u2066Bob\u2069", "Bob\u200f", "Ann\u0085Bob",
                                  "=?utf-8?q?Ann=0D=0ABcc:_evil@example.org?="])
def test_names_with_control_or_bidi_or_encoded_newlines_are_refused(
        app: Flask, client: Any, petition: dict, name: str) -> None:
    response = _sign(client, petition["slug"], name, "person@example.org")
    # 422 from the form; NUL is refused (400) before any view, as PostgreSQL cannot store it.
    assert response.status_code == (400 if "\x00" in name else 422)
    with app.app_context():
        assert db.session.scalar(select(Signature.id)) is None


@pytest.mark.parametrize("email", ["=?utf-8?q?x=0D=0ABcc:_evil@example.org?=@example.org",
                                   "\"a\r\nbcc: evil@example.org\"@example.org",
                                   "a@example.org\r\nBcc: evil@example.org",
                                   "a@example.org, evil@example.org"])
def test_email_addresses_that_could_inject_headers_are_refused(
        app: Flask, client: Any, petition: dict, email: str) -> None:
    response = _sign(client, petition["slug"], "Ann Bob", email)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(OutboundEmail.id)) is None


@pytest.mark.backend_independent
@pytest.mark.parametrize("value", ["a\r\nBcc: x@evil", "x\n", "=?utf-8?b?DQpCY2M6IHhAZXZpbA==?=",
                                   "=?UTF-8?Q?=0A?=", "a\u2028b", "nul\x00"])
def test_check_header_value_refuses_breakers(value: str) -> None:
    from campaign.services.mail import check_header_value

    with pytest.raises(HeaderInjectionError):
        check_header_value(value)


def test_queue_email_refuses_injected_headers(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(HeaderInjectionError):
            queue_email(db.session, to="a@example.org", subject="Hi =?utf-8?q?=0D=0A?=", body="")
        with pytest.raises(HeaderInjectionError):
            queue_email(db.session, to="a@example.org\nBcc: b@evil", subject="Hi", body="")


# List-Unsubscribe(-Post): one-click withdrawal of consent from any supporter email (RFC 8058).
EXPECTED_HEADERS = ["Content-Transfer-Encoding", "Content-Type", "Date", "From",
                    "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version",
                    "Message-ID", "Subject", "To"]


def test_confirmation_email_has_exactly_the_expected_headers(
        app: Flask, client: Any, petition: dict, smtp_server: MailSink) -> None:
    # The organizer-written title tries to smuggle a header through an encoded word.
    with app.app_context():
        from campaign.models import Petition

        row = db.session.get(Petition, petition["id"])
        row.title = "Free them =?utf-8?q?=0D=0ABcc:_evil@example.org?= now\r\nBcc: evil@example.org"
        db.session.commit()
    response = _sign(client, petition["slug"], "Ayşe Tohti", "ayse@example.org")
    assert response.status_code == 303
    mailer.send_due(app)
    (message,) = smtp_server.wait_for(1)
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["ayse@example.org"]
    assert sorted(message.keys()) == EXPECTED_HEADERS
    assert message["To"] == "ayse@example.org"
    assert message["From"] == app.config["MAIL_FROM"]
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    # The header block as sent: no line of it starts a header we did not write.
    head = envelope.content.split(b"\r\n\r\n", 1)[0].decode()
    names = {line.split(":", 1)[0] for line in head.splitlines() if line[:1] not in (" ", "\t")}
    assert sorted(names) == EXPECTED_HEADERS, head


def test_build_message_header_set_is_fixed(app: Flask) -> None:
    with app.app_context():
        email_id = queue_email(db.session, to="a@example.org", subject="Über Ünïcödé subject",
                               body="Body", reply_to="")
        db.session.commit()
        email = db.session.get_one(OutboundEmail, email_id)
        parsed = message_from_bytes(build_message(email, "Campaign <noreply@campaign.test>")
                                    .as_bytes(), policy=policy.default)
    assert sorted(parsed.keys()) == [h for h in EXPECTED_HEADERS if not h.startswith("List-")]
    assert parsed["Subject"] == "Über Ünïcödé subject"


# -- names in many scripts, byte-identical through every channel -----------------------------

@channel("database")
def _from_database(app: Flask, signature_ids: list[int]) -> str:
    with app.app_context():
        return "\n".join(db.session.scalars(select(Signature.name)
                                            .where(Signature.id.in_(signature_ids))))


@channel("confirmation email")
def _from_email(app: Flask, signature_ids: list[int]) -> str:
    app.extensions["test_smtp"].wait_for(len(NAMES))
    return "\n".join(m.get_content() for m in app.extensions["test_smtp"].messages)


def test_names_in_many_scripts_pass_through_byte_identical(
        app: Flask, client: Any, petition: dict, smtp_server: MailSink) -> None:
    app.extensions["test_smtp"] = smtp_server
    for number, (typed, _expected) in enumerate(NAMES):
        response = _sign(client, petition["slug"], typed, f"signer{number}@example.org")
        assert response.status_code == 303, response.get_data(as_text=True)
    mailer.send_due(app)
    with app.app_context():
        ids = list(db.session.scalars(select(Signature.id).join(Signatory)
                                      .order_by(Signatory.email)))
        stored = db.session.scalars(select(Signature.name)).all()
    assert all(unicodedata.is_normalized("NFC", name) for name in stored)
    for name, produce in CHANNELS.items():
        assert_names_intact(produce(app, ids), name)


def test_forms_refuse_a_wrong_or_missing_csrf_token(app: Flask, client: Any,
                                                    petition: dict) -> None:
    page = client.get(f"/petitions/{petition['slug']}")
    good = csrf_from(page.get_data(as_text=True))
    fields = {"name": "Ann Bob", "email": "ann@example.org", "country": "BE"}
    for token in ("wapiti", good[:-2] + "xx", ""):
        response = client.post(f"/petitions/{petition['slug']}/sign",
                               data={**fields, "csrf_token": token})
        assert response.status_code == 400
        assert "Form expired" in response.get_data(as_text=True)
    # A token from another browser's session is refused too.
    other = app.test_client()
    url = f"/petitions/{petition['slug']}/sign"
    response = other.post(url, data={**fields, "csrf_token": good})
    assert response.status_code == 400
    # An expired one too (Flask-WTF checks it with the serializer shared per key: formcache).
    time_limit, app.config["WTF_CSRF_TIME_LIMIT"] = app.config["WTF_CSRF_TIME_LIMIT"], -1
    assert client.post(url, data={**fields, "csrf_token": good}).status_code == 400
    app.config["WTF_CSRF_TIME_LIMIT"] = time_limit
    with app.app_context():
        assert db.session.scalar(select(Signature.id)) is None
    response = client.post(url, data={**fields, "csrf_token": good})
    assert response.status_code == 303
    assert (flask_wtf.csrf.URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
            is tokens.serializer(app.secret_key, "wtf-csrf-token"))
