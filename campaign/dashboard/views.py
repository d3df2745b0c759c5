"""The organizers' side of signatory tracking: dashboards, exports and the audit log, fraud
handling, and co-signing organisations. Every view is behind login and a role."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from campaign.admin import access
from campaign.admin.access import can_export, petition_for, require_role
from campaign.dashboard.forms import (
    BurstFilterForm,
    ButtonForm,
    DeliveryForm,
    ExportForm,
    InvalidateForm,
    JointStatementForm,
)
from campaign.extensions import db
from campaign.models import Campaign, Invalidation, OrganisationSignature, Petition, Role
from campaign.services import audit, charts, cosigning, exports, fraud, pageviews, stats

bp = Blueprint("dashboard", __name__, url_prefix="/admin")

# The least role each view needs (each view also checks it itself), for an admin guard that
# wants every route declared: campaign_id, invalidation_id and organisation_id point at a
# campaign through Campaign.id, Invalidation.petition_id and OrganisationSignature.petition_id.
# Personal data (CSV, audit log, names in the PDF) also needs `can_export`.
REQUIRED_ROLES: dict[str, Role] = {
    "dashboard.petition_dashboard": Role.VIEWER,
    "dashboard.campaign_dashboard": Role.VIEWER,
    "dashboard.export_page": Role.OWNER,
    "dashboard.export_csv": Role.OWNER,
    "dashboard.audit_log": Role.OWNER,
    "dashboard.delivery": Role.ORGANIZER,
    "dashboard.fraud_page": Role.ORGANIZER,
    "dashboard.invalidate": Role.ORGANIZER,
    "dashboard.restore": Role.ORGANIZER,
    "dashboard.organisations": Role.ORGANIZER,
    "dashboard.joint_statement": Role.ORGANIZER,
    "dashboard.decide_organisation": Role.ORGANIZER,
}


for _endpoint, _role in REQUIRED_ROLES.items():
    access.declare(_endpoint, _role)
access.scope_argument("invalidation_id", Invalidation)
access.scope_argument("organisation_id", OrganisationSignature)


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page here needs a logged-in organizer; roles are checked per view."""


def _flush_views() -> None:
    try:
        pageviews.flush(current_app._get_current_object())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - the dashboard shows what is written so far
        current_app.logger.warning("could not write page views", exc_info=True)


def _render_dashboard(board: stats.Dashboard, campaign: Campaign,
                      petition: Petition | None) -> ResponseReturnValue:
    return render_template("dashboard/dashboard.html", board=board, campaign=campaign,
                           petition=petition, bar_chart=charts.bar_chart,
                           daily_chart=charts.daily_chart,
                           may_export=can_export(current_user, campaign.id))


@bp.get("/petitions/<int:petition_id>/dashboard")
def petition_dashboard(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.VIEWER)
    _flush_views()
    board = stats.dashboard(db.session, petition.title, [petition.id],
                            max_age_seconds=current_app.config["DASHBOARD_MAX_AGE_SECONDS"])
    db.session.commit()  # keeps the snapshot
    return _render_dashboard(board, petition.campaign, petition)


@bp.get("/campaigns/<int:campaign_id>/dashboard")
def campaign_dashboard(campaign_id: int) -> ResponseReturnValue:
    require_role(campaign_id, Role.VIEWER)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    _flush_views()
    ids = list(db.session.scalars(select(Petition.id).where(Petition.campaign_id == campaign_id)))
    board = stats.dashboard(db.session, campaign.name, ids, campaign_id=campaign_id,
                            max_age_seconds=current_app.config["DASHBOARD_MAX_AGE_SECONDS"])
    db.session.commit()  # keeps the snapshots
    return _render_dashboard(board, campaign, None)


# -- exports ----------------------------------------------------------------------------------

def _export_form(campaign_id: int) -> ExportForm:
    form = ExportForm(request.args)
    form.petition_id.choices = [(0, "All petitions of the campaign")] + [
        (p.id, p.title) for p in db.session.scalars(
            select(Petition).where(Petition.campaign_id == campaign_id)
            .order_by(Petition.created_at.desc()))]
    return form


def _owner_campaign(campaign_id: int) -> Campaign:
    require_role(campaign_id, Role.VIEWER)
    if not can_export(current_user, campaign_id):
        abort(403)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns/<int:campaign_id>/export")
def export_page(campaign_id: int) -> ResponseReturnValue:
    campaign = _owner_campaign(campaign_id)
    return render_template("dashboard/export.html", campaign=campaign,
                           form=_export_form(campaign_id))


@bp.get("/campaigns/<int:campaign_id>/export.csv")
def export_csv(campaign_id: int) -> ResponseReturnValue:
    campaign = _owner_campaign(campaign_id)
    form = _export_form(campaign_id)
    if not form.validate():
        return render_template("dashboard/export.html", campaign=campaign, form=form), 422
    filters = exports.ExportFilters(
        campaign_id=campaign_id, petition_id=form.petition_id.data or None,
        state=form.state.data, country=form.country.data or "", date_from=form.date_from.data,
        date_to=form.date_to.data, consent=form.consent.data or "")
    entry_id = exports.start_audit(db.session, filters, current_user)
    db.session.commit()
    session = db.new_session()

    def generate():  # type: ignore[no-untyped-def]
        try:
            yield from exports.csv_chunks(
                session, filters, on_done=lambda rows: exports.finish_audit(session, entry_id,
                                                                            rows))
        finally:
            session.close()

    filename = f"signatories-{campaign.slug}-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
    return Response(generate(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@bp.route("/petitions/<int:petition_id>/delivery", methods=["GET", "POST"])
def delivery(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form = DeliveryForm()
    if not form.validate_on_submit():
        return render_template("dashboard/delivery.html", petition=petition, form=form,
                               may_name=can_export(current_user, petition.campaign_id))
    include_names = bool(form.include_names.data)
    if include_names and not can_export(current_user, petition.campaign_id):
        abort(403)
    try:
        document, named = exports.delivery_pdf(db.session, petition, include_names)
    except exports.FontMissingError as exc:
        flash(f"The PDF cannot be made: {exc}.", "error")
        return redirect(url_for("dashboard.delivery", petition_id=petition.id), code=303)
    audit.record(db.session, campaign_id=petition.campaign_id, petition_id=petition.id,
                 action="export-pdf", organizer=current_user, row_count=named,
                 details={"include_names": include_names})
    db.session.commit()
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{petition.slug}-delivery.pdf"',
        "Cache-Control": "no-store"})


@bp.get("/campaigns/<int:campaign_id>/audit")
def audit_log(campaign_id: int) -> ResponseReturnValue:
    campaign = _owner_campaign(campaign_id)
    return render_template("dashboard/audit.html", campaign=campaign,
                           entries=audit.entries(db.session, campaign_id))


# -- fraud ------------------------------------------------------------------------------------

@bp.get("/petitions/<int:petition_id>/fraud")
def fraud_page(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    filters = BurstFilterForm(request.args)
    if not filters.validate():
        filters = BurstFilterForm(formdata=None)
    groups = fraud.bursts(db.session, petition.id, filters.grouping.data,
                          filters.window.data or 10, filters.min_size.data or 5)
    return render_template("dashboard/fraud.html", petition=petition, filters=filters,
                           bursts=groups, form=InvalidateForm(), button=ButtonForm(),
                           invalidations=fraud.invalidations(db.session, petition.id))


@bp.post("/petitions/<int:petition_id>/fraud/invalidate")
def invalidate(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form = InvalidateForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("dashboard.fraud_page", petition_id=petition.id), code=303)
    burst = fraud.Burst(form.grouping.data, form.key.data,
                        datetime.fromtimestamp(int(form.window_start.data), UTC),
                        int(form.window_minutes.data), 0, 0)
    try:
        invalidation = fraud.invalidate(db.session, petition, burst, form.reason.data,
                                        current_user)
    except fraud.FraudError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Invalidated the group: {invalidation.description}.", "info")
    return redirect(url_for("dashboard.fraud_page", petition_id=petition.id), code=303)


@bp.post("/invalidations/<int:invalidation_id>/restore")
def restore(invalidation_id: int) -> ResponseReturnValue:
    invalidation = db.session.get(Invalidation, invalidation_id)
    if invalidation is None:
        abort(404)
    petition = petition_for(invalidation.petition_id, Role.ORGANIZER)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        restored = fraud.restore(db.session, invalidation, current_user)
    except fraud.FraudError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Restored {restored} signature(s).", "info")
    return redirect(url_for("dashboard.fraud_page", petition_id=petition.id), code=303)


# -- organisations ----------------------------------------------------------------------------

@bp.get("/petitions/<int:petition_id>/organisations")
def organisations(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    return render_template("dashboard/organisations.html", petition=petition,
                           organisations=cosigning.for_review(db.session, petition.id),
                           button=ButtonForm(),
                           toggle=JointStatementForm(joint_statement=petition.joint_statement))


@bp.post("/petitions/<int:petition_id>/joint-statement")
def joint_statement(petition_id: int) -> ResponseReturnValue:
    petition = petition_for(petition_id, Role.ORGANIZER)
    form = JointStatementForm()
    if not form.validate_on_submit():
        abort(400)
    petition.joint_statement = bool(form.joint_statement.data)
    db.session.commit()
    flash("Organisations may now co-sign." if petition.joint_statement
          else "Organisations can no longer co-sign.", "info")
    return redirect(url_for("dashboard.organisations", petition_id=petition.id), code=303)


@bp.post("/organisations/<int:organisation_id>/approve", defaults={"decision": "approve"})
@bp.post("/organisations/<int:organisation_id>/reject", defaults={"decision": "reject"})
def decide_organisation(organisation_id: int, decision: str) -> ResponseReturnValue:
    organisation = db.session.get(OrganisationSignature, organisation_id)
    if organisation is None:
        abort(404)
    petition = petition_for(organisation.petition_id, Role.ORGANIZER)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        cosigning.decide(db.session, organisation, approve=decision == "approve")
    except ValueError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
    return redirect(url_for("dashboard.organisations", petition_id=petition.id), code=303)
