"""People across actions, consents, unsubscribing, data requests and erasure."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, func, select

from campaign import mailer
from campaign.db import Base
from campaign.extensions import db
from campaign.models import (
    Consent,
    ConsentText,
    OutboundEmail,
    Petition,
    PetitionCountryCount,
    Signatory,
    Signature,
)
from campaign.services import actions, privacy
from tests.conftest import MailSink, csrf_from, make_petition
from tests.signatory_factories import add_signature


def _sign_over_http(client: Any, slug: str, **fields: Any) -> Any:
    page = client.get(f"/petitions/{slug}")
    data = {"name": "Ayşe Tohti", "email": "ayse@example.org", "country": "BE",
            "postcode": "1000", "csrf_token": csrf_from(page.get_data(as_text=True))}
    data.update(fields)
    return client.post(f"/petitions/{slug}/sign", data=data)


def test_two_petitions_make_one_signatory_with_two_actions(app: Flask, organizer: dict) -> None:
    first = make_petition(app, organizer["campaign_id"], slug="first")
    second = make_petition(app, organizer["campaign_id"], slug="second")
    with app.app_context():
        add_signature(db.session, first, email="Ayse@Example.org")
        add_signature(db.session, second, email="ayse@example.org", confirm=False)
        db.session.commit()
        (signatory,) = db.session.scalars(select(Signatory)).all()
        listed = actions.actions_of(db.session, signatory.id)
        assert [(a.kind, a.details["petition"], a.state) for a in listed] == [
            ("signature", "first", "confirmed"), ("signature", "second", "pending")]
        download = privacy.held_data(db.session, signatory)
        assert [a["petition"] for a in download["actions"]] == ["first", "second"]


def _make_letter(session: Any, letter_model: Any, signatory_id: int, campaign_id: int) -> None:
    """A Letter row with every required column filled, whatever the letters module defines."""
    from campaign.models import Chamber, Legislator, LetterCampaign

    chamber = Chamber(slug="ep", name="European Parliament", country="EU", kind="eu-parliament")
    session.add(chamber)
    session.flush()
    legislator = Legislator(chamber_id=chamber.id, external_id="1", name="A. Member")
    letter_campaign = LetterCampaign(campaign_id=campaign_id, slug="write", title="Write",
                                     subject="Please act")
    session.add_all([legislator, letter_campaign])
    session.flush()
    referred = {"signatories": signatory_id, "legislators": legislator.id,
                "letter_campaigns": letter_campaign.id, "campaigns": campaign_id,
                "chambers": chamber.id}
    values: dict[str, Any] = {}
    for column in letter_model.__table__.columns:
        if column.primary_key or column.nullable or column.default is not None \
                or column.server_default is not None:
            if column.name == "signatory_id":
                values[column.name] = signatory_id
            continue
        foreign = next(iter(column.foreign_keys), None)
        if foreign is not None:
            values[column.name] = referred[foreign.column.table.name]
        elif hasattr(column.type, "enums") and column.type.enums:
            values[column.name] = column.type.enums[0]
        elif isinstance(column.type, JSON):
            values[column.name] = {}
        elif isinstance(column.type, (String, Text)):
            values[column.name] = "Dear member, please act."
        elif column.type.python_type is bool:
            values[column.name] = False
        elif column.type.python_type is int:
            values[column.name] = 0
        elif column.type.python_type is datetime:
            values[column.name] = datetime.now().astimezone()
        elif column.type.python_type is date:
            values[column.name] = date.today()
        else:
            values[column.name] = column.type.python_type()
    values["signatory_id"] = signatory_id
    session.execute(letter_model.__table__.insert().values(**values))


@pytest.mark.skipif(actions.letter_model() is None,
                    reason="needs campaign.models.letters.Letter with signatory_id "
                           "(the letters branch); enable after merging it")
def test_two_petitions_and_a_letter_are_one_signatory_with_three_actions(
        app: Flask, organizer: dict) -> None:
    first = make_petition(app, organizer["campaign_id"], slug="first")
    second = make_petition(app, organizer["campaign_id"], slug="second")
    with app.app_context():
        add_signature(db.session, first, email="ayse@example.org")
        add_signature(db.session, second, email="AYSE@example.org")
        signatory_id = db.session.scalar(select(Signatory.id))
        _make_letter(db.session, actions.letter_model(), signatory_id, organizer["campaign_id"])
        db.session.commit()
        assert db.session.scalar(select(func.count(Signatory.id))) == 1
        listed = actions.actions_of(db.session, signatory_id)
        assert sorted(a.kind for a in listed) == ["letter", "signature", "signature"]
        signatory = db.session.get(Signatory, signatory_id)
        download = privacy.held_data(db.session, signatory)
        assert sorted(a["kind"] for a in download["actions"]) == ["letter", "signature",
                                                                 "signature"]


def test_consents_are_recorded_with_the_wording_shown(app: Flask, petition: dict,
                                                      client: Any) -> None:
    _sign_over_http(client, petition["slug"], consent_updates="y", show_name="y")
    _sign_over_http(client, petition["slug"], email="other@example.org", consent_updates="y")
    with app.app_context():
        rows = db.session.execute(select(Consent.purpose, Consent.method, ConsentText.text)
                                  .join(ConsentText).order_by(Consent.id)).all()
        assert [(p, m) for p, m, _ in rows] == [("updates", "petition-form"),
                                                ("show_name", "petition-form"),
                                                ("updates", "petition-form")]
        assert rows[0][2] == "Send me updates about this campaign from the organizer"
        # The same wording is one versioned row, shared by everyone who saw it.
        assert db.session.scalar(select(func.count(ConsentText.id))) == 2
        # Each consent names its person and petition, given when they signed.
        recorded = db.session.execute(
            select(Consent.signatory_id, Consent.petition_id, Consent.given_at,
                   Consent.withdrawn_at, Signature.created_at)
            .join(Signature, Signature.signatory_id == Consent.signatory_id)
            .order_by(Consent.id)).all()
        assert {row.petition_id for row in recorded} == {petition["id"]}
        assert [row.signatory_id for row in recorded][:2] == [recorded[0].signatory_id] * 2
        assert recorded[2].signatory_id != recorded[0].signatory_id
        assert all(row.given_at == row.created_at and row.withdrawn_at is None
                   for row in recorded)
    # Signing again records nothing new: the consents go with a new signature only.
    _sign_over_http(client, petition["slug"], consent_updates="y", show_name="y")
    with app.app_context():
        assert db.session.scalar(select(func.count(Consent.id))) == 3


def test_every_supporter_email_unsubscribes_in_one_click(app: Flask, petition: dict,
                                                         client: Any,
                                                         smtp_server: MailSink) -> None:
    _sign_over_http(client, petition["slug"], consent_updates="y")
    mailer.send_due(app)
    (message,) = smtp_server.wait_for(1)
    link = re.search(r"(http://\S+/unsubscribe/\S+)", message.get_content()).group(1)
    # A long header is folded after its name; unfolded it is the link in angle brackets.
    assert str(message["List-Unsubscribe"]).strip() == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.replace("http://localhost", "")

    page = client.get(path)
    assert page.status_code == 200 and "Stop all emails" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Signature.consent_updates)) is True
    # What a mail client sends for RFC 8058 one-click: no form token, only this body.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Signature.consent_updates)) is False
        assert db.session.scalar(select(Consent.withdrawn_at)) is not None
    assert client.get("/unsubscribe/forged-token").status_code == 404


def test_a_data_request_does_the_same_work_whether_or_not_we_hold_data(
        app: Flask, petition: dict, client: Any) -> None:
    from tests.test_hot_paths import recorded_sql

    _sign_over_http(client, petition["slug"])
    statements = []
    for email in ("ayse@example.org", "nobody@example.org"):
        form = client.get(f"/petitions/{petition['slug']}/my-data").get_data(as_text=True)
        with recorded_sql(app) as sent:
            client.post(f"/petitions/{petition['slug']}/my-data",
                        data={"email": email, "csrf_token": csrf_from(form)})
        statements.append(sent)
    # The same statements, so the same time: its answer's delay tells nobody who signed.
    assert statements[0] == statements[1]
    assert not any("signatories" in statement for statement in statements[0])


def test_data_request_answers_the_same_whether_or_not_we_hold_data(
        app: Flask, petition: dict, client: Any, smtp_server: MailSink) -> None:
    _sign_over_http(client, petition["slug"])
    answers = []
    for email in ("ayse@example.org", "nobody@example.org"):
        form = client.get(f"/petitions/{petition['slug']}/my-data").get_data(as_text=True)
        answer = client.post(f"/petitions/{petition['slug']}/my-data",
                             data={"email": email, "csrf_token": csrf_from(form)})
        answers.append((answer.status_code, answer.headers["Location"]))
        followed = client.get(answer.headers["Location"]).get_data(as_text=True)
        assert "If we hold data for this address, we have sent a link to it." in followed
    assert answers[0] == answers[1]
    mailer.send_due(app)
    messages = smtp_server.wait_for(2)
    data_mails = [m for m in messages if "/my-data/" in m.get_content()]
    assert [m["To"] for m in data_mails] == ["ayse@example.org"]

    link = re.search(r"http://localhost(/my-data/\S+)", data_mails[0].get_content()).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "ayse@example.org" in page and "Ayşe Tohti" in page
    download = client.get(f"{link}.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    held = json.loads(download.get_data(as_text=True))
    assert held["email"] == "ayse@example.org"
    assert [a["kind"] for a in held["actions"]] == ["signature"]


def _text_values(session: Any) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text and JSON cell in the database."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(column.type, JSON):
                    value = json.dumps(value, ensure_ascii=False)
                found.append((table.name, column.name, str(getattr(value, "value", value))))
    return found


def test_erasure_leaves_no_trace_and_keeps_the_counts(app: Flask, organizer: dict,
                                                      client: Any) -> None:
    first = make_petition(app, organizer["campaign_id"], slug="first")
    second = make_petition(app, organizer["campaign_id"], slug="second")
    person = {"name": "Zhyldyz Qurbanova", "email": "zhyldyz.q@example.net",
              "postcode": "QX-7781", "ip_hash": "f00dfacecafe1234deadbeef5678abcd"}
    with app.app_context():
        for petition_id in (first, second):
            add_signature(db.session, petition_id, email=person["email"], name=person["name"],
                          postcode=person["postcode"], ip_hash=person["ip_hash"], country="KG",
                          consent_updates=True, referrer="https://news.example/zhyldyz")
        add_signature(db.session, first, email="someone.else@example.org", name="Other Person",
                      ip_hash="0123456789abcdef0123456789abcdef")
        signatory = db.session.scalar(select(Signatory).where(
            Signatory.email == person["email"]))
        privacy.request_data_link(db.session, person["email"], "en")
        db.session.commit()
        assert privacy.send_requested_data_links(db.session) == 1  # the link is emailed
        privacy.request_data_link(db.session, person["email"], "en")  # and asked for again
        db.session.commit()
        token = privacy.data_token(app.config["SECRET_KEY"], signatory.id)
        before = {p.slug: p.signature_count for p in db.session.scalars(select(Petition))}
        by_country = sorted(db.session.execute(select(PetitionCountryCount.petition_id,
                                                      PetitionCountryCount.country,
                                                      PetitionCountryCount.count)).all())
        assert any(person["email"] in v for _, _, v in _text_values(db.session))

    page = client.get(f"/my-data/{token}").get_data(as_text=True)
    refused = client.post(f"/my-data/{token}/erase", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 422
    erased = client.post(f"/my-data/{token}/erase",
                         data={"csrf_token": csrf_from(page), "sure": "y"})
    assert erased.status_code == 200

    with app.app_context():
        leftovers = [(table, column) for table, column, value in _text_values(db.session)
                     if any(secret.casefold() in value.casefold() for secret in person.values())]
        assert leftovers == []
        assert {p.slug: p.signature_count for p in db.session.scalars(select(Petition))} == before
        assert sorted(db.session.execute(select(PetitionCountryCount.petition_id,
                                                PetitionCountryCount.country,
                                                PetitionCountryCount.count)).all()) == by_country
        assert db.session.scalar(select(func.count(Signature.id))) == 3
        # The other signer is untouched.
        assert db.session.scalar(select(func.count(Signatory.id))) == 1
        assert db.session.scalar(select(func.count(OutboundEmail.id))) == 1
    # The link is dead once the person is gone.
    assert client.get(f"/my-data/{token}").status_code == 404


def test_purge_anonymises_petitions_closed_long_ago(app: Flask, organizer: dict,
                                                    runner: Any) -> None:
    old = make_petition(app, organizer["campaign_id"], slug="old")
    current = make_petition(app, organizer["campaign_id"], slug="current")
    with app.app_context():
        add_signature(db.session, old, email="only-old@example.org", name="Old Signer",
                      postcode="9999")
        add_signature(db.session, old, email="both@example.org", name="Both Signer")
        add_signature(db.session, current, email="both@example.org", name="Both Signer")
        petition = db.session.get(Petition, old)
        petition.state = petition.state.CLOSED
        petition.closed_at = datetime(2020, 1, 1).astimezone()
        db.session.commit()

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would anonymise 2 signature(s)" in dry.output
    assert "1 person(s) with nothing else left would be erased" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Signatory.id))) == 2

    done = runner.invoke(args=["purge"])
    assert "anonymised 2 signature(s)" in done.output
    with app.app_context():
        names = sorted(db.session.scalars(select(Signature.name)))
        assert names == ["", "", "Both Signer"]
        assert [s.email for s in db.session.scalars(select(Signatory))] == ["both@example.org"]
        assert db.session.get(Petition, old).signature_count == 2
