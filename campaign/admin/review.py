"""The review list: signatures held back by abuse limits, approved or discarded by organizers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from campaign import mailer
from campaign.admin.access import petition_for, requires
from campaign.extensions import db
from campaign.models import Role
from campaign.services import notifications, review

bp = Blueprint("admin_review", __name__, url_prefix="/admin")


class ReviewForm(FlaskForm):
    signature_ids = SelectMultipleField("Signatures", coerce=int)


def _form(petition_id: int) -> tuple[ReviewForm, list]:  # type: ignore[type-arg]
    flagged = review.flagged_signatures(db.session, petition_id)
    form = ReviewForm()
    form.signature_ids.choices = [(s.id, s.name) for s in flagged]
    return form, flagged


@bp.get("/petitions/<int:petition_id>/flagged")
@requires(Role.ORGANIZER)
def flagged(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form, rows = _form(petition.id)
    return render_template("admin/flagged.html", petition=petition, form=form, flagged=rows,
                           total=review.flagged_count(db.session, petition.id))


@bp.post("/petitions/<int:petition_id>/flagged/<any(approve, discard):decision>")
@requires(Role.ORGANIZER)
def decide(petition_id: int, decision: str) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form, _rows = _form(petition.id)
    if not form.validate_on_submit():
        abort(400)
    if decision == "approve":
        approved = review.approve(db.session, petition.id, form.signature_ids.data)
        for item in approved:
            notifications.queue_confirmation(db.session, petition, item.signature_id,
                                             item.email, item.name, item.language)
        db.session.commit()
        mailer.dispatch()
        flash(f"{len(approved)} signature(s) approved; their signers are asked to confirm.",
              "info")
    else:
        removed = review.discard(db.session, petition.id, form.signature_ids.data)
        db.session.commit()
        flash(f"{removed} signature(s) discarded.", "info")
    return redirect(url_for("admin_review.flagged", petition_id=petition.id), code=303)
