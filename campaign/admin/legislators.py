"""The legislator directory in the admin: browse, search, add and edit.

The directory is shared by every campaign: any organizer (role organizer or owner in some
campaign) may change it; everyone else who can log in may read it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from campaign.admin.legislator_forms import LegislatorForm, SearchForm
from campaign.extensions import db
from campaign.legislators import directory
from campaign.models import Legislator, Role
from campaign.services import organizers

bp = Blueprint("admin_legislators", __name__, url_prefix="/admin/legislators")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page needs a logged-in organizer; editing needs an organizer role."""


def may_edit() -> bool:
    return any(role.allows(Role.ORGANIZER)
               for _, role in organizers.campaigns_of(db.session, current_user))


def _require_editor() -> None:
    if not may_edit():
        abort(403)


def _chamber_choices() -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c in directory.chambers(db.session)]


@bp.get("/")
def index() -> ResponseReturnValue:
    form = SearchForm(formdata=request.args)
    form.chamber.choices = [SelectChoice(0, "All chambers"), *_chamber_choices()]
    filters = directory.SearchFilters()
    if form.validate():
        filters = directory.SearchFilters(text=form.q.data or "",
                                          chamber_id=form.chamber.data or None,
                                          area=form.area.data or "", party=form.party.data or "",
                                          status=form.status.data or "serving")
    page = directory.search(db.session, filters, request.args.get("page", 1, type=int))
    arguments = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/legislators/index.html", form=form, page=page,
                           arguments=arguments, may_edit=may_edit())


def _edit(legislator: Legislator | None) -> ResponseReturnValue:
    form = LegislatorForm(obj=legislator)
    form.chamber_id.choices = _chamber_choices()
    if not form.chamber_id.choices:
        flash("Import a chamber first (campaign legislators import).", "error")
        return redirect(url_for("admin_legislators.index"), code=303)
    if not form.is_submitted() and legislator is not None:
        form.area_code.data = legislator.area.code if legislator.area else ""
        form.languages.data = " ".join(legislator.languages)
    if form.validate_on_submit():
        saved = directory.save(db.session, legislator, form.fields())
        db.session.commit()
        flash(f"Saved {saved.name}.", "info")
        return redirect(url_for("admin_legislators.edit", legislator_id=saved.id), code=303)
    return render_template("admin/legislators/form.html", form=form, legislator=legislator)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    _require_editor()
    return _edit(None)


@bp.get("/<int:legislator_id>")
def show(legislator_id: int) -> ResponseReturnValue:
    legislator = db.session.get(Legislator, legislator_id) or abort(404)
    return render_template("admin/legislators/show.html", legislator=legislator,
                           may_edit=may_edit())


@bp.route("/<int:legislator_id>/edit", methods=["GET", "POST"])
def edit(legislator_id: int) -> ResponseReturnValue:
    _require_editor()
    legislator = db.session.get(Legislator, legislator_id) or abort(404)
    return _edit(legislator)
