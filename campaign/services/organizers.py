"""Organizer accounts: creating them, checking passwords, and their server-side sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import Campaign, Membership, Organizer, OrganizerSession, Role

MIN_PASSWORD_LENGTH = 12

# argon2id with the library's defaults (RFC 9106 low-memory profile); tests configure it cheaper.
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def configure_hashing(time_cost: int, memory_kib: int) -> None:
    """Set the argon2id cost (called by the app factory from the configuration)."""
    global _hasher, _dummy_hash
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_kib):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _dummy_hash = None


def _dummy() -> str:
    """A hash to verify against when the email is unknown: timing tells nothing."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a real password, only for timing")
    return _dummy_hash


class AccountError(ValueError):
    """An account change that is not allowed; the message is for the person making it."""


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_organizer(session: Session, email: str, password: str, name: str = "") -> Organizer:
    """Create an organizer account with an argon2id password hash."""
    email = normalise_email(email)
    if session.scalar(select(Organizer.id).where(Organizer.email == email)) is not None:
        raise AccountError(f"an organizer with the email {email} exists already")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    organizer = Organizer(email=email, name=name, password_hash=_hasher.hash(password))
    session.add(organizer)
    session.flush()
    return organizer


def authenticate(session: Session, email: str, password: str) -> Organizer | None:
    """The organizer with this email and password, or None."""
    organizer = session.scalar(select(Organizer).where(Organizer.email == normalise_email(email)))
    try:
        _hasher.verify(organizer.password_hash if organizer else _dummy(), password)
    except (VerificationError, InvalidHashError):
        return None
    if organizer is None:
        return None
    if _hasher.check_needs_rehash(organizer.password_hash):
        organizer.password_hash = _hasher.hash(password)
    return organizer


def start_session(session: Session, organizer: Organizer) -> OrganizerSession:
    """A new server-side session: a fresh random id that the cookie will carry."""
    login = OrganizerSession(id=secrets.token_urlsafe(32), organizer=organizer)
    session.add(login)
    session.flush()
    return login


def live_session(session: Session, session_id: str, idle_minutes: int) -> OrganizerSession | None:
    """The session with this id if it exists and has not been idle too long; touches it."""
    login = session.get(OrganizerSession, session_id)
    if login is None:
        return None
    now = utcnow()
    if now - login.last_seen_at > timedelta(minutes=idle_minutes):
        session.delete(login)
        session.commit()
        return None
    # Touch at most once a minute: an admin page view need not be a write.
    if now - login.last_seen_at > timedelta(minutes=1):
        login.last_seen_at = now
        session.commit()
    return login


def end_session(session: Session, session_id: str) -> None:
    """Revoke a session: the cookie that names it is worthless from now on."""
    session.execute(delete(OrganizerSession).where(OrganizerSession.id == session_id))


def role_in(session: Session, organizer: Organizer, campaign_id: int) -> Role | None:
    """The organizer's role in a campaign, or None."""
    return session.scalar(select(Membership.role).where(Membership.organizer_id == organizer.id,
                                                        Membership.campaign_id == campaign_id))


def campaigns_of(session: Session, organizer: Organizer) -> list[tuple[Campaign, Role]]:
    """The campaigns an organizer belongs to, with their role, by name."""
    rows = session.execute(select(Campaign, Membership.role).join(Membership)
                           .where(Membership.organizer_id == organizer.id)
                           .order_by(func.lower(Campaign.name)))
    return [(campaign, role) for campaign, role in rows]


def create_campaign(session: Session, owner: Organizer, name: str, slug: str) -> Campaign:
    """A new campaign with `owner` as its owner."""
    if session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None:
        raise AccountError(f"a campaign with the slug {slug!r} exists already")
    campaign = Campaign(name=name, slug=slug)
    session.add(campaign)
    session.add(Membership(campaign=campaign, organizer=owner, role=Role.OWNER))
    session.flush()
    return campaign


def add_member(session: Session, campaign: Campaign, organizer: Organizer, role: Role) -> None:
    """Give an organizer a role in a campaign, replacing any role they had."""
    membership = session.scalar(select(Membership).where(Membership.campaign_id == campaign.id,
                                                         Membership.organizer_id == organizer.id))
    if membership is None:
        session.add(Membership(campaign=campaign, organizer=organizer, role=role))
    else:
        membership.role = role
    session.flush()
