"""Background work through Redis and RQ: sending queued mail soon after it is queued.

The outbox table stays the source of truth: a job only says "there is mail to send", and the
worker also sweeps the outbox on a timer, so a lost job delays mail but never loses it.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, has_app_context
from rq import Queue, SimpleWorker

from campaign.redis_store import key, redis_for

log = logging.getLogger(__name__)

# While this key exists a send job is waiting, so a surge of signatures enqueues one job,
# not one per signature. The expiry is a safety net if a job is lost with the key still set.
_PENDING_TTL_SECONDS = 60
# A send job stops taking new batches after mailer.SENDING_ROUND_SECONDS, well within its
# timeout: a job timed out mid-batch would leave sent messages unrecorded, to be sent again.
_JOB_TIMEOUT_SECONDS = 300


def queue_for(app: Flask) -> Queue:
    """The app's RQ queue; its name carries the Redis prefix."""
    connection = redis_for(app)
    assert connection is not None, "the job queue needs CAMPAIGN_REDIS_URL"
    return Queue(key(app, "jobs"), connection=connection)




def enqueue_send_due(app: Flask) -> bool:
    """Ask a worker to send due mail, unless a request to do so is already waiting.

    After finding a job waiting, a process does not ask Redis again for
    MAIL_JOB_RECHECK_SECONDS: in a surge that saves a round trip per signature. Mail
    committed meanwhile is sent by the waiting job or, at the very end of a surge, by the
    next signature's job or the worker's outbox sweep.
    """
    seen = app.extensions.get("campaign_mail_job_seen_pending")
    if seen is not None and time.monotonic() - seen < app.config["MAIL_JOB_RECHECK_SECONDS"]:
        return False
    connection = redis_for(app)
    assert connection is not None
    if not connection.set(key(app, "mail-job-pending"), 1, nx=True, ex=_PENDING_TTL_SECONDS):
        app.extensions["campaign_mail_job_seen_pending"] = time.monotonic()
        return False
    queue_for(app).enqueue("campaign.jobqueue.send_due_job", job_timeout=_JOB_TIMEOUT_SECONDS,
                           result_ttl=0, failure_ttl=24 * 3600)
    return True


def send_due_job() -> int:
    """The job: send every due message in the outbox."""
    from campaign import mailer

    app = _job_app()
    connection = redis_for(app)
    assert connection is not None
    # Cleared before reading the outbox: mail committed after this line enqueues a new job,
    # mail committed before it is seen by the query below.
    connection.delete(key(app, "mail-job-pending"))
    sent = mailer.send_due(app, max_seconds=mailer.SENDING_ROUND_SECONDS)
    if mailer.mail_due(app):
        # A surge's backlog: a fresh job goes on with it (this one would soon be timed out).
        enqueue_send_due(app)
    return sent


def _job_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    from campaign import create_app

    return create_app()


def _sweep(app: Flask) -> None:
    """What the timer does: the outbox (mail whose job was lost or whose retry is due), then
    the periodic jobs."""
    from campaign import mailer
    from campaign.services import jobs

    # Bounded like a job, so that a long backlog does not hold back the periodic jobs.
    mailer.send_due(app, max_seconds=mailer.SENDING_ROUND_SECONDS)
    jobs.run_periodic(app)


def run_worker(app: Flask, interval: float, *, burst: bool = False) -> None:
    """Run the queue in this process, and sweep the outbox every `interval` seconds beside it."""
    worker = SimpleWorker([queue_for(app)], connection=redis_for(app))
    if burst:
        worker.work(burst=True, with_scheduler=False)
        _sweep(app)
        return
    stop = threading.Event()

    def sweep_forever() -> None:
        while not stop.wait(interval):
            try:
                _sweep(app)
            except Exception:  # noqa: BLE001 - keep sweeping; the next round retries
                log.exception("outbox sweep failed")

    sweeper = threading.Thread(target=sweep_forever, name="outbox-sweep", daemon=True)
    _sweep(app)
    sweeper.start()
    try:
        worker.work(with_scheduler=False)
    finally:
        stop.set()
