"""Getting queued mail out: right after the response in development, by the worker otherwise."""

from __future__ import annotations

import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, after_this_request, current_app
from flask.typing import ResponseReturnValue

from campaign import jobqueue
from campaign.services import notifications, privacy
from campaign.services.mail import BATCH_SIZE, Transport, deliver_due, due_count

log = logging.getLogger(__name__)


# How long one round of sending takes new batches, where something else waits for its end: a
# job (timed out after jobqueue's limit) or the worker's periodic jobs.
SENDING_ROUND_SECONDS = 120


def transport(app: Flask) -> Transport:
    return Transport(app.config["SMTP_URL"], app.config["OUTBOX_DIR"], app.config["SMTP_CA_FILE"])


def send_due(app: Flask, max_seconds: float | None = None) -> int:
    """Send every message that is due, after queuing what web requests asked for
    (models/mail_requests.py): confirmations, data links.

    MAIL_CONNECTIONS senders share the outbox, each with a session and an SMTP connection of
    its own: a message waits for several answers from the mail server, and a server far away
    takes tens of milliseconds for each. With `max_seconds`, they stop taking new batches after
    that long (a job's time limit); `mail_due` tells whether some were left.
    """
    from campaign.extensions import db

    deadline = None if max_seconds is None else time.monotonic() + max_seconds

    def deliver() -> int:
        session = db.new_session()
        try:
            return deliver_due(session, transport(app), app.config["MAIL_FROM"],
                               app.config["MAIL_MAX_ATTEMPTS"], deadline=deadline)
        finally:
            session.close()

    with app.app_context():
        session = db.new_session()
        try:
            notifications.queue_requested_confirmations(session,
                                                        app.config["CONFIRM_RESEND_LIMIT"])
            privacy.send_requested_data_links(session)
            # One sender per batch waiting, up to the setting: after a single signature, one.
            connections = app.config["MAIL_CONNECTIONS"]
            senders = math.ceil(due_count(session, connections * BATCH_SIZE) / BATCH_SIZE)
        finally:
            session.close()
        if senders <= 1:
            return deliver()
        with ThreadPoolExecutor(senders, thread_name_prefix="mail-sender") as pool:
            return sum(pool.map(lambda _: deliver(), range(senders)))


def mail_due(app: Flask) -> bool:
    """Whether a message in the outbox is due now."""
    from campaign.extensions import db

    with app.app_context():
        session = db.new_session()
        try:
            return due_count(session, 1) > 0
        finally:
            session.close()


def dispatch() -> None:
    """Call after committing queued mail: sends it once the response is out, when inline;
    with Redis, asks a worker to send it now rather than at its next outbox sweep."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["MAIL_DELIVERY"] != "inline":
        if app.config["REDIS_URL"]:
            try:
                jobqueue.enqueue_send_due(app)
            except Exception:  # noqa: BLE001 - the mail is committed; the sweep sends it
                log.exception("could not enqueue the mail job; the outbox sweep will send it")
        return

    @after_this_request
    def _send_when_closed(response: ResponseReturnValue):  # type: ignore[no-untyped-def]
        def _send() -> None:
            try:
                send_due(app)
            except Exception:  # noqa: BLE001 - the outbox keeps it; the worker retries
                log.exception("inline mail delivery failed; the message stays queued")

        response.call_on_close(_send)  # type: ignore[union-attr]
        return response


def init_app(app: Flask) -> None:
    app.extensions["campaign_mailer"] = True
