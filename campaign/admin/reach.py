"""Reaching supporters beyond the petition's own language and site: translations and embeds."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from campaign.admin.access import petition_for
from campaign.admin.forms import StateForm
from campaign.admin.reach_forms import EmbedSitesForm, TranslationForm
from campaign.extensions import db
from campaign.i18n import LANGUAGES
from campaign.models import Petition, Role
from campaign.services import embeds, petition_translations, petitions

bp = Blueprint("admin_reach", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page here needs a logged-in organizer; roles are checked per view."""


def petition_page_context(petition: Petition) -> dict[str, object]:
    """What the petition's admin page shows of its translations and embedding."""
    origins = embeds.allowed_origins(db.session, petition.id)
    return {
        "translations": petition_translations.translations_of(db.session, petition),
        "languages": LANGUAGES,
        "translation_form": TranslationForm(petition.default_language),
        "embed_form": EmbedSitesForm(origins="\n".join(origins)),
        "embed_origins": origins,
        "embed_snippet": embeds.snippet(current_app.config["BASE_URL"], petition, petition.title),
        "delete_form": StateForm(),
    }


def _back(petition: Petition) -> ResponseReturnValue:
    return redirect(url_for("admin.petition", petition_id=petition.id) + "#translations", code=303)


@bp.route("/petitions/<int:petition_id>/translations", methods=["POST"])
@bp.route("/petitions/<int:petition_id>/translations/<language>", methods=["GET", "POST"])
def translation(petition_id: int, language: str | None = None) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    existing = None
    if language is not None:
        if language not in LANGUAGES or language == petition.default_language:
            abort(404)
        existing = next((t for t in petition_translations.translations_of(db.session, petition)
                         if t.language == language), None)
    form = TranslationForm(petition.default_language, obj=existing,
                           data={"language": language} if language else None)
    if form.validate_on_submit():
        try:
            petition_translations.save_translation(
                db.session, petition, form.language.data, form.title.data,
                form.summary.data or "", form.body_markdown.data or "")
        except petitions.PetitionError as exc:
            form.language.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"The {LANGUAGES[form.language.data]} text is saved.", "info")
            return _back(petition)
    return render_template("admin/petition_translation.html", petition=petition, form=form,
                           language=language)


@bp.post("/petitions/<int:petition_id>/translations/<language>/delete")
def delete_translation(petition_id: int, language: str) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    if not StateForm().validate_on_submit():
        abort(400)
    if petition_translations.delete_translation(db.session, petition, language):
        db.session.commit()
        flash(f"The {LANGUAGES.get(language, language)} text is deleted.", "info")
    return _back(petition)


@bp.post("/petitions/<int:petition_id>/embed-sites")
def embed_sites(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form = EmbedSitesForm()
    if form.validate_on_submit():
        origins = embeds.set_allowed_origins(db.session, petition, form.origin_lines())
        db.session.commit()
        flash(f"{len(origins)} website(s) may now embed the sign form.", "info")
        return redirect(url_for("admin.petition", petition_id=petition.id) + "#embed", code=303)
    return render_template("admin/petition_embed.html", petition=petition, form=form)
