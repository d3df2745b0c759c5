"""Mail through Redis and RQ: a job per burst of signatures, the outbox as the source of truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign import jobqueue, mailer
from campaign.extensions import db
from campaign.models import ConfirmationRequest, MailState, OutboundEmail
from campaign.services.mail import BATCH_SIZE, queue_email
from tests.conftest import MailSink, csrf_from
from tests.servers import redis_prefix, redis_url


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with redis_prefix() as prefix:
        app_config.update(REDIS_URL=redis_url(), REDIS_PREFIX=prefix,
                          RATELIMIT_KEY_PREFIX=prefix)
        yield app_config


def _sign(client: FlaskClient, slug: str, email: str) -> None:
    page = client.get(f"/petitions/{slug}")
    response = client.post(f"/petitions/{slug}/sign", data={
        "name": "Ayşe Tohti", "email": email, "country": "BE",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 303


def _states(app: Flask) -> list[MailState]:
    with app.app_context():
        return list(db.session.scalars(select(OutboundEmail.state).order_by(OutboundEmail.id)))


def test_a_surge_of_signatures_enqueues_one_job_and_the_worker_sends_all(
        app: Flask, client: FlaskClient, petition: dict[str, Any], runner: Any,
        smtp_server: MailSink) -> None:
    for n in range(3):
        _sign(client, petition["slug"], f"person{n}@example.org")
    assert jobqueue.queue_for(app).count == 1
    with app.app_context():  # asked for; the worker renders them
        assert db.session.scalar(select(func.count(ConfirmationRequest.id))) == 3
    assert _states(app) == []

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.wait_for(3)) == 3
    assert _states(app) == [MailState.SENT] * 3
    assert jobqueue.queue_for(app).count == 0

    # The job cleared its mark: the next signature enqueues a new job (once this process
    # stops trusting what it last saw, a second after it in production).
    app.config["MAIL_JOB_RECHECK_SECONDS"] = 0
    _sign(client, petition["slug"], "later@example.org")
    assert jobqueue.queue_for(app).count == 1


def test_mail_whose_job_was_lost_is_sent_by_the_outbox_sweep(
        app: Flask, client: FlaskClient, petition: dict[str, Any], runner: Any,
        smtp_server: MailSink) -> None:
    _sign(client, petition["slug"], "lost@example.org")
    jobqueue.queue_for(app).empty()
    assert jobqueue.queue_for(app).count == 0

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "lost@example.org"
    assert _states(app) == [MailState.SENT]


def test_a_job_that_runs_out_of_time_leaves_a_new_job_for_the_rest(
        app: Flask, smtp_server: MailSink, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["MAIL_CONNECTIONS"] = 1
    with app.app_context():
        for n in range(BATCH_SIZE + 5):
            queue_email(db.session, to=f"person{n}@example.org", subject="Please confirm",
                        body="Please confirm your signature.")
        db.session.commit()
        # Out of time after its first batch, as a job is in a long surge.
        monkeypatch.setattr(mailer, "SENDING_ROUND_SECONDS", 0)
        assert jobqueue.send_due_job() == BATCH_SIZE
        assert jobqueue.queue_for(app).count == 1
        monkeypatch.setattr(mailer, "SENDING_ROUND_SECONDS", 120)
        assert jobqueue.send_due_job() == 5
        assert jobqueue.queue_for(app).count == 1  # the job a worker would now run finds nothing
    assert len(smtp_server.wait_for(BATCH_SIZE + 5)) == BATCH_SIZE + 5
    assert _states(app) == [MailState.SENT] * (BATCH_SIZE + 5)


def test_readyz_checks_redis(client: FlaskClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_readyz_says_unavailable_when_redis_is_down(app: Flask, client: FlaskClient) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("campaign_redis", None)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["redis"].startswith("error")
