"""Who may see and change what in the admin: roles per campaign.

Every admin view declares the least role it needs, next to the view:

    @bp.get("/petitions/<int:petition_id>/export.csv")
    @requires(Role.OWNER)
    def export(petition_id): ...

(or, for a view that cannot be decorated, `declare("blueprint.endpoint", Role.OWNER)`).
A guard run before every request under /admin (or in a blueprint named admin*) then checks,
before the view runs: a complete login (second factor included), the declaration (an admin
route without one is refused: default deny), and the role in the campaign that the URL points
at. The campaign is found from the URL arguments listed in `SCOPES` (`petition_id` ->
Petition.campaign_id, ...); register new ones with `scope_argument`. A route with no such
argument needs the role in at least one campaign and must itself show only those campaigns.
tests/test_authorization.py walks `app.url_map` and proves all of this for every route.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import Rule

from campaign.extensions import db, login_manager
from campaign.models import LetterCampaign, Membership, OutboundEmail, Petition, Role
from campaign.services import organizers

log = logging.getLogger(__name__)

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

# URL argument -> a model with a `campaign_id` column that the argument is the id of.
SCOPES: dict[str, Any] = {"petition_id": Petition, "email_id": OutboundEmail,
                          "letter_campaign_id": LetterCampaign}
# Declarations made away from the view: endpoint -> least role. These cover admin pages that
# were written in parallel with this guard (letters, legislators, translations and embeds),
# with the roles their views check themselves; move each to `@requires` on its view.
_DECLARED: dict[str, Role] = {
    # The legislator directory is shared by all campaigns: reading needs a role somewhere,
    # editing the organizer role somewhere (the views check the same).
    "admin_legislators.index": Role.VIEWER,
    "admin_legislators.show": Role.VIEWER,
    "admin_legislators.new": Role.ORGANIZER,
    "admin_legislators.edit": Role.ORGANIZER,
    "letters_admin.index": Role.VIEWER,
    "letters_admin.show": Role.VIEWER,
    "letters_admin.new": Role.ORGANIZER,
    "letters_admin.edit": Role.ORGANIZER,
    "letters_admin.choose_template": Role.ORGANIZER,
    "letters_admin.template": Role.ORGANIZER,
    "admin_reach.translation": Role.ORGANIZER,
    "admin_reach.delete_translation": Role.ORGANIZER,
    "admin_reach.embed_sites": Role.ORGANIZER,
}


def requires(role: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Declare the least role an admin view needs; the guard enforces it before the view runs."""
    def mark(view: ViewFunc) -> ViewFunc:
        view.required_role = role  # type: ignore[attr-defined]
        return view
    return mark


def declare(endpoint: str, role: Role) -> None:
    """Declare the least role for an endpoint whose view cannot carry `@requires`."""
    _DECLARED[endpoint] = role


def scope_argument(name: str, model: Any) -> None:
    """Tell the guard that URL argument `name` is the id of `model`.

    The model has a `campaign_id`, or a `petition_id` through which its campaign is found.
    """
    SCOPES[name] = model


def is_admin_rule(rule: Rule) -> bool:
    """Admin routes: everything under /admin, and every endpoint of a blueprint named admin*."""
    return rule.rule.startswith("/admin") or (rule.endpoint or "").split(".")[0].startswith("admin")


def required_role(app: Flask, endpoint: str) -> Role | None:
    """The role declared for an endpoint, or None when nothing was declared."""
    if endpoint in _DECLARED:
        return _DECLARED[endpoint]
    return getattr(app.view_functions.get(endpoint), "required_role", None)


def campaign_of(view_args: dict[str, Any]) -> int | None:
    """The campaign a URL points at (404 if its object does not exist), or None if none."""
    if "campaign_id" in view_args:
        return int(view_args["campaign_id"])
    for name, model in SCOPES.items():
        if name in view_args:
            if hasattr(model, "campaign_id"):
                query = select(model.campaign_id)
            else:  # objects of a petition (invalidations, co-signing organisations)
                query = select(Petition.campaign_id).join(model, model.petition_id == Petition.id)
            campaign_id = db.session.scalar(query.where(model.id == view_args[name]))
            if campaign_id is None:
                abort(404)
            return int(campaign_id)
    return None


def require_role(campaign_id: int, needed: Role) -> Role:
    """The current organizer's role in a campaign; 404 without one, 403 if too low."""
    role = organizers.role_in(db.session, current_user, campaign_id)
    if role is None:
        # Not a member: do not even confirm that the campaign exists.
        abort(404)
    if not role.allows(needed):
        abort(403)
    return role


def require_role_somewhere(needed: Role) -> None:
    """403 unless the current organizer has at least `needed` in some campaign."""
    roles = db.session.scalars(select(Membership.role)
                               .where(Membership.organizer_id == current_user.id)).all()
    if not any(role.allows(needed) for role in roles):
        abort(403)


def petition_for(petition_id: int, needed: Role) -> Petition:
    """A petition the current organizer may act on with at least the `needed` role."""
    petition = db.session.get(Petition, petition_id)
    if petition is None:
        abort(404)
    require_role(petition.campaign_id, needed)
    return petition


def _guard() -> Any:
    rule = request.url_rule
    if rule is None or not is_admin_rule(rule):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    needed = required_role(current_app._get_current_object(),  # type: ignore[attr-defined]
                           rule.endpoint)
    if needed is None:
        log.error("admin endpoint %s declares no role; refused", rule.endpoint)
        abort(403)
    campaign_id = campaign_of(request.view_args or {})
    if campaign_id is None:
        require_role_somewhere(needed)
    else:
        require_role(campaign_id, needed)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_guard)
def can_export(organizer: object, campaign_id: int) -> bool:
    """Whether this organizer may export personal data of a campaign: its owners only.

    The one place that decides it (the CSV export, the PDF with names, the audit log).
    """
    role = organizers.role_in(db.session, organizer, campaign_id)  # type: ignore[arg-type]
    return role is Role.OWNER
