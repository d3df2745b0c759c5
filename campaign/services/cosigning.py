"""Organisations co-signing a joint statement: the contact confirms by email, an organizer
approves, and only then is the name shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.db import utcnow
from campaign.models import CosignState, OrganisationSignature, Petition
from campaign.services.mail import queue_email
from campaign.services.petitions import mark_changed

COSIGN_SALT = "confirm-cosign"


class CosignClosedError(Exception):
    """The petition takes no co-signatures (not a joint statement, or not open)."""


@dataclass
class CosignRequest:
    name: str
    country: str
    website: str
    contact_name: str
    contact_email: str
    ip_hash: str = ""


def accepts_cosignatures(petition: Petition) -> bool:
    return petition.joint_statement and petition.accepts_signatures()


def cosign(session: Session, petition: Petition, request: CosignRequest,
           language: str = "en") -> OrganisationSignature:
    """Record a pending co-signature and email its contact the confirmation link."""
    if not accepts_cosignatures(petition):
        raise CosignClosedError(petition.slug)
    organisation = OrganisationSignature(
        petition_id=petition.id, name=request.name, country=request.country,
        website=request.website, contact_name=request.contact_name,
        contact_email=request.contact_email, ip_hash=request.ip_hash,
        state=CosignState.PENDING)
    session.add(organisation)
    session.flush()
    token = tokens.serializer(current_app.config["SECRET_KEY"], COSIGN_SALT).dumps(
        {"o": organisation.id})
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/organisations/confirm/{token}"
    with force_locale(language):
        subject = gettext("Please confirm that %(organisation)s co-signs: %(title)s",
                          organisation=request.name, title=petition.title)
        body = render_template("emails/confirm_cosign.txt", petition=petition,
                               organisation=organisation, link=link,
                               max_age_days=current_app.config["CONFIRM_MAX_AGE_DAYS"])
    queue_email(session, to=request.contact_email, subject=" ".join(subject.split()), body=body,
                kind="confirm-cosign")
    return organisation


def organisation_for_token(session: Session, token: str) -> OrganisationSignature | None:
    """The co-signature a confirmation link points to; None if damaged, expired or gone."""
    serializer = tokens.serializer(current_app.config["SECRET_KEY"], COSIGN_SALT)
    max_age = timedelta(days=current_app.config["CONFIRM_MAX_AGE_DAYS"])
    try:
        payload = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("o"), int):
        return None
    return session.get(OrganisationSignature, payload["o"])


def confirm(session: Session, organisation: OrganisationSignature) -> bool:
    """The contact confirmed; the organizer decides next. False if it was not pending."""
    changed = session.execute(
        update(OrganisationSignature)
        .where(OrganisationSignature.id == organisation.id,
               OrganisationSignature.state == CosignState.PENDING)
        .values(state=CosignState.CONFIRMED, confirmed_at=utcnow())).rowcount
    session.refresh(organisation)
    return changed == 1


def decide(session: Session, organisation: OrganisationSignature, approve: bool) -> None:
    """Approve (show publicly) or reject a confirmed co-signature; an approval can be undone."""
    if organisation.state is CosignState.PENDING:
        raise ValueError("the contact has not confirmed yet")
    organisation.state = CosignState.APPROVED if approve else CosignState.REJECTED
    organisation.decided_at = utcnow()
    # The public page lists approved organisations: its cached copies are now stale.
    mark_changed(session, organisation.petition_id)


def approved(session: Session, petition_id: int) -> list[OrganisationSignature]:
    """Approved organisations in alphabetical order (case and accents aside), as listed publicly."""
    rows = session.scalars(select(OrganisationSignature).where(
        OrganisationSignature.petition_id == petition_id,
        OrganisationSignature.state == CosignState.APPROVED))
    return sorted(rows, key=lambda o: (_sort_key(o.name), o.id))


def _sort_key(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def for_review(session: Session, petition_id: int) -> list[OrganisationSignature]:
    return list(session.scalars(select(OrganisationSignature)
                                .where(OrganisationSignature.petition_id == petition_id)
                                .order_by(OrganisationSignature.state,
                                          func.lower(OrganisationSignature.name))))
