"""Emails the toolkit sends to supporters and organizers, rendered from templates/emails/."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.context import this_app
from campaign.db import take_batch
from campaign.i18n import LANGUAGES, text_direction
from campaign.models import ConfirmationRequest, Petition, Signatory, Signature
from campaign.services.mail import add_to_outbox
from campaign.services.petition_translations import content_for
from campaign.services.signing import confirmation_token, count_confirmation_send


def queue_confirmation(session: Session, petition: Petition, signature_id: int, email: str,
                       name: str, language: str = "en", signatory_id: int | None = None
                       ) -> None:
    """Queue the double opt-in email with its confirmation link now (an approved flagged
    signature); signing asks the mail sender for it instead (queue_requested_confirmations)."""
    if signatory_id is None:  # the sign path passes it; others look it up
        signature = session.get(Signature, signature_id)
        signatory_id = signature.signatory_id if signature else None
    add_to_outbox(session.connection(), confirmation_email(
        session, petition, signature_id, email, name, language, signatory_id))


def queue_requested_confirmations(session: Session, send_limit: int) -> int:
    """Turn the confirmations asked for by signatures, first or repeated, into emails.

    An email goes out only while the signature is pending and within `send_limit` sends in
    all; otherwise the request just goes. Returns how many emails were queued. Runs before
    the outbox is sent (mailer.send_due), a batch of requests per transaction: after a surge
    there is one for every signature.
    """
    queued = 0
    petitions: dict[int, Petition | None] = {}
    while requests := take_batch(session, ConfirmationRequest, ConfirmationRequest.petition_id,
                                 ConfirmationRequest.signatory_id, ConfirmationRequest.language):
        conn = session.connection()
        addresses = {signatory_id: email for signatory_id, email in session.execute(
            select(Signatory.id, Signatory.email)
            .where(Signatory.id.in_({signatory_id for _, signatory_id, _ in requests})))}
        for petition_id, signatory_id, language in requests:
            due = count_confirmation_send(conn, petition_id, signatory_id, send_limit)
            if due is None:
                continue
            if petition_id not in petitions:
                petitions[petition_id] = session.get(Petition, petition_id)
            petition = petitions[petition_id]
            if petition is not None and signatory_id in addresses:
                signature_id, name = due
                add_to_outbox(conn, confirmation_email(session, petition, signature_id,
                                                       addresses[signatory_id], name, language,
                                                       signatory_id))
                queued += 1
        session.commit()
    return queued


def confirmation_email(session: Session, petition: Petition, signature_id: int, email: str,
                       name: str, language: str, signatory_id: int | None) -> dict[str, Any]:
    """The outbox row of the double opt-in email: its links name the signature and person."""
    from campaign.services import supporter_mail

    config = this_app().config
    token = confirmation_token(config["SECRET_KEY"], signature_id)
    # The link keeps the language the supporter signed in, so the confirm page speaks it too.
    prefix = f"/{language}" if language in LANGUAGES else ""
    link = f"{config['BASE_URL'].rstrip('/')}{prefix}/confirm/{token}"
    title = content_for(session, petition, language).title
    if text_direction(language) == "rtl":
        # A Latin name inside right-to-left text must not reorder the words around it.
        name, title = _isolated(name), _isolated(title)
    subject = _confirmation_subject(title, language)
    # Through supporter_mail: the footer and List-Unsubscribe carry the unsubscribe link.
    return supporter_mail.message(
        signatory_id=signatory_id, to=email, subject=_one_line(subject),
        template="confirm_signature.txt", language=language, kind="confirm-signature",
        title=title, campaign_id=petition.campaign_id, personal={"name": name, "link": link},
        max_age_days=config["CONFIRM_MAX_AGE_DAYS"])


@lru_cache(maxsize=512)
def _confirmation_subject(title: str, language: str) -> str:
    # The same for every signer of a petition in a language, and switching the locale costs
    # more than the rest of the subject: made once (the catalogues do not change at run time).
    with force_locale(language):
        return str(gettext("Please confirm your signature: %(title)s", title=title))


def after_confirmation(session: Session, petition: Petition) -> None:
    """Work that follows a newly counted signature (milestones and the like)."""
    from campaign.services import milestones

    milestones.notify_crossed(session, petition.id)


def _one_line(text: str) -> str:
    """Petition titles are organizer text; keep a subject on one line whatever they hold.

    "=?" is split as well: an encoded word could hide a newline from the check in
    queue_email (CVE-2024-6923), and refusing it there would fail the signing.
    """
    return " ".join(text.split()).replace("=?", "= ?")


def _isolated(text: str) -> str:
    """Wrap text in Unicode first-strong isolates, the plain-text form of <bdi>."""
    return f"\u2068{text}\u2069"
