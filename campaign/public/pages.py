"""The petition page and its JSON, rendered once per version and reused by every visitor.

In a surge every visitor asks for the same page; only the CSRF token differs. Each process
keeps the rendered page per (petition, language, address) with a token placeholder, and
re-renders it when the petition's version changes: its row was edited (`updated_at`), its kept
count moved, or it stopped accepting signatures. Anything the page shows must therefore be
part of `_version`; logged-in organizers and visitors with flashed messages are never served
from the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, current_app, render_template, session, url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import bindparam, select

from campaign.context import this_app, this_request
from campaign.extensions import db
from campaign.formcache import csrf_token
from campaign.models import Petition, PetitionState
from campaign.public.forms import SignForm
from campaign.rendered import RenderedCache
from campaign.services import cosigning, documents, petition_translations, petitions

# Not a token itself: it is swapped for the visitor's own token on every response.
_TOKEN_PLACEHOLDER = "csrf-token-placeholder-4d1f0c"  # noqa: S105 - not a secret


# The columns that say whether a petition changed; read on every request, with no ORM session.
_VERSION = select(Petition.id, Petition.updated_at, Petition.signature_count, Petition.state,
                  Petition.closes_at).where(Petition.slug == bindparam("slug"))


def public_petition(slug: str) -> Petition | None:
    """The public petition at `slug`: this process's copy while its row has not changed.

    Whether the row changed is asked at most every PETITION_RECHECK_SECONDS (one indexed
    lookup of a few columns); in between, every request of this process is served from the
    copy, so a surge costs the database nothing here. A count on the page is thus at most
    that old, and signing checks that the petition is still open in its own INSERT. The
    full row is loaded again only when it changed; the copy is detached and only read
    (views, templates, the signing service).
    """
    app = this_app()
    copies: dict[str, tuple[float, Petition]] = app.extensions.setdefault(
        "campaign_petitions", {})
    now = time.monotonic()
    held = copies.get(slug)
    if held is not None and now - held[0] < app.config["PETITION_RECHECK_SECONDS"]:
        return held[1]
    assert db.engine is not None
    with db.engine.connect() as conn:
        row = conn.execute(_VERSION, {"slug": slug}).first()
    if row is None or row.state is PetitionState.DRAFT:
        copies.pop(slug, None)
        return None
    if held is not None and _row_version(held[1]) == tuple(row):
        copies[slug] = (now, held[1])
        return held[1]
    petition = petitions.public_petition(db.session, slug)
    if petition is None:
        return None
    db.session.expunge(petition)
    copies[slug] = (now, petition)
    return petition


def _row_version(petition: Petition) -> tuple[Any, ...]:
    return (petition.id, petition.updated_at, petition.signature_count, petition.state,
            petition.closes_at)


def _cache(name: str) -> RenderedCache:
    caches: dict[str, RenderedCache] = this_app().extensions.setdefault("campaign_pages", {})
    if name not in caches:
        caches[name] = RenderedCache()
    return caches[name]


def _version(petition: Petition) -> Hashable:
    return (petition.updated_at, petition.signature_count, petition.state,
            petition.accepts_signatures())


def _cacheable() -> bool:
    # Without CSRF (some tests switch it off) there is no token to swap in.
    return ("sid" not in session and "_flashes" not in session
            and this_app().config.get("WTF_CSRF_ENABLED", True))


def petition_page(petition: Petition, source: str) -> str | bytes:
    """The petition page with a fresh sign form carrying this visitor's CSRF token.

    From the cache it is UTF-8 already, kept as the bytes around the token: a page in a script
    beyond Latin-1 took longer to encode on every view than the rest of the view.
    """
    def context() -> dict[str, Any]:
        # Translations and sources bump the petition's updated_at when they change
        # (petitions.mark_changed), so they are part of the cached page's version.
        return {"content": petition_translations.content_for(db.session, petition,
                                                             str(get_locale())),
                "sources": documents.petition_sources(db.session, petition.id),
                "organisations": (cosigning.approved(db.session, petition.id)
                                  if petition.joint_statement else None)}

    if not _cacheable():
        return render_template("public/petition.html", petition=petition,
                               form=SignForm(source=source), notice=None, **context())

    def render() -> list[bytes]:
        form = SignForm(source=source)
        form.csrf_token.current_token = _TOKEN_PLACEHOLDER
        page = render_template("public/petition.html", petition=petition, form=form,
                               notice=None, **context())
        return page.encode().split(_TOKEN_PLACEHOLDER.encode())

    key = (petition.id, str(get_locale()), this_request().full_path)
    parts: list[bytes] = _cache("petition").get_or_render(key, _version(petition), render)
    return str(Markup.escape(csrf_token())).encode().join(parts)


def thanks_redirect(petition: Petition) -> Response:
    """The answer to a signature: 303 to the petition's thanks page.

    Its address is made once per petition and address prefix (a language, the site's root),
    not built by the URL map for every signature, and the answer has no body: a 303 is
    followed, never shown.
    """
    app = this_app()
    key = (this_request().script_root, petition.slug)
    locations: dict[tuple[str, str], str] = app.extensions.setdefault(
        "campaign_thanks_locations", {})
    location = locations.get(key)
    if location is None:
        location = locations[key] = url_for("public.thanks", slug=petition.slug)
    return app.response_class(status=303, headers={"Location": location})


def petition_json(petition: Petition, summarise: Callable[[], dict[str, Any]]) -> bytes:
    """The JSON summary, serialised once per version: its counts move with the kept total."""

    def render() -> bytes:
        return current_app.json.dumps(summarise()).encode() + b"\n"

    data: bytes = _cache("petition-json").get_or_render(petition.id, _version(petition), render)
    return data
