"""Who may see and change what in the admin: roles per campaign."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from campaign.extensions import db
from campaign.models import Petition, Role
from campaign.services import organizers


def require_role(campaign_id: int, needed: Role) -> Role:
    """The current organizer's role in a campaign; 404 without one, 403 if too low."""
    role = organizers.role_in(db.session, current_user, campaign_id)
    if role is None:
        # Not a member: do not even confirm that the campaign exists.
        abort(404)
    if not role.allows(needed):
        abort(403)
    return role


def petition_for(petition_id: int, needed: Role) -> Petition:
    """A petition the current organizer may act on with at least the `needed` role."""
    petition = db.session.get(Petition, petition_id)
    if petition is None:
        abort(404)
    require_role(petition.campaign_id, needed)
    return petition


def can_export(organizer: object, campaign_id: int) -> bool:
    """Whether this organizer may export personal data of a campaign: its owners only.

    The one place that decides it (the CSV export, the PDF with names, the audit log).
    """
    role = organizers.role_in(db.session, organizer, campaign_id)  # type: ignore[arg-type]
    return role is Role.OWNER
