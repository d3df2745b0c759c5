"""Showing a petition's sign form on partner websites: the allow-list, the tokens, the snippet."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from itsdangerous import BadSignature
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaign import tokens
from campaign.models import EmbedSite, Petition

SITE_TOKEN_SALT = "embed-site"  # noqa: S105 - a salt that names the token's purpose
# Long enough for a slow signer, short enough that a harvested token soon stops working.
SITE_TOKEN_MAX_AGE = 24 * 3600
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")


class EmbedError(ValueError):
    """An origin that cannot be allowed; the message is for the organizer."""


def normalise_origin(text: str) -> str:
    """`https://Example.org/page` -> `https://example.org`: scheme, host and port only."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EmbedError(f"{text.strip()!r} is not a web address starting with https://")
    if parts.username or parts.password:
        raise EmbedError(f"{text.strip()!r} must not contain a user name or password")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        raise EmbedError(f"{text.strip()!r} has an invalid host or port") from None
    if not _HOST.match(host):
        raise EmbedError(f"{text.strip()!r} has an invalid host")
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    if len(origin) > 64:
        raise EmbedError(f"{origin!r} is longer than 64 characters")
    return origin


def origin_of(url: str) -> str | None:
    """The origin of a URL (such as a Referer), or None if it has none we accept."""
    try:
        return normalise_origin(url) if url else None
    except EmbedError:
        return None


def allowed_origins(session: Session, petition_id: int) -> list[str]:
    return list(session.scalars(select(EmbedSite.origin).where(EmbedSite.petition_id == petition_id)
                                .order_by(EmbedSite.origin)))


def set_allowed_origins(session: Session, petition: Petition, origins: list[str]) -> list[str]:
    """Replace the sites that may embed the petition; returns them normalised."""
    cleaned = sorted({normalise_origin(origin) for origin in origins if origin.strip()})
    session.execute(delete(EmbedSite).where(EmbedSite.petition_id == petition.id))
    session.add_all(EmbedSite(petition_id=petition.id, origin=origin) for origin in cleaned)
    session.flush()
    return cleaned


def frame_ancestors(origins: list[str]) -> str:
    """The CSP `frame-ancestors` directive: only the allowed sites, or nobody."""
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


def site_token(secret_key: str, petition_id: int, origin: str) -> str:
    """A signed note of which allowed site the embed was opened on, bound to the petition."""
    return tokens.serializer(secret_key, SITE_TOKEN_SALT).dumps(
        {"p": petition_id, "o": origin})


def read_site_token(secret_key: str, token: str, petition_id: int) -> str | None:
    """The site a valid, unexpired token for this petition names; None otherwise."""
    try:
        payload = tokens.serializer(secret_key, SITE_TOKEN_SALT).loads(
            token, max_age=SITE_TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("p") != petition_id:
        return None
    origin = payload.get("o")
    return origin if isinstance(origin, str) else None


def snippet(base_url: str, petition: Petition, title: str) -> str:
    """The HTML a partner pastes into their page: the frame and the script that sizes it."""
    base = base_url.rstrip("/")
    return (
        f'<iframe src="{escape(base)}/petitions/{escape(petition.slug)}/embed" '
        f'title="{escape(title)}" data-campaign-embed width="100%" height="720" '
        f'loading="lazy"></iframe>\n'
        f'<script src="{escape(base)}/static/js/embed.js" async></script>'
    )
