"""Organizer login and logout, with sessions kept on the server so they can be revoked."""

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
from flask_login import current_user

from campaign.auth.forms import LoginForm
from campaign.auth.sessions import safe_next_url
from campaign.extensions import db
from campaign.ratelimit import rate_limited
from campaign.services import organizers, two_factor

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _login_key() -> str:
    # Per account, not per address: an attacker with many addresses still gets 5 tries a minute.
    return "login:" + organizers.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@rate_limited(_login_limit, key=_login_key, methods=["POST"],
               charge_when=lambda response: response.status_code != 303)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        organizer = organizers.authenticate(db.session, form.email.data, form.password.data)
        if organizer is not None:
            login = organizers.start_session(db.session, organizer)
            db.session.commit()
            # A fresh cookie at login: nothing from before the login carries over.
            session.clear()
            session["sid"] = login.id
            session.permanent = True
            next_url = safe_next_url(request.args.get("next"))
            if not two_factor.session_complete(db.session, login):
                return redirect(url_for("two_factor.verify", next=next_url), code=303)
            return redirect(next_url, code=303)
        flash("That email and password do not match an organizer account.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    sid = session.pop("sid", None)
    if sid:
        organizers.end_session(db.session, sid)
        db.session.commit()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"), code=303)
