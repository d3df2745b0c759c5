"""Admin for documents: upload, review the calls they hold, make petitions and letters of them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from campaign.admin.access import require_role, requires, scope_argument
from campaign.admin.document_forms import (
    AddCallForm,
    AskForm,
    CallForm,
    SelectionForm,
    SignatoriesForm,
    SplitForm,
    UploadForm,
)
from campaign.admin.forms import StateForm
from campaign.extensions import db
from campaign.ingest.readers import megabytes
from campaign.models import Call, CallState, Campaign, Document, Role
from campaign.services import documents, organizers

bp = Blueprint("admin_documents", __name__, url_prefix="/admin/documents")
scope_argument("document_id", Document)

# Form fields beside the file itself; the upload cap is on the file, not on them.
_FORM_OVERHEAD = 64 * 1024


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page needs a logged-in organizer; roles are checked per view."""


def _document_for(document_id: int, needed: Role) -> tuple[Document, Role]:
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    return document, require_role(document.campaign_id, needed)


def _call_for(document: Document, call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None or call.document_id != document.id:
        abort(404)
    return call


def _sentence(message: str) -> str:
    """A service's message as a sentence on a page."""
    return message[:1].upper() + message[1:] + "."


def _to_document(document: Document, anchor: str = "") -> ResponseReturnValue:
    url = url_for("admin_documents.document", document_id=document.id)
    return redirect(url + (f"#{anchor}" if anchor else ""), code=303)


@bp.get("/")
@requires(Role.VIEWER)
def index() -> ResponseReturnValue:
    memberships = organizers.campaigns_of(db.session, current_user)
    rows = documents.list_documents(db.session, [c.id for c, _ in memberships])
    can_upload = any(role.allows(Role.ORGANIZER) for _, role in memberships)
    return render_template("admin/documents/index.html", documents=rows, can_upload=can_upload)


def _with_campaign_choices(form: UploadForm) -> UploadForm:
    form.campaign_id.choices = [(c.id, c.name)
                                for c, role in organizers.campaigns_of(db.session, current_user)
                                if role.allows(Role.ORGANIZER)]
    return form


def _render_upload(form: UploadForm, status: int = 200) -> ResponseReturnValue:
    return render_template("admin/documents/upload.html", form=form,
                           limit=megabytes(form.max_bytes())), status


@bp.url_value_preprocessor
def _upload_size_limit(endpoint: str | None, _values: dict | None) -> None:
    """Let uploads be as large as INGEST_UPLOAD_MAX_BYTES, not the app-wide request limit.

    Set here because URL value preprocessors run before every before_request hook, and some
    of those (the CSRF check) read the request body.
    """
    if endpoint == "admin_documents.upload":
        request.max_content_length = (current_app.config["INGEST_UPLOAD_MAX_BYTES"]
                                      + _FORM_OVERHEAD)


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over the limit gets the form again, saying so, not an error page."""
    if request.endpoint != "admin_documents.upload":
        return exc
    form = _with_campaign_choices(UploadForm(formdata=None))
    form.document.errors = [form.too_large_message()]
    return _render_upload(form, 413)


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ORGANIZER)
def upload() -> ResponseReturnValue:
    form = _with_campaign_choices(UploadForm())
    if not form.campaign_id.choices:
        abort(403)
    if not form.validate_on_submit():
        return _render_upload(form, 422 if form.is_submitted() else 200)
    require_role(form.campaign_id.data, Role.ORGANIZER)
    campaign = db.session.get_one(Campaign, form.campaign_id.data)
    if form.url.data:
        limits = documents.IngestLimits.from_config(current_app.config)
        outcome = documents.ingest_source(db.session, campaign, form.url.data, limits)
    else:
        outcome = documents.ingest_upload(db.session, campaign, form.document.data.filename,
                                          form.document.data.read())
    if outcome.failed:
        db.session.rollback()
        field = form.url if form.url.data else form.document
        field.errors = [f"This document cannot be read: {outcome.message}."]
        return _render_upload(form, 422)
    db.session.commit()
    flash(_sentence(outcome.message), "info")
    return redirect(url_for("admin_documents.document", document_id=outcome.document_id),
                    code=303)


@bp.get("/<int:document_id>")
@requires(Role.VIEWER)
def document(document_id: int) -> ResponseReturnValue:
    document, role = _document_for(document_id, Role.VIEWER)
    return _render_document(document, role)


def _render_document(document: Document, role: Role, selection: SelectionForm | None = None,
                     signatories: SignatoriesForm | None = None,
                     status: int = 200) -> ResponseReturnValue:
    signatories = signatories or SignatoriesForm(formdata=None, organisations="\n".join(
        document.cosigning_organisations or document.detected_signatories))
    return render_template("admin/documents/document.html", document=document, role=role,
                           segments=documents.highlight_segments(document),
                           selection=selection or SelectionForm(formdata=None),
                           signatories=signatories, state_form=StateForm()), status


# One plain address per action.
@bp.post("/<int:document_id>/calls/<int:call_id>/accept", defaults={"action": "accept"})
@bp.post("/<int:document_id>/calls/<int:call_id>/reject", defaults={"action": "reject"})
@bp.post("/<int:document_id>/calls/<int:call_id>/restore", defaults={"action": "restore"})
@requires(Role.ORGANIZER)
def change_call_state(document_id: int, call_id: int, action: str) -> ResponseReturnValue:
    document, _ = _document_for(document_id, Role.ORGANIZER)
    call = _call_for(document, call_id)
    if not StateForm().validate_on_submit():
        abort(400)
    new_state = {"accept": CallState.ACCEPTED, "reject": CallState.REJECTED,
                 "restore": CallState.PROPOSED}[action]
    documents.set_call_state(call, new_state)
    db.session.commit()
    return _to_document(document, f"call-{call.id}")


@bp.route("/<int:document_id>/calls/<int:call_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANIZER)
def edit_call(document_id: int, call_id: int) -> ResponseReturnValue:
    document, _ = _document_for(document_id, Role.ORGANIZER)
    call = _call_for(document, call_id)
    form = CallForm(obj=call)
    if form.validate_on_submit():
        documents.edit_call(call, form.actor.data, form.target.data, form.demand.data)
        db.session.commit()
        flash("The call is saved.", "info")
        return _to_document(document, f"call-{call.id}")
    split = SplitForm(formdata=None, demands=call.demand)
    return render_template("admin/documents/call.html", document=document, call=call,
                           form=form, split=split), 422 if form.is_submitted() else 200


@bp.post("/<int:document_id>/calls/<int:call_id>/split")
@requires(Role.ORGANIZER)
def split_call(document_id: int, call_id: int) -> ResponseReturnValue:
    document, _ = _document_for(document_id, Role.ORGANIZER)
    call = _call_for(document, call_id)
    split = SplitForm()
    if not split.validate_on_submit():
        return render_template("admin/documents/call.html", document=document, call=call,
                               form=CallForm(formdata=None, obj=call), split=split), 422
    made = documents.split_call(db.session, call, split.demand_list())
    db.session.commit()
    flash(f"The call is split into {len(made)} calls.", "info")
    return _to_document(document, f"call-{call.id}")


@bp.route("/<int:document_id>/calls/new", methods=["GET", "POST"])
@requires(Role.ORGANIZER)
def add_call(document_id: int) -> ResponseReturnValue:
    document, _ = _document_for(document_id, Role.ORGANIZER)
    form = AddCallForm(document_text=document.text)
    if form.validate_on_submit():
        call = documents.add_call(db.session, document, form.passage.data, form.actor.data,
                                  form.target.data, form.demand.data)
        db.session.commit()
        flash("The call is added.", "info")
        return _to_document(document, f"call-{call.id}")
    return render_template("admin/documents/add_call.html", document=document,
                           form=form), 422 if form.is_submitted() else 200


@bp.post("/<int:document_id>/selection")
@requires(Role.ORGANIZER)
def act_on_selection(document_id: int) -> ResponseReturnValue:
    document, role = _document_for(document_id, Role.ORGANIZER)
    form = SelectionForm()
    form.call_ids.choices = [(c.id, str(c.id)) for c in document.calls]
    if not form.validate_on_submit():
        return _render_document(document, role, selection=form, status=422)
    chosen = set(form.call_ids.data)
    calls = [c for c in document.calls if c.id in chosen]
    try:
        made = documents.act_on_calls(db.session, calls, form.action.data, form.title.data or "")
    except documents.DocumentError as exc:
        db.session.rollback()
        form.call_ids.errors = [_sentence(str(exc))]
        return _render_document(document, role, selection=form, status=422)
    db.session.commit()
    flash(made.message, "info")
    if made.petition_id is not None:
        return redirect(url_for("admin.petition", petition_id=made.petition_id), code=303)
    return _to_document(document, f"call-{made.call_id}" if made.call_id else "")


@bp.post("/<int:document_id>/signatories")
@requires(Role.ORGANIZER)
def save_signatories(document_id: int) -> ResponseReturnValue:
    document, role = _document_for(document_id, Role.ORGANIZER)
    form = SignatoriesForm()
    if not form.validate_on_submit():
        return _render_document(document, role, signatories=form, status=422)
    documents.set_cosigning_organisations(document, (form.organisations.data or "").splitlines())
    db.session.commit()
    flash(f"{len(document.cosigning_organisations)} co-signing organisation(s) kept.", "info")
    return _to_document(document, "signatories")


@bp.get("/asks")
@requires(Role.VIEWER)
def asks() -> ResponseReturnValue:
    memberships = organizers.campaigns_of(db.session, current_user)
    if not memberships:
        abort(404)
    wanted = request.args.get("campaign_id", type=int)
    campaign, role = next(((c, r) for c, r in memberships if c.id == wanted), memberships[0])
    return render_template("admin/documents/asks.html", campaign=campaign, role=role,
                           memberships=memberships, form=AskForm(formdata=None),
                           asks=documents.campaign_asks(db.session, campaign.id))


@bp.post("/asks")
@requires(Role.ORGANIZER)
def act_on_ask() -> ResponseReturnValue:
    form = AskForm()
    campaign_id = form.campaign_id.data
    if not isinstance(campaign_id, int):
        abort(400)
    require_role(campaign_id, Role.ORGANIZER)
    calls = documents.campaign_calls(db.session, campaign_id, form.call_ids.data or [])
    form.call_ids.choices = [(c.id, str(c.id)) for c in calls]
    back = url_for("admin_documents.asks", campaign_id=campaign_id)
    if not form.validate_on_submit():
        flash("Choose the calls of one ask, then a petition or a letter campaign.", "error")
        return redirect(back, code=303)
    try:
        made = documents.act_on_calls(db.session, calls, form.action.data)
    except documents.DocumentError as exc:
        db.session.rollback()
        flash(_sentence(str(exc)), "error")
        return redirect(back, code=303)
    db.session.commit()
    flash(made.message, "info")
    if made.petition_id is not None:
        back = url_for("admin.petition", petition_id=made.petition_id)
    return redirect(back, code=303)
