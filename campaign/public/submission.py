"""A validated sign form becomes a signature: shared by the petition page and its embed.

One transaction: the signature (or the one this person already made), with a new one the
consents ticked on the form and the words shown beside them, and the request for its
confirmation email, which the mail sender renders and sends. The caller answers the same
whatever happened, so that nobody learns who has signed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_locale
from werkzeug.exceptions import TooManyRequests

from campaign import mailer
from campaign.clients import client_ip, client_ip_hash
from campaign.context import this_app, this_request
from campaign.extensions import db
from campaign.models import Petition
from campaign.public.forms import SignForm
from campaign.ratelimit import limits_for
from campaign.services import abuse, consents, signing
from campaign.validators import nfc


def count_attempt() -> Callable[[], bool]:
    """Count a signing attempt from this client; the function returned tells, once called,
    whether it is past an abuse limit.

    Past the signing limit (SIGN_RATE_LIMIT per address) that function refuses the request
    with 429, and the view calls it before it writes or answers anything. Past an abuse limit
    (per address, per email domain) the signature is stored as flagged and answered as
    usual. Every attempt counts, valid or not, and all the counters move in one round trip
    to Redis, sent here and read by the function: the view checks the form meanwhile, so
    the worker does not sit waiting for Redis. Call the function exactly once, in a
    `finally`: a reply left unread costs the next counts a new Redis connection
    (RedisCounts._counting_connection).
    """
    app = this_app()
    limits = limits_for(app)
    counters = [limits.counter(app.config["SIGN_RATE_LIMIT"], "sign", client_ip()),
                *abuse.guard_for(app).counters("sign", ip_hash=client_ip_hash(),
                                               email=nfc(this_request().form.get("email", "")))]
    counted = limits.hit_many_later(counters)

    def past_abuse_limit() -> bool:
        within_limit, *within_abuse_limits = counted()
        if not within_limit:
            raise TooManyRequests()
        return not all(within_abuse_limits)

    return past_abuse_limit


def submit_signature(petition: Petition, form: SignForm, *, source: str, referrer: str,
                     consent_method: str, flagged: bool) -> None:
    """Record the signature from a validated form and ask for its confirmation email.

    Raises signing.PetitionClosedError when the petition stopped accepting signatures. A bot
    (the honeypot field filled in) is answered as usual and nothing is stored. A `flagged`
    signature (past an abuse limit: count_attempt) is kept for review, with the same answer.
    """
    if form.is_bot():
        return
    language = str(get_locale() or "en")
    ip_hash = client_ip_hash()
    assert db.engine is not None
    # No session unless needed: a wording seen for the first time is written in one.
    given = consents.given_on_form(db.engine, lambda: db.session, {
        "updates": (form.consent_updates.data, form.consent_updates.label.text),
        "show_name": (form.show_name.data, form.show_name.label.text)}, language=language)
    request = signing.SignatureRequest(
        name=form.name.data, email=form.email.data, country=form.country.data,
        postcode=form.postcode.data or "", consent_updates=form.consent_updates.data,
        show_name=form.show_name.data, source=source, referrer=referrer, ip_hash=ip_hash,
        language=language, consents=given, consent_method=consent_method)
    # One statement of its own on PostgreSQL (a new or known signer, a repeat), unless a
    # wording seen for the first time was just written in the session's transaction; else a
    # transaction.
    signed_at_once = not db.in_transaction() and signing.sign_at_once(
        db.autocommit_engine, petition, request, flagged=flagged)
    if not signed_at_once:
        signing.sign(db.session, petition, request, flagged=flagged)
        db.session.commit()
    mailer.dispatch()
