"""Supporters' own pages: unsubscribing, seeing, downloading and erasing their data, and
organisations co-signing a joint statement."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from campaign import mailer
from campaign.clients import client_ip_hash
from campaign.extensions import csrf, db
from campaign.models import Petition, Signatory
from campaign.ratelimit import rate_limited
from campaign.services import consents, cosigning, petitions, privacy
from campaign.supporters.forms import ButtonForm, CosignForm, DataRequestForm, EraseForm

bp = Blueprint("supporters", __name__)


def _limit() -> str:
    return str(current_app.config["SIGN_RATE_LIMIT"])


def _language() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def _petition_or_404(slug: str) -> Petition:
    petition = petitions.public_petition(db.session, slug)
    if petition is None:
        abort(404)
    return petition


# -- unsubscribe ------------------------------------------------------------------------------

def _unsubscriber(token: str) -> Signatory | None:
    return consents.signatory_for_unsubscribe(
        db.session, current_app.config["SECRET_KEY"], token,
        current_app.config["UNSUBSCRIBE_LINK_MAX_AGE_DAYS"])


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str) -> ResponseReturnValue:
    # A GET changes nothing: mail scanners open links.
    if _unsubscriber(token) is None:
        return render_template("supporters/link_problem.html"), 404
    return render_template("supporters/unsubscribe.html", form=ButtonForm(), token=token)


@bp.post("/unsubscribe/<token>")
# RFC 8058 one-click: the mail client POSTs without a form; the signed token is the key.
@csrf.exempt
@rate_limited(_limit)
def unsubscribe(token: str) -> ResponseReturnValue:
    signatory = _unsubscriber(token)
    if signatory is not None:
        consents.withdraw_updates(db.session, signatory.id)
        db.session.commit()
    # Erased or not: the answer is the same, and unsubscribing twice is fine.
    return render_template("supporters/unsubscribed.html")


# -- data requests ----------------------------------------------------------------------------

@bp.route("/petitions/<slug>/my-data", methods=["GET", "POST"])
@rate_limited(_limit, methods=["POST"])
def data_request(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    form = DataRequestForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("supporters/data_request.html", petition=petition,
                               form=form), status
    if not form.is_bot():
        privacy.request_data_link(db.session, form.email.data, _language())
        db.session.commit()
        mailer.dispatch()
    # The same answer whether or not we hold anything: nobody learns who has signed.
    return redirect(url_for("supporters.data_requested", slug=petition.slug), code=303)


@bp.get("/petitions/<slug>/my-data/sent")
def data_requested(slug: str) -> ResponseReturnValue:
    return render_template("supporters/data_requested.html", petition=_petition_or_404(slug))


def _data_owner(token: str) -> Signatory | None:
    return privacy.signatory_for_data_token(db.session, current_app.config["SECRET_KEY"], token,
                                            current_app.config["DATA_LINK_MAX_AGE_HOURS"])


@bp.get("/my-data/<token>")
def my_data(token: str) -> ResponseReturnValue:
    signatory = _data_owner(token)
    if signatory is None:
        return render_template("supporters/link_problem.html"), 404
    return render_template("supporters/my_data.html", data=privacy.held_data(db.session, signatory),
                           token=token, form=EraseForm())


@bp.get("/my-data/<token>.json")
def my_data_download(token: str) -> ResponseReturnValue:
    signatory = _data_owner(token)
    if signatory is None:
        abort(404)
    body = json.dumps(privacy.held_data(db.session, signatory), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-data.json"',
        "Cache-Control": "no-store"})


@bp.post("/my-data/<token>/erase")
@rate_limited(_limit)
def erase(token: str) -> ResponseReturnValue:
    signatory = _data_owner(token)
    if signatory is None:
        return render_template("supporters/link_problem.html"), 404
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template("supporters/my_data.html", token=token, form=form,
                               data=privacy.held_data(db.session, signatory)), 422
    privacy.erase(db.session, signatory.id)
    db.session.commit()
    return render_template("supporters/erased.html")


# -- organisations ----------------------------------------------------------------------------

@bp.route("/petitions/<slug>/cosign", methods=["GET", "POST"])
@rate_limited(_limit, methods=["POST"])
def cosign(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    if not petition.joint_statement:
        abort(404)
    form = CosignForm()
    if not cosigning.accepts_cosignatures(petition):
        return render_template("supporters/cosign.html", petition=petition, form=form), (
            409 if form.is_submitted() else 200)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("supporters/cosign.html", petition=petition, form=form), status
    if not form.is_bot():
        cosigning.cosign(db.session, petition, cosigning.CosignRequest(
            name=form.organisation.data, country=form.country.data,
            website=form.org_website.data or "", contact_name=form.contact_name.data,
            contact_email=form.contact_email.data, ip_hash=client_ip_hash()), _language())
        db.session.commit()
        mailer.dispatch()
    return redirect(url_for("supporters.cosign_thanks", slug=petition.slug), code=303)


@bp.get("/petitions/<slug>/cosign/thanks")
def cosign_thanks(slug: str) -> ResponseReturnValue:
    return render_template("supporters/cosign_thanks.html", petition=_petition_or_404(slug))


@bp.route("/organisations/confirm/<token>", methods=["GET", "POST"])
@rate_limited(_limit, methods=["POST"])
def confirm_cosign(token: str) -> ResponseReturnValue:
    organisation = cosigning.organisation_for_token(db.session, token)
    if organisation is None:
        return render_template("supporters/link_problem.html"), 404
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("supporters/cosign_confirm.html", organisation=organisation,
                               form=form, token=token), (400 if form.is_submitted() else 200)
    cosigning.confirm(db.session, organisation)
    db.session.commit()
    return render_template("supporters/cosign_confirmed.html", organisation=organisation)
