"""Near-copies are flagged, sending is paced per office, and replies are tracked."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer import send_due
from campaign.models import Letter, LetterCampaign, OutboundEmail, ReplyStatus, Signatory
from campaign.services import jobs, letters, similarity
from campaign.services.signing import email_key
from tests.conftest import csrf_from
from tests.letter_factories import DEMO_SLUG, LetterWorld, make_campaign, make_letter_world

COPIED = ("I have followed this issue for years and I believe the regulation is our best chance "
          "to stop goods made by people in camps from reaching European shops.")
OWN = ("Last winter I bought a coat and later learned the cotton may have been picked by "
       "detained workers. I felt sick. I want to shop without that fear, and so do my children.")


@pytest.fixture
def world(app: Flask) -> LetterWorld:
    return make_letter_world(app, make_campaign(app))


def _draft(client: FlaskClient, legislator_id: int, name: str, email: str, paragraph: str) -> str:
    page = client.get(f"/letters/{DEMO_SLUG}/to/{legislator_id}")
    response = client.post(f"/letters/{DEMO_SLUG}/to/{legislator_id}", data={
        "name": name, "email": email, "town": "Paris", "personal_paragraph": paragraph,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def _send_myself(client: FlaskClient, draft_path: str, **extra: str) -> Any:
    page = client.get(draft_path).get_data(as_text=True)
    return client.post(f"{draft_path}/send", data={"method": "own-email",
                                                   "csrf_token": csrf_from(page), **extra})


def _similarity_figure(html: str) -> int:
    match = re.search(r'class="peer-similarity">(\d+)\s?%', html)
    assert match, html
    return int(match.group(1))


def test_near_copy_is_flagged_before_sending(client: FlaskClient, world: LetterWorld) -> None:
    dubois = world.legislators["dubois"]
    first = _draft(client, dubois, "Ana First", "ana@example.org", COPIED)
    assert "nearly a copy" not in client.get(first).get_data(as_text=True)
    assert _send_myself(client, first).status_code == 200

    # A second supporter pastes the same paragraph, changing one word.
    copy = _draft(client, dubois, "Ben Second", "ben@example.org",
                  COPIED.replace("for years", "for many years"))
    page = client.get(copy).get_data(as_text=True)
    assert "This letter is nearly a copy." in page
    figure = _similarity_figure(page)
    assert figure >= 80
    assert f"Your words are {figure}% similar to a letter this office has already received." in page
    nudged = _send_myself(client, copy)
    assert nudged.status_code == 409
    assert "nearly a copy" in nudged.get_data(as_text=True)
    assert _send_myself(client, copy, send_anyway="y").status_code == 200

    # A third writes their own paragraph: not flagged, low figure.
    personal = _draft(client, dubois, "Chloé Third", "chloe@example.org", OWN)
    page = client.get(personal).get_data(as_text=True)
    assert "nearly a copy" not in page
    personal_figure = _similarity_figure(page)
    assert personal_figure < 30
    assert _send_myself(client, personal).status_code == 200
    print(f"near-copy: {figure}% similar, flagged; personal: {personal_figure}% similar, not flagged")


def test_letter_that_is_only_the_template_is_flagged(app: Flask, client: FlaskClient,
                                                     world: LetterWorld) -> None:
    path = _draft(client, world.legislators["obriain"], "Dan", "dan@example.org", OWN)
    page = client.get(path).get_data(as_text=True)
    # The supporter removes their own paragraph again.
    body = re.search(r'name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    body = body.replace("&#39;", "'").replace(OWN.replace("'", "&#39;"), "").replace(OWN, "")
    response = client.post(path, data={"subject": "Subject", "body": body,
                                       "csrf_token": csrf_from(page)})
    assert response.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "Only 0% of it is in your own words." in page


@pytest.mark.backend_independent
def test_shingled_similarity() -> None:
    template = similarity.shingles("Dear Member, please enforce the ban on forced labour now.")
    letter = similarity.shingles("Dear Member, please enforce the ban on forced labour now. "
                                 "My family lived through it and I cannot forget it.")
    assert similarity.jaccard(letter, letter) == 1.0
    assert 0.4 < similarity.own_share(letter, template) < 0.7
    assert similarity.own_share(template, template) == 0.0
    assert similarity.peer_similarity(letter, template, [letter]) == 1.0
    other = similarity.shingles("Dear Member, please enforce the ban on forced labour now. "
                                "I teach history and my pupils ask me what we do about it.")
    assert similarity.peer_similarity(letter, template, [other]) < 0.2
    assert similarity.peer_similarity(template, template, [template]) == 1.0


def test_sending_is_paced_per_office(app: Flask) -> None:
    world = make_letter_world(app, make_campaign(app), hourly_limit_per_office=2)
    with app.app_context():
        session = db.session
        letter_campaign = session.get(LetterCampaign, world.letter_campaign_id)
        legislator = letters.addressee(session, letter_campaign, world.legislators["schmidt"])
        assert legislator is not None
        times = []
        for n in range(5):
            request = letters.LetterRequest(name=f"Writer {n}", email=f"w{n}@example.org",
                                            town="Berlin", personal_paragraph=f"{OWN} Number {n}.")
            letter = letters.start_letter(session, letter_campaign, legislator, request)
            times.append(letters.send_through_app(session, letter))
            session.commit()
        now = utcnow()
        assert all(t <= now for t in times[:2])
        assert times[2] >= times[0] + timedelta(hours=1)
        assert times[3] >= times[1] + timedelta(hours=1)
        assert times[4] >= times[2] + timedelta(hours=1)
        for start in times:
            in_hour = [t for t in times if start <= t < start + timedelta(hours=1)]
            assert len(in_hour) <= 2
        queued = session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "letter")
                                 .order_by(OutboundEmail.id)).all()
        assert [q.next_attempt_at for q in queued] == times
    assert send_due(app) == 2


def test_a_letter_writer_and_a_petition_signer_are_one_signatory(
        app: Flask, client: FlaskClient, world: LetterWorld) -> None:
    _draft(client, world.legislators["dubois"], "Eve", "Eve@Example.org", OWN)
    _draft(client, world.legislators["martin"], "Eve", "eve@example.org ", OWN)
    with app.app_context():
        people = db.session.scalars(select(Signatory)).all()
        assert [p.email_key for p in people] == [email_key("eve@example.org")]
        writers = {letter.signatory_id for letter in db.session.scalars(select(Letter))}
        assert writers == {people[0].id}


def _answer(client: FlaskClient, body: str, status: str) -> None:
    link = re.search(r"http://localhost(/letters/reply/\S+)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, data={"status": status,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 200
    assert "Thank you" in response.get_data(as_text=True)


def test_supporters_are_asked_about_replies(app: Flask, client: FlaskClient,
                                            admin_client: FlaskClient,
                                            organizer: dict[str, Any]) -> None:
    world = make_letter_world(app, organizer["campaign_id"])
    paths = [_draft(client, world.legislators["dubois"], f"Writer {n}", f"r{n}@example.org",
                    f"{OWN} ({n})") for n in range(3)]
    for path in paths:
        assert _send_myself(client, path, send_anyway="y").status_code == 200
    with app.app_context():
        rows = db.session.scalars(select(Letter).order_by(Letter.id)).all()
        # Two were sent 15 days ago, one yesterday.
        rows[0].sent_at = utcnow() - timedelta(days=15, minutes=1)
        rows[1].sent_at = utcnow() - timedelta(days=15)
        rows[2].sent_at = utcnow() - timedelta(days=1)
        db.session.commit()

    jobs.run_periodic(app)
    jobs.run_periodic(app)  # asks once only
    with app.app_context():
        questions = db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.kind == "letter-reply-question").order_by(OutboundEmail.id)).all()
        assert [q.to_address for q in questions] == ["r0@example.org", "r1@example.org"]
        assert questions[0].subject == "Did Claire Dubois answer your letter?"
        bodies = [q.body_text for q in questions]

    _answer(client, bodies[0], "replied")
    _answer(client, bodies[1], "no-reply")
    bad = client.get(re.search(r"http://localhost(/letters/reply/\S+)", bodies[0]).group(1)
                     .replace("/reply/", "/reply/x"))
    assert bad.status_code == 404
    with app.app_context():
        rows = db.session.scalars(select(Letter).order_by(Letter.id))
        statuses = [row.reply_status for row in rows]
        assert statuses == [ReplyStatus.REPLIED, ReplyStatus.NO_REPLY, ReplyStatus.UNKNOWN]

    page = admin_client.get(f"/admin/letters/{world.letter_campaign_id}").get_data(as_text=True)
    assert 'class="total-sent">3<' in page
    row = re.search(r"Claire Dubois.*?</tr>", page, re.S).group(0)
    assert '<td class="response-rate">50%</td>' in row


def test_abandoned_drafts_are_forgotten(app: Flask, client: FlaskClient,
                                        world: LetterWorld) -> None:
    old = _draft(client, world.legislators["dubois"], "Old Draft", "old@example.org", OWN)
    _draft(client, world.legislators["dubois"], "New Draft", "new@example.org", OWN)
    sent = _draft(client, world.legislators["martin"], "Old Sent", "sent@example.org", OWN)
    assert _send_myself(client, sent).status_code == 200
    with app.app_context():
        for letter in db.session.scalars(select(Letter)):
            if letter.supporter_name != "New Draft":
                letter.created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    jobs.run_periodic(app)
    with app.app_context():
        rows = {row.id: row for row in db.session.scalars(select(Letter))}
        names = sorted(row.supporter_name for row in rows.values())
        assert names == ["", "New Draft", "Old Sent"]
        forgotten = next(row for row in rows.values() if row.supporter_name == "")
        assert forgotten.signatory_id is None and forgotten.body == ""
        assert forgotten.personal_paragraph == "" and forgotten.ip_hash == ""
        counts = letters.counts_per_legislator(db.session, world.letter_campaign_id)
        assert sum(row.drafted for row in counts) == 2
    assert client.get(old).status_code == 410
