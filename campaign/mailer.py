"""Getting queued mail out: right after the response in development, by the worker otherwise."""

from __future__ import annotations

import logging

from flask import Flask, after_this_request, current_app
from flask.typing import ResponseReturnValue

from campaign import jobqueue
from campaign.services import notifications, privacy
from campaign.services.mail import Transport, deliver_due

log = logging.getLogger(__name__)


def transport(app: Flask) -> Transport:
    return Transport(app.config["SMTP_URL"], app.config["OUTBOX_DIR"])


def send_due(app: Flask) -> int:
    """Send every message that is due, in a session of its own, after queuing what web
    requests asked for (models/mail_requests.py): re-sent confirmations, data links."""
    from campaign.extensions import db

    with app.app_context():
        session = db.new_session()
        try:
            notifications.queue_requested_resends(session, app.config["CONFIRM_RESEND_LIMIT"])
            privacy.send_requested_data_links(session)
            return deliver_due(session, transport(app), app.config["MAIL_FROM"],
                               app.config["MAIL_MAX_ATTEMPTS"])
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
