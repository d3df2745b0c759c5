"""The organizer admin: petitions and the outbox. Every view is behind login and a role."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from campaign.admin import reach
from campaign.admin.access import petition_for, require_role
from campaign.admin.forms import PetitionForm, StateForm
from campaign.extensions import db
from campaign.models import Campaign, MailState, OutboundEmail, Petition, Role
from campaign.services import mail, organizers, petitions

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every admin page needs a logged-in organizer; roles are checked per view."""


def _campaign_choices(needed: Role) -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c, role in organizers.campaigns_of(db.session, current_user)
            if role.allows(needed)]


@bp.get("/")
def index() -> ResponseReturnValue:
    memberships = organizers.campaigns_of(db.session, current_user)
    campaign_ids = [c.id for c, _ in memberships]
    rows = db.session.scalars(select(Petition).where(Petition.campaign_id.in_(campaign_ids))
                              .order_by(Petition.created_at.desc())).all()
    return render_template("admin/index.html", memberships=memberships, petitions=rows)


def _fields(form: PetitionForm) -> petitions.PetitionFields:
    closes_at = form.closes_at.data
    if closes_at is not None:
        closes_at = closes_at.replace(tzinfo=UTC)
    return petitions.PetitionFields(
        title=form.title.data, target=form.target.data, goal=form.goal.data,
        summary=form.summary.data or "", body_markdown=form.body_markdown.data or "",
        slug=form.slug.data or "", closes_at=closes_at, milestones=form.milestone_list(),
        default_language=form.default_language.data)


@bp.route("/petitions/new", methods=["GET", "POST"])
def new_petition() -> ResponseReturnValue:
    form = PetitionForm()
    form.campaign_id.choices = _campaign_choices(Role.ORGANIZER)
    if not form.campaign_id.choices:
        abort(403)
    if form.validate_on_submit():
        require_role(form.campaign_id.data, Role.ORGANIZER)
        campaign = db.session.get(Campaign, form.campaign_id.data)
        try:
            petition = petitions.create_petition(db.session, campaign, _fields(form))
        except petitions.PetitionError as exc:
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Petition “{petition.title}” created as a draft.", "info")
            return redirect(url_for("admin.petition", petition_id=petition.id), code=303)
    return render_template("admin/petition_form.html", form=form, petition=None)


@bp.get("/petitions/<int:petition_id>")
def petition(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.VIEWER)
    role = require_role(petition.campaign_id, Role.VIEWER)
    return render_template("admin/petition.html", petition=petition, role=role,
                           state_form=StateForm(),
                           by_country=petitions.counts_by_country(db.session, petition.id),
                           **reach.petition_page_context(petition))


@bp.route("/petitions/<int:petition_id>/edit", methods=["GET", "POST"])
def edit_petition(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form = PetitionForm(obj=petition)
    form.campaign_id.choices = [SelectChoice(petition.campaign_id, petition.campaign.name)]
    if not form.is_submitted():
        form.milestones.data = ", ".join(str(m) for m in petition.milestones)
    if form.validate_on_submit():
        try:
            petitions.update_petition(db.session, petition, _fields(form))
        except petitions.PetitionError as exc:
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Saved.", "info")
            return redirect(url_for("admin.petition", petition_id=petition.id), code=303)
    return render_template("admin/petition_form.html", form=form, petition=petition)


@bp.post("/petitions/<int:petition_id>/<any(open, close, archive, unarchive):action>")
def change_state(petition_id: int, action: str) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    if not StateForm().validate_on_submit():
        abort(400)
    try:
        petitions.change_state(petition, action)
    except petitions.PetitionError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"The petition is now {petition.state.value}.", "info")
    return redirect(url_for("admin.petition", petition_id=petition.id), code=303)


def _require_owner_somewhere() -> None:
    if not any(role is Role.OWNER for _, role in organizers.campaigns_of(db.session, current_user)):
        abort(403)


@bp.get("/outbox")
def outbox() -> ResponseReturnValue:
    # Mail holds supporters' addresses: only campaign owners see the outbox.
    _require_owner_somewhere()
    failed = db.session.scalars(select(OutboundEmail)
                                .where(OutboundEmail.state == MailState.FAILED)
                                .order_by(OutboundEmail.id.desc()).limit(100)).all()
    queued = db.session.scalar(select(func.count(OutboundEmail.id)).where(OutboundEmail.state == MailState.QUEUED))
    return render_template("admin/outbox.html", failed=failed, queued=queued,
                           form=StateForm())


@bp.post("/outbox/<int:email_id>/retry")
def retry_email(email_id: int) -> ResponseReturnValue:
    _require_owner_somewhere()
    if not StateForm().validate_on_submit():
        abort(400)
    mail.retry_failed(db.session, email_id)
    flash("The message is queued again.", "info")
    return redirect(url_for("admin.outbox"), code=303)

