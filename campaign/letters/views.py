"""Public pages: pick a letter campaign, find your legislators, write, and send."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from campaign import mailer
from campaign.clients import client_ip_hash
from campaign.extensions import db
from campaign.letters.forms import (
    ConfirmSendForm,
    EditForm,
    FindForm,
    ReplyForm,
    SendForm,
    WriteForm,
)
from campaign.models import DeliveryMethod, Letter, LetterCampaign, LetterState
from campaign.ratelimit import rate_limited
from campaign.services import letter_delivery, letter_mail, letters
from campaign.services.letter_templates import SupporterPart, TemplateProblem
from campaign.services.mail import HeaderInjectionError

bp = Blueprint("letters", __name__, url_prefix="/letters")


def _rate_limit() -> str:
    return str(current_app.config["SIGN_RATE_LIMIT"])


def _language() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def _letter_campaign_or_404(slug: str) -> LetterCampaign:
    letter_campaign = letters.public_letter_campaign(db.session, slug)
    if letter_campaign is None:
        abort(404)
    return letter_campaign


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("letters/index.html",
                           letter_campaigns=letters.open_letter_campaigns(db.session))


@bp.get("/<slug>")
def campaign_page(slug: str) -> ResponseReturnValue:
    letter_campaign = _letter_campaign_or_404(slug)
    form = FindForm(request.args, chamber_slugs=letter_campaign.chamber_slugs)
    found = None
    if "country" in request.args and form.validate():
        found = letters.find_legislators(db.session, letter_campaign, letters.Place(
            country=form.country.data, region=form.region.data or None,
            state=form.state.data or None, district=form.district.data or None,
            postcode=form.postcode.data or None))
    status = 422 if "country" in request.args and form.errors else 200
    return render_template("letters/campaign.html", letter_campaign=letter_campaign, form=form,
                           found=found), status


@bp.route("/<slug>/to/<int:legislator_id>", methods=["GET", "POST"])
@rate_limited(_rate_limit, methods=["POST"])
def write(slug: str, legislator_id: int) -> ResponseReturnValue:
    letter_campaign = _letter_campaign_or_404(slug)
    legislator = letters.addressee(db.session, letter_campaign, legislator_id)
    if legislator is None:
        abort(404)
    form = WriteForm(source=request.args.get("source", "")[:64])
    problem = None
    if form.validate_on_submit():
        try:
            letter = letters.start_letter(db.session, letter_campaign, legislator,
                                          letters.LetterRequest(
                name=form.name.data, email=form.email.data, town=form.town.data or "",
                personal_paragraph=form.personal_paragraph.data, ip_hash=client_ip_hash(),
                source=form.source.data or "", referrer=request.referrer or ""))
        except (letters.LetterError, TemplateProblem, HeaderInjectionError):
            db.session.rollback()
            problem = "template"
        else:
            db.session.commit()
            token = letters.make_token(current_app.config["SECRET_KEY"], letters.DRAFT_SALT,
                                       letter.id)
            return redirect(url_for("letters.draft", token=token), code=303)
    try:
        preview = letters.draft(db.session, letter_campaign, legislator, SupporterPart(
            name=form.name.data or "…", town=form.town.data or "",
            personal_paragraph=form.personal_paragraph.data or "[…]"))
    except (letters.LetterError, TemplateProblem):
        preview, problem = None, "template"
    status = 422 if form.errors else (503 if problem else 200)
    return render_template("letters/write.html", letter_campaign=letter_campaign,
                           legislator=legislator, form=form, preview=preview,
                           problem=problem), status


def _letter_for(token: str, salt: str) -> Letter:
    try:
        letter = letters.letter_for_token(db.session, current_app.config["SECRET_KEY"], salt,
                                          token)
    except letters.InvalidLetterLinkError as exc:
        abort(410 if exc.expired else 404)
    if letter is None:
        abort(404)
    if letter.signatory_id is None and letter.state is LetterState.DRAFTED:
        # An abandoned draft whose writer's details were forgotten.
        abort(410)
    return letter


def _render_draft(letter: Letter, token: str, form: EditForm | None = None,
                  send_form: SendForm | None = None, nudge: bool = False,
                  status: int = 200) -> ResponseReturnValue:
    legislator = letter.legislator
    return render_template(
        "letters/draft.html", letter=letter, legislator=legislator, token=token,
        form=form or EditForm(subject=letter.subject, body=letter.body),
        send_form=send_form or SendForm(), nudge=nudge,
        near_copy=letters.is_near_copy(letter),
        mailto=letter_delivery.mailto_link(letter) if legislator.email else None,
        contact_form_url=letter_delivery.web_link(legislator.contact_form_url),
        sent=letter.state is LetterState.SENT), status


@bp.get("/draft/<token>")
def draft(token: str) -> ResponseReturnValue:
    return _render_draft(_letter_for(token, letters.DRAFT_SALT), token)


@bp.post("/draft/<token>")
@rate_limited(_rate_limit)
def edit(token: str) -> ResponseReturnValue:
    letter = _letter_for(token, letters.DRAFT_SALT)
    form = EditForm()
    if not form.validate() or letter.state is LetterState.SENT:
        return _render_draft(letter, token, form=form, status=422)
    try:
        letters.edit_letter(db.session, letter, form.subject.data, form.body.data)
    except (letters.LetterError, TemplateProblem, HeaderInjectionError):
        db.session.rollback()
        return _render_draft(letter, token, form=form, status=409)
    db.session.commit()
    return redirect(url_for("letters.draft", token=token), code=303)


def _download_name(letter: Letter, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", letter.legislator.name).strip("-").lower() or "letter"
    return f"letter-to-{stem}.{extension}"


@bp.get("/draft/<token>/letter.pdf")
def pdf(token: str) -> ResponseReturnValue:
    letter = _letter_for(token, letters.DRAFT_SALT)
    try:
        content = letter_delivery.pdf_bytes(letter, current_app.config["LETTER_FONT"])
    except letter_delivery.FontMissingError:
        return render_template("letters/problem.html", problem="font"), 503
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(letter, "pdf")}"'})


@bp.get("/draft/<token>/letter.eml")
def eml(token: str) -> ResponseReturnValue:
    letter = _letter_for(token, letters.DRAFT_SALT)
    if not letter.legislator.email or letter.signatory is None:
        abort(404)
    return Response(letter_delivery.eml_bytes(letter, letter.signatory.email),
                    mimetype="message/rfc822", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(letter, "eml")}"'})


@bp.post("/draft/<token>/send")
@rate_limited(_rate_limit)
def send(token: str) -> ResponseReturnValue:
    letter = _letter_for(token, letters.DRAFT_SALT)
    form = SendForm()
    if letter.state is LetterState.SENT:
        return _render_draft(letter, token, status=409)
    if not form.validate():
        return _render_draft(letter, token, send_form=form, status=422)
    if letters.is_near_copy(letter) and not form.send_anyway.data:
        return _render_draft(letter, token, send_form=form, nudge=True, status=409)
    method = form.delivery_method()
    if method is DeliveryMethod.APP_EMAIL:
        if not letter.legislator.email or letter.signatory is None:
            abort(409)
        letter_mail.queue_send_confirmation(db.session, letter, _language())
        db.session.commit()
        mailer.dispatch()
        return render_template("letters/check_email.html", letter=letter)
    letters.mark_sent(db.session, letter, method)
    db.session.commit()
    return render_template("letters/sent.html", letter=letter, queued=False)


@bp.route("/send/<token>", methods=["GET", "POST"])
@rate_limited(_rate_limit, methods=["POST"])
def confirm_send(token: str) -> ResponseReturnValue:
    # A GET sends nothing: mail scanners open links, people press buttons.
    letter = _letter_for(token, letters.SEND_SALT)
    form = ConfirmSendForm()
    if letter.state is LetterState.SENT:
        return render_template("letters/sent.html", letter=letter, queued=True)
    if not form.validate_on_submit():
        return render_template("letters/confirm_send.html", letter=letter, form=form,
                               token=token)
    try:
        letters.send_through_app(db.session, letter)
    except (letters.LetterError, ValueError):  # ValueError: an address that cannot be a header
        db.session.rollback()
        return render_template("letters/problem.html", problem="cannot-send"), 409
    db.session.commit()
    mailer.dispatch()
    return render_template("letters/sent.html", letter=letter, queued=True)


@bp.route("/reply/<token>", methods=["GET", "POST"])
@rate_limited(_rate_limit, methods=["POST"])
def reply(token: str) -> ResponseReturnValue:
    letter = _letter_for(token, letters.REPLY_SALT)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            letters.record_reply(db.session, letter, form.reply_status())
        except letters.LetterError:
            abort(409)
        db.session.commit()
        return render_template("letters/reply_thanks.html", letter=letter)
    return render_template("letters/reply.html", letter=letter, form=form, token=token), (
        422 if form.errors else 200)
