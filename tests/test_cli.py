"""The `campaign` command: accounts, petitions, the demo, purging, the worker."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from campaign.db import utcnow
from campaign.extensions import db
from campaign.models import Campaign, MailState, Organizer, OutboundEmail, Petition, Signature


def test_organizer_create_reads_the_password_from_stdin(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["organizer", "create", "Org@Example.org", "--password-stdin",
                                 "--campaign", "uyghur-rights"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        organizer = db.session.scalar(select(Organizer))
        assert organizer.email == "org@example.org"
        assert organizer.password_hash.startswith("$argon2id$")
        assert db.session.scalar(select(Campaign.slug)) == "uyghur-rights"
    again = runner.invoke(args=["organizer", "create", "org@example.org", "--password-stdin"],
                          input="a long enough password\n")
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["organizer", "create", "b@example.org", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def test_petitions_create_prints_the_slug(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["petitions", "create", "--title", "Free Ilham Tohti!",
                                 "--target", "The Government", "--goal", "5000"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "free-ilham-tohti"
    second = runner.invoke(args=["petitions", "create", "--title", "Free Ilham Tohti!",
                                 "--target", "The Government", "--goal", "5000"])
    assert second.output.strip() == "free-ilham-tohti-2"
    taken = runner.invoke(args=["petitions", "create", "--title", "X", "--target", "Y",
                                "--goal", "5", "--slug", "free-ilham-tohti"])
    assert taken.exit_code != 0 and "already used" in taken.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Petition.id))) == 2


def test_demo_twice_changes_nothing(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert first.output == second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Petition.id))) == 1
        assert db.session.scalar(select(func.count(Organizer.id))) == 1


def test_purge_removes_old_unconfirmed_signatures(app: Flask, runner, petition: dict) -> None:  # type: ignore[no-untyped-def]
    from campaign.services import signing

    with app.app_context():
        p = db.session.get(Petition, petition["id"])
        for i, age in enumerate([1, 20, 30]):
            outcome = signing.sign(db.session, p, signing.SignatureRequest(
                name="N", email=f"{i}@example.org", country="FR"))
            db.session.execute(update(Signature).where(Signature.id == outcome.signature_id)
                               .values(created_at=utcnow() - timedelta(days=age)))
        db.session.commit()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "would remove 2" in dry.output
    real = runner.invoke(args=["purge"])
    assert "removed 2" in real.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Signature.id))) == 1


def test_worker_sends_queued_mail(app: Flask, runner, smtp_server) -> None:  # type: ignore[no-untyped-def]
    from campaign.services.mail import queue_email

    with app.app_context():
        queue_email(db.session, to="x@example.org", subject="Hello", body="Body")
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert "sent 1 message(s)" in result.output
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "Hello"
    with app.app_context():
        assert db.session.scalar(select(OutboundEmail.state)) is MailState.SENT
