"""Public pages: a petition, signing it, confirming the signature."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from campaign import mailer
from campaign.clients import client_ip_hash
from campaign.extensions import db, limiter
from campaign.i18n import use_content_language
from campaign.models import Petition, PetitionState
from campaign.public import pages
from campaign.public.forms import ConfirmForm, SignForm
from campaign.services import (
    abuse,
    consents,
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
@limiter.limit(_sign_limit)
def sign(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    form = SignForm()
    if not petition.accepts_signatures():
        return _render_petition(petition, form, 409)
    if not form.validate():
        return _render_petition(petition, form, 422)
    if not form.is_bot():
        ip_hash = client_ip_hash()
        # Past a limit the signature is kept as flagged and the answer below is the same.
        flagged = abuse.guard_for(current_app).over_limit("sign", ip_hash=ip_hash,
                                                          email=form.email.data)
        try:
            outcome = signing.sign(db.session, petition, signing.SignatureRequest(
                name=form.name.data, email=form.email.data, country=form.country.data,
                postcode=form.postcode.data or "", consent_updates=form.consent_updates.data,
                show_name=form.show_name.data, source=form.source.data or "",
                referrer=request.referrer or "", ip_hash=ip_hash,
                language=str(get_locale() or "en")),
                resend_limit=current_app.config["CONFIRM_RESEND_LIMIT"], flagged=flagged)
        except signing.PetitionClosedError:
            return _render_petition(petition, form, 409)
        if outcome.created and outcome.signatory_id is not None:
            consents.record_for_signature(db.session, outcome.signatory_id, petition.id, {
                "updates": (form.consent_updates.data, str(form.consent_updates.label.text)),
                "show_name": (form.show_name.data, str(form.show_name.label.text))},
                language=str(get_locale() or "en"), method="petition-form")
        if outcome.confirmation_queued and outcome.signature_id is not None:
            notifications.queue_confirmation(db.session, petition, outcome.signature_id,
                                             form.email.data, form.name.data,
                                             str(get_locale() or "en"),
                                             signatory_id=outcome.signatory_id)
        db.session.commit()
        mailer.dispatch()
    # Identical for a first signature, a repeat and a bot: nobody learns who has signed.
    return redirect(url_for("public.thanks", slug=petition.slug), code=303)


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
@limiter.limit(_sign_limit)
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
