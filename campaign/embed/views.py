"""The sign form in a partner's frame: /petitions/<slug>/embed (and /ug/petitions/... etc.).

Framing. Every other page sends `frame-ancestors 'none'`; these pages send the petition's own
allow-list, edited by its organizers, and nothing else may frame them.

Forgery. The session cookie is SameSite=Lax, so browsers do not send it inside a cross-site
frame, and the usual session-bound CSRF token cannot work here. The sign POST is therefore
exempt from the session CSRF check and takes a signed, time-limited site token instead, bound to
the petition and to the allowed site the frame was opened on. That is safe because this POST
uses no ambient authority: it reads no cookie and acts for nobody who is logged in; it only
records a pending signature that counts once its owner confirms it from their mailbox (what a
forged request could do, anyone can do by filling in the form). The token keeps the recorded
source to the allow-list (a site not on it cannot get one naming itself; a script that forges
a partner's Referer can only claim that partner, which skews a statistic, not a count) and stale
copies short-lived; the rate limit applies as on the public form.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from campaign.embed.forms import EmbedSignForm
from campaign.extensions import csrf, db
from campaign.i18n import use_content_language
from campaign.models import Petition
from campaign.public import submission
from campaign.security import CONTENT_SECURITY_POLICY, embeddable
from campaign.services import embeds, petition_translations, petitions, signing

bp = Blueprint("embed", __name__)


def _petition_or_404(slug: str) -> Petition:
    petition = petitions.public_petition(db.session, slug)
    if petition is None:
        abort(404)
    use_content_language(petition.default_language)
    return petition


def _framable(body: str, status: int, origins: list[str]) -> ResponseReturnValue:
    """A response that only the petition's allowed sites may frame."""
    response = make_response(body, status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", embeds.frame_ancestors(origins))
    return response


def _site_of_request(petition: Petition, origins: list[str]) -> str:
    """The allowed site this frame is shown on, or "" when it cannot be told."""
    # A link inside the frame (the language switcher) carries the token it was opened with.
    carried = embeds.read_site_token(current_app.config["SECRET_KEY"],
                                     request.args.get("site", ""), petition.id)
    if carried is not None:
        return carried
    # Browsers send the framing page's origin as the Referer of the frame's first request.
    origin = embeds.origin_of(request.referrer or "")
    return origin if origin in origins else ""


def _render_form(petition: Petition, form: EmbedSignForm, origins: list[str],
                 status: int = 200) -> ResponseReturnValue:
    content = petition_translations.content_for(db.session, petition, str(get_locale()))
    html = render_template("embed/sign.html", petition=petition, form=form, content=content,
                           site=form.site, language_keep={"site": form.site_token.data or ""})
    return _framable(html, status, origins)


@bp.get("/petitions/<slug>/embed")
@embeddable
def sign_form(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    origins = embeds.allowed_origins(db.session, petition.id)
    site = _site_of_request(petition, origins)
    form = EmbedSignForm(petition.id, site_token=embeds.site_token(
        current_app.config["SECRET_KEY"], petition.id, site))
    form.site = site
    return _render_form(petition, form, origins)


@bp.post("/petitions/<slug>/embed/sign")
@embeddable
@csrf.exempt
def sign(slug: str) -> ResponseReturnValue:
    past_abuse_limit = submission.count_attempt()  # answered while the form is checked
    try:
        petition = _petition_or_404(slug)
        origins = embeds.allowed_origins(db.session, petition.id)
        form = EmbedSignForm(petition.id)
        refused = (409 if not petition.accepts_signatures()
                   else 422 if not form.validate() else None)
    finally:
        flagged = past_abuse_limit()  # 429 past the signing limit, before any answer
    if refused is not None:
        return _render_form(petition, form, origins, refused)
    try:
        submission.submit_signature(petition, form, source=form.site or "embed",
                                    referrer=form.site, consent_method="embed",
                                    flagged=flagged)
    except signing.PetitionClosedError:
        return _render_form(petition, form, origins, 409)
    # The same answer whoever signs, as on the public form.
    return redirect(url_for("embed.thanks", slug=petition.slug, site=form.site_token.data),
                    code=303)


@bp.get("/petitions/<slug>/embed/thanks")
@embeddable
def thanks(slug: str) -> ResponseReturnValue:
    petition = _petition_or_404(slug)
    origins = embeds.allowed_origins(db.session, petition.id)
    site = embeds.read_site_token(current_app.config["SECRET_KEY"], request.args.get("site", ""),
                                  petition.id) or ""
    content = petition_translations.content_for(db.session, petition, str(get_locale()))
    html = render_template("embed/thanks.html", petition=petition, content=content, site=site,
                           language_keep={"site": request.args.get("site", "")})
    return _framable(html, 200, origins)
