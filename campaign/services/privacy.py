"""A supporter's own data: the emailed link to see it, the download, erasure, and retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.db import insert_row, take_one_by_one, utcnow, with_column_defaults
from campaign.models import (
    Consent,
    DataLinkRequest,
    OrganisationSignature,
    OutboundEmail,
    Petition,
    PetitionState,
    Signatory,
    Signature,
)
from campaign.services import actions, consents, supporter_mail
from campaign.services.signing import email_key

DATA_SALT = "my-data"


def data_token(secret_key: str, signatory_id: int) -> str:
    return tokens.serializer(secret_key, DATA_SALT).dumps({"p": signatory_id})


def signatory_for_data_token(session: Session, secret_key: str, token: str,
                             max_age_hours: int) -> Signatory | None:
    """The person a data link is for; None if damaged, expired or already erased."""
    serializer = tokens.serializer(secret_key, DATA_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_hours * 3600)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        return None
    return session.get(Signatory, payload["p"])


def request_data_link(session: Session, email: str, language: str) -> None:
    """Ask for a link to the data held about `email` to be emailed, if we hold any.

    Only recorded here, known address or not, so that the request does the same work and
    takes the same time either way; the mail sender looks the address up and sends
    (send_requested_data_links). The caller answers the same always.
    """
    insert_row(session.connection(), DataLinkRequest.__table__,
               with_column_defaults(DataLinkRequest.__table__,
                                    {"email_key": email_key(email), "language": language}))


def send_requested_data_links(session: Session) -> int:
    """Queue the data link for each request whose address we know; forget every request.

    Returns how many links were queued. Runs before the outbox is sent (mailer.send_due).
    """
    queued = 0
    for key, language in take_one_by_one(session, DataLinkRequest, DataLinkRequest.email_key,
                                         DataLinkRequest.language):
        signatory = session.scalar(select(Signatory).where(Signatory.email_key == key))
        if signatory is not None:
            _queue_data_link(session, signatory, language)
            queued += 1
    return queued


def _queue_data_link(session: Session, signatory: Signatory, language: str) -> None:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    link = f"{base_url}/my-data/{data_token(current_app.config['SECRET_KEY'], signatory.id)}"
    with force_locale(language):
        subject = gettext("Your data: the link you asked for")
    supporter_mail.queue(session, signatory_id=signatory.id, to=signatory.email, subject=subject,
                         template="data_link.txt", language=language, kind="data-link", link=link,
                         max_age_hours=current_app.config["DATA_LINK_MAX_AGE_HOURS"])


def held_data(session: Session, signatory: Signatory) -> dict[str, Any]:
    """Everything held about a person, as their JSON download shows it."""
    messages = session.execute(
        select(OutboundEmail.kind, OutboundEmail.subject, OutboundEmail.created_at,
               OutboundEmail.state)
        .where(func.lower(OutboundEmail.to_address).in_(_address_forms(signatory)))
        .order_by(OutboundEmail.id))
    return {
        "email": signatory.email,
        "first_seen": signatory.created_at.isoformat(),
        "actions": [a.as_dict() for a in actions.actions_of(session, signatory.id)],
        "consents": [{"purpose": c.purpose, "wording": t.text, "language": t.language,
                      "how": c.method, "given_at": c.given_at.isoformat(),
                      "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
                     for c, t in consents.active_consents(session, signatory.id)],
        "emails_sent_to_you": [{"kind": kind, "subject": subject, "queued_at": at.isoformat(),
                                "state": state.value} for kind, subject, at, state in messages],
    }


def _address_forms(signatory: Signatory) -> list[str]:
    return sorted({signatory.email.lower(), signatory.email_key})


@dataclass
class ErasureReport:
    signatures: int
    emails: int
    other: int


# What a signature keeps after erasure: its petition, country, state, source code and dates,
# which are what the anonymous counts are made of.
_BLANK_SIGNATURE = {"name": "", "postcode": "", "ip_hash": "", "referrer": "",
                    "signatory_id": None}
_BLANK_EMAIL = {"to_address": "", "reply_to": "", "subject": "", "body_text": "",
                "unsubscribe_url": "", "last_error": ""}


def erase(session: Session, signatory_id: int) -> ErasureReport:
    """Remove a person's personal data everywhere; the petitions' counts do not change."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        return ErasureReport(0, 0, 0)
    addresses = _address_forms(signatory)
    other = actions.run_erasers(session, signatory_id)
    signatures = session.execute(update(Signature).where(Signature.signatory_id == signatory_id)
                                 .values(**_BLANK_SIGNATURE)).rowcount
    emails = session.execute(update(OutboundEmail)
                             .where(func.lower(OutboundEmail.to_address).in_(addresses))
                             .values(**_BLANK_EMAIL)).rowcount
    other += session.execute(update(OrganisationSignature)
                             .where(func.lower(OrganisationSignature.contact_email).in_(addresses))
                             .values(contact_name="", contact_email="", ip_hash="")).rowcount
    session.execute(delete(Consent).where(Consent.signatory_id == signatory_id))
    session.execute(delete(DataLinkRequest)
                    .where(DataLinkRequest.email_key == signatory.email_key))
    session.execute(delete(Signatory).where(Signatory.id == signatory_id))
    session.expunge(signatory)
    return ErasureReport(int(signatures or 0), int(emails or 0), int(other or 0))


@dataclass
class RetentionReport:
    petitions: int
    signatures: int
    signatories: int
    organisations: int


def anonymise_closed(session: Session, days_after_close: int, *,
                     dry_run: bool = False) -> RetentionReport:
    """Blank the personal data of petitions closed more than `days_after_close` days ago.

    Counts are kept; people who have no other action left are deleted.
    """
    cutoff = utcnow() - timedelta(days=days_after_close)
    petition_ids = list(session.scalars(select(Petition.id).where(
        Petition.state.in_([PetitionState.CLOSED, PetitionState.ARCHIVED]),
        Petition.closed_at.is_not(None), Petition.closed_at < cutoff)))
    if not petition_ids:
        return RetentionReport(0, 0, 0, 0)
    personal = Signature.petition_id.in_(petition_ids) & or_(
        Signature.signatory_id.is_not(None), Signature.name != "", Signature.postcode != "",
        Signature.ip_hash != "", Signature.referrer != "")
    people = select(Signature.signatory_id).where(personal, Signature.signatory_id.is_not(None))
    # People whose every signature is on these petitions (and who wrote no letter) go entirely.
    elsewhere = select(Signature.signatory_id).where(Signature.petition_id.not_in(petition_ids),
                                                     Signature.signatory_id.is_not(None))
    leaving = select(Signatory.id).where(Signatory.id.in_(people), Signatory.id.not_in(elsewhere))
    letter = actions.letter_model()
    if letter is not None:
        leaving = leaving.where(Signatory.id.not_in(
            select(letter.signatory_id).where(letter.signatory_id.is_not(None))))
    organisations = (OrganisationSignature.petition_id.in_(petition_ids)
                     & (OrganisationSignature.contact_email != ""))
    if dry_run:
        return RetentionReport(
            len(petition_ids),
            session.scalar(select(func.count()).select_from(Signature).where(personal)) or 0,
            session.scalar(select(func.count()).select_from(leaving.subquery())) or 0,
            session.scalar(select(func.count()).select_from(OrganisationSignature)
                           .where(organisations)) or 0)
    leaving_ids = list(session.scalars(leaving))
    signatures = session.execute(update(Signature).where(personal)
                                 .values(**_BLANK_SIGNATURE)).rowcount
    orgs = session.execute(update(OrganisationSignature).where(organisations)
                           .values(contact_name="", contact_email="", ip_hash="")).rowcount
    for signatory_id in leaving_ids:
        erase(session, signatory_id)
    return RetentionReport(len(petition_ids), int(signatures or 0), len(leaving_ids),
                           int(orgs or 0))
