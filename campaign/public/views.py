"""Public pages: a petition, signing it, confirming the signature."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from campaign import mailer
from campaign.extensions import db
from campaign.i18n import use_content_language
from campaign.models import Petition, PetitionState
from campaign.public import pages, submission
from campaign.public.forms import ConfirmForm, SignForm
from campaign.ratelimit import rate_limited
from campaign.services import (
    cosigning,
    documents,
    notifications,
    pageviews,
    petition_translations,
    petitions,
    signing,
)

bp = Blueprint("public", __name__)


def _sign_limit() -> str:
    return str(current_app.config["SIGN_RATE_LIMIT"])


@bp.get("/")
def index() -> ResponseReturnValue:
    open_petitions = db.session.scalars(
        petitions.listed_petitions_query()).all()
    return render_template("public/index.html", petitions=open_petitions,
                           titles=petition_translations.titles_in(db.session, open_petitions,
                                                                  str(get_locale())))


def _petition_or_404(slug: str) -> Petition:
    petition = pages.public_petition(slug)
    if petition is None:
        abort(404)
    use_content_language(petition.default_language)
    return petition


def _content(petition: Petition) -> petition_translations.PetitionContent:
    """The petition's text in the page's language, or its own with a notice."""
    return petition_translations.content_for(db.session, petition, str(get_locale()))


def _render_petition(petition: Petition, form: SignForm, status: int = 200,
                     notice: str | None = None) -> ResponseReturnValue:
    organisations = (cosigning.approved(db.session, petition.id) if petition.joint_statement
                     else None)
    return render_template("public/petition.html", petition=petition, form=form,
                           notice=notice, content=_content(petition),
                           sources=documents.petition_sources(db.session, petition.id),
                           organisations=organisations), status


@bp.get("/petitions/<slug>")
def petition(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pageviews.record_view(app, petition.id)
    return pages.petition_page(petition, source=request.args.get("source", "")[:64])


@bp.get("/petitions/<slug>.json")
def petition_json(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    summary = pages.petition_json(
        petition, lambda: petitions.petition_summary(db.session, petition))
    return current_app.response_class(summary, mimetype="application/json")


@bp.post("/petitions/<slug>/sign")
def sign(slug: str) -> ResponseReturnValue:
    past_abuse_limit = submission.count_attempt()  # answered while the form is checked
    try:
        petition = _petition_or_404(slug)
        form = SignForm()
        refused = (409 if not petition.accepts_signatures()
                   else 422 if not form.validate() else None)
    finally:
        flagged = past_abuse_limit()  # 429 past the signing limit, before any answer
    if refused is not None:
        return _render_petition(petition, form, refused)
    try:
        submission.submit_signature(petition, form, source=form.source.data or "",
                                    referrer=request.referrer or "",
                                    consent_method="petition-form", flagged=flagged)
    except signing.PetitionClosedError:
        return _render_petition(petition, form, 409)
    # Identical for a first signature, a repeat and a bot: nobody learns who has signed.
    return pages.thanks_redirect(petition)


@bp.get("/petitions/<slug>/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    return render_template("public/thanks.html", petition=petition, content=_content(petition),
                           share_links=petitions.share_links(petition, current_app.config["BASE_URL"]))


def _signature_for(token: str):  # type: ignore[no-untyped-def]
    try:
        return signing.signature_for_token(db.session, current_app.config["SECRET_KEY"], token,
                                           current_app.config["CONFIRM_MAX_AGE_DAYS"]), None
    except signing.InvalidTokenError as exc:
        return None, ("expired" if exc.expired else "invalid")


@bp.get("/confirm/<token>")
def confirm_page(token: str) -> ResponseReturnValue:
    # A GET confirms nothing: mail scanners open links, people press buttons.
    signature, problem = _signature_for(token)
    if signature is None:
        return render_template("public/confirm_problem.html", problem=problem or "invalid"), 404
    return render_template("public/confirm.html", petition=signature.petition,
                           content=_content(signature.petition),
                           signature=signature, form=ConfirmForm(), token=token)


@bp.post("/confirm/<token>")
@rate_limited(_sign_limit)
def confirm(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    signature, problem = _signature_for(token)
    if signature is None:
        return render_template("public/confirm_problem.html", problem=problem or "invalid"), 404
    if not form.validate():
        return render_template("public/confirm.html", petition=signature.petition,
                               content=_content(signature.petition),
                               signature=signature, form=form, token=token), 400
    petition = signature.petition
    if petition.state is not PetitionState.OPEN or not petition.accepts_signatures():
        return render_template("public/confirm_problem.html", problem="closed",
                               petition=petition), 409
    newly = signing.confirm(db.session, signature)
    if newly:
        notifications.after_confirmation(db.session, petition)
    db.session.commit()
    mailer.dispatch()
    return render_template("public/confirmed.html", petition=petition, newly_confirmed=newly,
                           content=_content(petition),
                           share_links=petitions.share_links(petition, current_app.config["BASE_URL"]))
