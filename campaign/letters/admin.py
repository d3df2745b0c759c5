"""Organizer pages for letter campaigns: settings, templates per language, letters counted."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from campaign.admin.access import require_role
from campaign.extensions import db
from campaign.letters.admin_forms import LetterCampaignForm, TemplateForm
from campaign.models import LetterCampaign, LetterTemplate, Role
from campaign.services import letter_templates, letters, organizers
from campaign.services.mail import HeaderInjectionError

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")

bp = Blueprint("letters_admin", __name__, url_prefix="/admin/letters")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page needs a logged-in organizer; roles are checked per view."""


def _letter_campaign(letter_campaign_id: int, needed: Role) -> LetterCampaign:
    letter_campaign = db.session.get(LetterCampaign, letter_campaign_id)
    if letter_campaign is None:
        abort(404)
    require_role(letter_campaign.campaign_id, needed)
    return letter_campaign


def _fields(form: LetterCampaignForm) -> letters.LetterCampaignFields:
    return letters.LetterCampaignFields(
        title=form.title.data, slug=form.slug.data, subject=form.subject.data,
        description=form.description.data or "", talking_points=form.talking_point_list(),
        chamber_slugs=form.chamber_slug_list(), default_language=form.default_language.data,
        state=form.state.data, similarity_threshold=form.similarity_threshold.data,
        hourly_limit_per_office=form.hourly_limit_per_office.data)


@bp.get("/")
def index() -> ResponseReturnValue:
    memberships = organizers.campaigns_of(db.session, current_user)
    rows = db.session.scalars(select(LetterCampaign).where(
        LetterCampaign.campaign_id.in_([c.id for c, _ in memberships]))
        .order_by(LetterCampaign.created_at.desc())).all()
    return render_template("admin/letters/index.html", letter_campaigns=rows)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = LetterCampaignForm()
    form.campaign_id.choices = [(c.id, c.name) for c, role in
                                organizers.campaigns_of(db.session, current_user)
                                if role.allows(Role.ORGANIZER)]
    if not form.campaign_id.choices:
        abort(403)
    if form.validate_on_submit():
        require_role(form.campaign_id.data, Role.ORGANIZER)
        try:
            letter_campaign = letters.save_letter_campaign(db.session, None, form.campaign_id.data,
                                                           _fields(form))
        except (letters.LetterError, HeaderInjectionError) as exc:
            db.session.rollback()
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Letter campaign “{letter_campaign.title}” created.", "info")
            return redirect(url_for("letters_admin.show", letter_campaign_id=letter_campaign.id),
                            code=303)
    return render_template("admin/letters/form.html", form=form, letter_campaign=None)


@bp.get("/<int:letter_campaign_id>")
def show(letter_campaign_id: int) -> ResponseReturnValue:
    letter_campaign = _letter_campaign(letter_campaign_id, Role.VIEWER)
    counts = letters.counts_per_legislator(db.session, letter_campaign.id)
    written = {t.language: t for t in db.session.scalars(select(LetterTemplate).where(
        LetterTemplate.letter_campaign_id == letter_campaign.id))}
    return render_template("admin/letters/show.html", letter_campaign=letter_campaign,
                           counts=counts, totals=letters.totals(counts), written=written,
                           languages=letter_templates.available_languages(db.session,
                                                                          letter_campaign))


@bp.route("/<int:letter_campaign_id>/edit", methods=["GET", "POST"])
def edit(letter_campaign_id: int) -> ResponseReturnValue:
    letter_campaign = _letter_campaign(letter_campaign_id, Role.ORGANIZER)
    form = LetterCampaignForm(obj=letter_campaign)
    form.campaign_id.choices = [(letter_campaign.campaign_id, letter_campaign.campaign.name)]
    if not form.is_submitted():
        form.talking_points.data = "\n".join(letter_campaign.talking_points)
        form.chamber_slugs.data = ", ".join(letter_campaign.chamber_slugs)
        form.state.data = letter_campaign.state.value
    if form.validate_on_submit():
        try:
            letters.save_letter_campaign(db.session, letter_campaign, letter_campaign.campaign_id,
                                         _fields(form))
        except (letters.LetterError, HeaderInjectionError) as exc:
            db.session.rollback()
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Saved.", "info")
            return redirect(url_for("letters_admin.show", letter_campaign_id=letter_campaign.id),
                            code=303)
    return render_template("admin/letters/form.html", form=form, letter_campaign=letter_campaign)


@bp.get("/<int:letter_campaign_id>/templates")
def choose_template(letter_campaign_id: int) -> ResponseReturnValue:
    """Go to the template in the language typed into the overview's small form."""
    letter_campaign = _letter_campaign(letter_campaign_id, Role.ORGANIZER)
    language = request.args.get("language", "").strip()
    if not _LANGUAGE_CODE.fullmatch(language):
        flash("Use a language code such as en, fr or pt-BR.", "error")
        return redirect(url_for("letters_admin.show", letter_campaign_id=letter_campaign.id),
                        code=303)
    return redirect(url_for("letters_admin.template", letter_campaign_id=letter_campaign.id,
                            language=language), code=303)


@bp.route("/<int:letter_campaign_id>/templates/<language>", methods=["GET", "POST"])
def template(letter_campaign_id: int, language: str) -> ResponseReturnValue:
    letter_campaign = _letter_campaign(letter_campaign_id, Role.ORGANIZER)
    if not _LANGUAGE_CODE.fullmatch(language):
        abort(404)
    current = letter_templates.template_for(db.session, letter_campaign, language)
    form = TemplateForm()
    if not form.is_submitted() and current is not None:
        form.subject.data = current.subject if current.origin == "admin" else ""
        form.body_source.data = current.source
    problem = preview = None
    if form.validate_on_submit():
        try:
            letters.save_template(db.session, letter_campaign, language, form.subject.data or "",
                                  form.body_source.data)
        except letter_templates.TemplateProblem as exc:
            db.session.rollback()
            problem = str(exc)
        except HeaderInjectionError as exc:
            db.session.rollback()
            form.subject.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Template in “{language}” saved.", "info")
            return redirect(url_for("letters_admin.template",
                                    letter_campaign_id=letter_campaign.id, language=language),
                            code=303)
    elif form.body_source.data:
        try:
            preview = letter_templates.render_source(form.body_source.data,
                                                     letter_templates.sample_variables(language))
        except letter_templates.TemplateProblem as exc:
            problem = str(exc)
    status = 422 if (problem or form.errors) else 200
    return render_template("admin/letters/template.html", letter_campaign=letter_campaign,
                           template_language=language, form=form, problem=problem,
                           preview=preview,
                           origin=current.origin if current else None), status
