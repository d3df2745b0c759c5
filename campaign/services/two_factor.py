"""TOTP two-factor authentication (RFC 6238) for organizers: set-up and one-time checks."""

from __future__ import annotations

import base64
import hmac
import time

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import Membership, Organizer, OrganizerSession, Role

# A code is accepted one step either side of now: phone clocks drift by a few seconds.
_DRIFT_STEPS = 1
_STEP_SECONDS = 30


def needs_two_factor(session: Session, organizer: Organizer) -> bool:
    """True for anyone who can export personal data (an owner of any campaign), or who set it up."""
    if organizer.totp_secret:
        return True
    return session.scalar(select(Membership.id).where(Membership.organizer_id == organizer.id,
                                                      Membership.role == Role.OWNER)
                          .limit(1)) is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code in an SVG data URI: drawn here, no script, no third party."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (within the allowed drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // _STEP_SECONDS)
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * _STEP_SECONDS), code):
            return step
    return None


def _use_step(session: Session, organizer_id: int, step: int) -> bool:
    """Record `step` as used; False if it or a later one was used already (a replay)."""
    # One conditional UPDATE: two requests racing with the same code cannot both win.
    changed = session.execute(
        update(Organizer)
        .where(Organizer.id == organizer_id,
               or_(Organizer.totp_last_step.is_(None), Organizer.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    return changed == 1


def verify_code(session: Session, organizer: Organizer, code: str) -> bool:
    """Check a code against the organizer's secret; each code works once."""
    if not organizer.totp_secret:
        return False
    step = matching_step(organizer.totp_secret, code)
    return step is not None and _use_step(session, organizer.id, step)


def enable(session: Session, organizer: Organizer, secret: str, code: str) -> bool:
    """Turn two-factor on with `secret` once the organizer proves their app has it."""
    step = matching_step(secret, code)
    if step is None:
        return False
    organizer.totp_secret = secret
    organizer.totp_last_step = step
    session.flush()
    return True


def mark_verified(login: OrganizerSession) -> None:
    """The second factor was checked in this session."""
    login.two_factor_at = utcnow()
    login.totp_pending_secret = None


def reset(session: Session, organizer: Organizer) -> None:
    """Forget the organizer's second factor (a lost phone) and end all their sessions."""
    organizer.totp_secret = None
    organizer.totp_last_step = None
    session.execute(delete(OrganizerSession).where(OrganizerSession.organizer_id == organizer.id))


def session_complete(session: Session, login: OrganizerSession) -> bool:
    """True when the session may act: second factor checked, or not needed for this person."""
    return login.two_factor_at is not None or not needs_two_factor(session, login.organizer)
