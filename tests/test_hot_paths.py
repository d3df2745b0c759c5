"""The petition page, its JSON and signing do constant work, whatever the petition's size."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from campaign.extensions import db
from tests.conftest import csrf_from


@contextmanager
def recorded_sql(app: Flask) -> Iterator[list[str]]:
    """Every statement the app sends to the database inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).lower())

    engines = [engine for engine in (db.engine, db.autocommit_engine) if engine is not None]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _touching_signatures(statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(r"\bsignatures\b", s)]


# On PostgreSQL the sign statement recognises a repeat by its signature, found by its unique
# key (petition, signatory): constant work, whatever the petition's size.
_SIGNATURE_BY_KEY = re.compile(r"from signatures as signed where signed\.petition_id = \S+ "
                               r"and signed\.signatory_id = \(select id from signatory\)")


def reads_signatures(statement: str) -> bool:
    """Whether a statement reads the signatures table other than one row by its key."""
    return re.search(r"\bfrom signatures\b", _SIGNATURE_BY_KEY.sub("", statement)) is not None


def test_page_json_and_sign_never_count_or_read_signatures(app: Flask, client: FlaskClient,
                                                           petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    with recorded_sql(app) as statements:
        page = client.get(f"/petitions/{slug}")
        client.get(f"/petitions/{slug}.json")
    assert page.status_code == 200
    assert _touching_signatures(statements) == []
    assert not any("count(" in s for s in statements)

    with recorded_sql(app) as statements:
        signed = client.post(f"/petitions/{slug}/sign", data={
            "name": "Ayşe Tohti", "email": "ayse@example.org", "country": "BE",
            "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert signed.status_code == 303
    # One statement writes the signature (on PostgreSQL together with its signatory) and
    # none reads the signatures table.
    touching = _touching_signatures(statements)
    assert len(touching) == 1 and "insert into signatures" in touching[0], touching
    assert not any(reads_signatures(s) for s in statements)
    assert not any("count(" in s for s in statements)
    # The confirmation is asked for in the same transaction; the mail sender renders it.
    assert any("insert into confirmation_requests" in s for s in statements)
    assert not any("outbound_emails" in s for s in statements)


def test_on_postgresql_a_signer_new_or_known_is_one_written_statement(
        app: Flask, petition: dict[str, Any], organizer: dict[str, Any],
        database_url: str) -> None:
    """Signatory, signature, consents and the request for the confirmation: one statement,
    one round trip (once the process has learnt the consent wording's row), also for someone
    who signed another petition before."""
    from tests.conftest import make_petition

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes a statement per table")
    second = make_petition(app, organizer["campaign_id"], slug="second")
    with app.app_context():
        from campaign.models import Petition

        second_slug = db.session.get_one(Petition, second).slug
    # The first signer of each petition writes its consent wording's row, in a transaction.
    for n, (slug, email) in enumerate([
            (petition["slug"], "ayse0@example.org"), (second_slug, "nur@example.org"),
            (petition["slug"], "ayse1@example.org"), (second_slug, "ayse0@example.org")]):
        client = app.test_client()
        page = client.get(f"/petitions/{slug}")
        with recorded_sql(app) as statements:
            signed = client.post(f"/petitions/{slug}/sign", data={
                "name": "Ayşe Tohti", "email": email, "country": "BE",
                "consent_updates": "y", "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert signed.status_code == 303
        if n < 2:
            continue
        writes = [s for s in statements if s.startswith(("insert", "update", "with", "delete"))]
        assert len(writes) == 1, statements
        assert all(f"insert into {table}" in writes[0]
                   for table in ("signatories", "signatures", "consents", "confirmation_requests"))


def test_on_postgresql_a_repeat_finds_its_signature_without_reading_the_petitions(
        app: Flask, petition: dict[str, Any], database_url: str) -> None:
    """The sign statement's lookup of an earlier signature is planned as one lookup, not as
    a hash of every signature of the petition (which PostgreSQL chose while the person's id
    was a column of the row at hand: a repeat then cost more the bigger the petition)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's planner")
    plans: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "insert into confirmation_requests" in statement.lower():
            with conn.connection.dbapi_connection.cursor() as explaining:
                explaining.execute("EXPLAIN " + statement, parameters)
                plans.append("\n".join(row[0] for row in explaining.fetchall()))

    for n in range(30):
        assert _sign_once(app, petition["slug"], f"signer{n}@example.org") == 303
    assert db.autocommit_engine is not None
    event.listen(db.autocommit_engine, "before_cursor_execute", explain)
    try:
        assert _sign_once(app, petition["slug"], "signer7@example.org") == 303
    finally:
        event.remove(db.autocommit_engine, "before_cursor_execute", explain)
    assert len(plans) == 1
    assert "hashed subplan" not in plans[0].lower(), plans[0]


def _sign_once(app: Flask, slug: str, email: str) -> int:
    client = app.test_client()
    page = client.get(f"/petitions/{slug}")
    return client.post(f"/petitions/{slug}/sign", data={
        "name": "Ayşe Tohti", "email": email, "country": "BE", "consent_updates": "y",
        "csrf_token": csrf_from(page.get_data(as_text=True))}).status_code


def test_repeated_views_of_an_unchanged_petition_cost_one_lookup(
        app: Flask, client: FlaskClient, petition: dict[str, Any]) -> None:
    slug = petition["slug"]
    client.get(f"/petitions/{slug}")
    client.get(f"/petitions/{slug}.json")
    with recorded_sql(app) as statements:
        client.get(f"/petitions/{slug}")
        client.get(f"/petitions/{slug}.json")
    selects = [s for s in statements if s.startswith("select")]
    assert len(selects) == 2, statements
    assert all("from petitions" in s for s in selects)


def test_cached_page_gives_every_visitor_a_token_of_their_own(
        app: Flask, petition: dict[str, Any]) -> None:
    first, second = app.test_client(), app.test_client()
    page_one = first.get("/petitions/free-them").get_data(as_text=True)
    page_two = second.get("/petitions/free-them").get_data(as_text=True)
    token_one, token_two = csrf_from(page_one), csrf_from(page_two)
    assert token_one != token_two
    assert page_one.replace(token_one, "") == page_two.replace(token_two, "")
    # Each token works with its own session only.
    data = {"name": "A B", "email": "ab@example.org", "country": "BE"}
    assert second.post("/petitions/free-them/sign",
                       data={**data, "csrf_token": token_one}).status_code == 400
    assert first.post("/petitions/free-them/sign",
                      data={**data, "csrf_token": token_one}).status_code == 303


def test_cached_page_in_a_non_latin_script_arrives_whole(
        app: Flask, petition: dict[str, Any]) -> None:
    # The page is kept as UTF-8 around the token: the Uyghur page must decode as it was written.
    visitor = app.test_client()
    first = visitor.get("/ug/petitions/free-them")
    again = visitor.get("/ug/petitions/free-them")
    assert first.status_code == again.status_code == 200
    assert first.mimetype == "text/html" and first.mimetype_params == {"charset": "utf-8"}
    page = first.get_data(as_text=True)
    assert 'lang="ug"' in page and "ئىمزا" in page  # "signature" in the sign form
    assert page == again.get_data(as_text=True)  # one visitor: the same token twice


def test_sign_forms_built_from_the_same_fields_keep_their_own_data_and_errors(
        app: Flask) -> None:
    # SignForm copies its fields as first built (formcache.CachedTranslationsMeta): what one
    # request typed and got wrong must never show on another's form.
    from campaign.public.forms import SignForm

    def filled(data: dict[str, str], language: str = "en") -> SignForm:
        with app.test_request_context(f"/petitions/free-them/sign?lang={language}", method="POST",
                                      data=data):
            form = SignForm(meta={"csrf": False})
            form.validate()
            form.rendered = str(form.name.label)  # type: ignore[attr-defined]
            return form

    first = filled({"name": "Ayşe Tohti", "email": "not an address", "country": "BE"})
    second = filled({"name": "", "email": "b@example.org", "country": "DE"}, language="de")
    assert (first.name.data, second.name.data) == ("Ayşe Tohti", "")
    assert (first.country.data, second.country.data) == ("BE", "DE")
    assert set(first.errors) == {"email"} and set(second.errors) == {"name"}
    assert first.name is not second.name
    assert first.name._form is first and second.name._form is second
    assert ">Full name<" in first.rendered and ">Vollständiger Name<" in second.rendered


def test_country_placeholder_is_translated_for_each_language(
        app: Flask, petition: dict[str, Any]) -> None:
    # The choices are made once per language (forms._country_choices), never once for all.
    visitor = app.test_client()
    english, german, english_again = (
        visitor.get(f"/{language}/petitions/free-them").get_data(as_text=True)
        for language in ("en", "de", "en"))
    assert ">Choose your country</option>" in english
    assert ">Wählen Sie Ihr Land</option>" in german and "Choose your country" not in german
    assert ">Choose your country</option>" in english_again


def test_proxies_read_the_proxied_object_as_werkzeug_does(app: Flask) -> None:
    """campaign.context.read_proxies_directly: the same answers, errors and fallbacks."""
    from flask import g, request, session

    with app.test_request_context("/petitions/x?source=share-email"):
        assert request.path == "/petitions/x" and request.args["source"] == "share-email"
        assert not hasattr(g, "missing") and g.get("missing", 1) == 1
        g.value = 2
        assert g.value == 2 and "value" in g
        assert session.get("csrf_token") is None and bool(request)
        assert isinstance(request._get_current_object(), app.request_class)
        with pytest.raises(AttributeError):
            _ = request.no_such_attribute
    with pytest.raises(RuntimeError):
        _ = request.path
    assert not bool(request) and "unbound" in repr(request)
