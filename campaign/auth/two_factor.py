"""Second login step (TOTP) and its set-up, between the password and the admin."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from campaign.auth.sessions import current_login, safe_next_url
from campaign.auth.two_factor_forms import CodeForm
from campaign.extensions import db
from campaign.ratelimit import rate_limited
from campaign.services import two_factor

bp = Blueprint("two_factor", __name__, url_prefix="/login/two-factor")


def _code_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _code_key() -> str:
    # Per login: guessing codes from many addresses still gets 5 tries a minute.
    return "totp:" + str(session.get("sid", ""))


def _next_url() -> str:
    return safe_next_url(request.args.get("next"))


@bp.route("", methods=["GET", "POST"])
@rate_limited(_code_limit, key=_code_key, methods=["POST"],
               charge_when=lambda response: response.status_code != 303)
def verify() -> ResponseReturnValue:
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"), code=303)
    if login.organizer.totp_secret is None:
        return redirect(url_for("two_factor.setup", next=request.args.get("next")), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.verify_code(db.session, login.organizer, form.code.data):
            two_factor.mark_verified(login)
            db.session.commit()
            return redirect(_next_url(), code=303)
        db.session.rollback()
        form.code.errors.append("That code is not right, or was used already. "
                                "Wait for the next one and try again.")
        return render_template("auth/two_factor.html", form=form), 401
    return render_template("auth/two_factor.html", form=form)


@bp.route("/setup", methods=["GET", "POST"])
@rate_limited(_code_limit, key=_code_key, methods=["POST"],
               charge_when=lambda response: response.status_code != 303)
def setup() -> ResponseReturnValue:
    login = current_login()
    if login is None:
        return redirect(url_for("auth.login"), code=303)
    if login.organizer.totp_secret is not None:
        # Replacing a secret needs the old factor first; that is not offered here.
        return redirect(url_for("two_factor.verify", next=request.args.get("next")), code=303)
    if login.totp_pending_secret is None:
        login.totp_pending_secret = two_factor.new_secret()
        db.session.commit()
    secret = login.totp_pending_secret
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.enable(db.session, login.organizer, secret, form.code.data):
            two_factor.mark_verified(login)
            db.session.commit()
            flash("Two-factor authentication is on.", "info")
            return redirect(_next_url(), code=303)
        form.code.errors.append("That code does not match. Check the clock of your phone "
                                "and try the next code.")
    uri = two_factor.provisioning_uri(secret, login.organizer.email,
                                      current_app.config["TWO_FACTOR_ISSUER"])
    status = 401 if form.errors else 200
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr_code=two_factor.qr_code_data_uri(uri)), status
