"""A validated sign form becomes a signature: shared by the petition page and its embed.

One transaction: the signature (or the one this person already made), with a new one the
consents ticked on the form and the words shown beside them, and the confirmation email in the
outbox. The caller answers the same whatever happened, so that nobody learns who has signed.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale

from campaign import mailer
from campaign.clients import client_ip_hash
from campaign.extensions import db
from campaign.models import Petition
from campaign.public.forms import SignForm
from campaign.services import abuse, consents, notifications, signing


def submit_signature(petition: Petition, form: SignForm, *, source: str, referrer: str,
                     consent_method: str) -> None:
    """Record the signature from a validated form and queue its confirmation email.

    Raises signing.PetitionClosedError when the petition stopped accepting signatures. A bot
    (the honeypot field filled in) is answered as usual and nothing is stored.
    """
    if form.is_bot():
        return
    language = str(get_locale() or "en")
    ip_hash = client_ip_hash()
    # Past a limit the signature is kept as flagged and the answer is the same.
    flagged = abuse.guard_for(current_app).over_limit("sign", ip_hash=ip_hash,
                                                      email=form.email.data)
    session = db.session
    given = consents.given_on_form(session, {
        "updates": (form.consent_updates.data, str(form.consent_updates.label.text)),
        "show_name": (form.show_name.data, str(form.show_name.label.text))}, language=language)
    outcome = signing.sign(session, petition, signing.SignatureRequest(
        name=form.name.data, email=form.email.data, country=form.country.data,
        postcode=form.postcode.data or "", consent_updates=form.consent_updates.data,
        show_name=form.show_name.data, source=source, referrer=referrer, ip_hash=ip_hash,
        language=language, consents=given, consent_method=consent_method),
        resend_limit=current_app.config["CONFIRM_RESEND_LIMIT"], flagged=flagged)
    if outcome.confirmation_queued and outcome.signature_id is not None:
        notifications.queue_confirmation(session, petition, outcome.signature_id,
                                         form.email.data, form.name.data, language,
                                         signatory_id=outcome.signatory_id)
    session.commit()
    mailer.dispatch()
