"""Petitions: creating, editing, moving through their states, and what their pages show."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import Campaign, Petition, PetitionCountryCount, PetitionState

_ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h2", "h3",
                 "h4", "hr", "code", "pre"}


class PetitionError(ValueError):
    """A change to a petition that its rules do not allow; the message is for the organizer."""


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show: raw HTML is dropped, links get rel=noopener."""
    html = MarkdownIt("commonmark", {"html": False}).render(text)
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def slugify(text: str) -> str:
    """A URL slug from a title: ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "petition"


def unique_slug(session: Session, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... whichever is free."""
    taken = set(session.scalars(select(Petition.slug).where(Petition.slug.like(f"{wanted}%"))))
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


@dataclass
class PetitionFields:
    title: str
    target: str
    goal: int
    summary: str = ""
    body_markdown: str = ""
    slug: str = ""
    closes_at: datetime | None = None
    milestones: list[int] | None = None
    default_language: str = "en"


def create_petition(session: Session, campaign: Campaign, fields: PetitionFields) -> Petition:
    """Create a draft petition in a campaign; the slug is derived from the title if not given."""
    slug = fields.slug or unique_slug(session, slugify(fields.title))
    if session.scalar(select(Petition.id).where(Petition.slug == slug)) is not None:
        raise PetitionError(f"the slug {slug!r} is already used by another petition")
    petition = Petition(campaign=campaign, slug=slug, state=PetitionState.DRAFT,
                        signature_count=0)
    _apply(petition, fields)
    session.add(petition)
    session.flush()
    return petition


def update_petition(session: Session, petition: Petition, fields: PetitionFields) -> None:
    """Change a petition's text and settings; its counts and state are left alone."""
    if fields.slug and fields.slug != petition.slug:
        if session.scalar(select(Petition.id).where(Petition.slug == fields.slug)) is not None:
            raise PetitionError(f"the slug {fields.slug!r} is already used by another petition")
        petition.slug = fields.slug
    _apply(petition, fields)


def _apply(petition: Petition, fields: PetitionFields) -> None:
    petition.title = fields.title
    petition.target = fields.target
    petition.goal = fields.goal
    petition.summary = fields.summary
    petition.body_markdown = fields.body_markdown
    petition.body_html = render_markdown(fields.body_markdown)
    petition.closes_at = fields.closes_at
    petition.milestones = sorted(set(fields.milestones or []))
    petition.default_language = fields.default_language


# Which state each action leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[set[PetitionState], PetitionState]] = {
    "open": ({PetitionState.DRAFT, PetitionState.CLOSED}, PetitionState.OPEN),
    "close": ({PetitionState.OPEN}, PetitionState.CLOSED),
    "archive": ({PetitionState.DRAFT, PetitionState.CLOSED}, PetitionState.ARCHIVED),
    "unarchive": ({PetitionState.ARCHIVED}, PetitionState.CLOSED),
}


def change_state(petition: Petition, action: str) -> None:
    """Open, close, archive or unarchive a petition."""
    try:
        allowed_from, new_state = TRANSITIONS[action]
    except KeyError:
        raise PetitionError(f"unknown action {action!r}") from None
    if petition.state not in allowed_from:
        raise PetitionError(f"the petition is {petition.state.value}: {action!r} is not possible")
    now = utcnow()
    if new_state is PetitionState.OPEN:
        petition.opened_at = petition.opened_at or now
        petition.closed_at = None
        if petition.closes_at is not None and petition.closes_at <= now:
            petition.closes_at = None
    if new_state is PetitionState.CLOSED and petition.state is PetitionState.OPEN:
        petition.closed_at = now
    petition.state = new_state


def mark_changed(session: Session, petition_id: int) -> None:
    """Note that something the public page shows has changed (its cached copies are stale).

    Call it whenever content shown beside the petition changes in another table:
    translations, approved co-signing organisations.
    """
    session.execute(update(Petition).where(Petition.id == petition_id)
                    .values(updated_at=utcnow()))


def close_expired(session: Session) -> int:
    """Close open petitions whose closing date has passed; returns how many."""
    now = utcnow()
    expired = session.scalars(select(Petition).where(
        Petition.state == PetitionState.OPEN, Petition.closes_at.is_not(None),
        Petition.closes_at <= now)).all()
    for petition in expired:
        petition.state = PetitionState.CLOSED
        petition.closed_at = petition.closes_at
    return len(expired)


def public_petition(session: Session, slug: str) -> Petition | None:
    """The petition at a public slug; drafts are not public."""
    petition = session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None or petition.state is PetitionState.DRAFT:
        return None
    return petition


def counts_by_country(session: Session, petition_id: int) -> dict[str, int]:
    """Confirmed signatures per country, from the kept counts (no row counting)."""
    rows = session.execute(select(PetitionCountryCount.country, PetitionCountryCount.count)
                           .where(PetitionCountryCount.petition_id == petition_id,
                                  PetitionCountryCount.count > 0)
                           .order_by(PetitionCountryCount.country))
    return {country: count for country, count in rows}


def petition_summary(session: Session, petition: Petition, now: datetime | None = None
                     ) -> dict[str, Any]:
    """What `/petitions/<slug>.json` says."""
    state = petition.state.value
    if state == "open" and not petition.accepts_signatures(now):
        state = "closed"
    return {
        "slug": petition.slug,
        "title": petition.title,
        "state": state,
        "goal": petition.goal,
        "signature_count": petition.signature_count,
        "by_country": counts_by_country(session, petition.id),
    }


def listed_petitions_query() -> Any:
    """Open and closed petitions for the public index, newest first."""
    return (select(Petition)
            .where(Petition.state.in_([PetitionState.OPEN, PetitionState.CLOSED]))
            .order_by(Petition.created_at.desc()).limit(50))


# Where supporters share a petition; each link carries its own source code.
SHARE_TARGETS = {
    "email": "mailto:?subject={title}&body={url}",
    "whatsapp": "https://wa.me/?text={title}%20{url}",
    "telegram": "https://t.me/share/url?url={url}&text={title}",
    "x": "https://x.com/intent/post?url={url}&text={title}",
    "facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
}


def petition_url(petition: Petition, base_url: str, source: str = "") -> str:
    url = f"{base_url.rstrip('/')}/petitions/{petition.slug}"
    return f"{url}?source={source}" if source else url


def share_links(petition: Petition, base_url: str) -> list[tuple[str, str, str]]:
    """(service, link, the plain petition URL with the service's source code) for each service."""
    from urllib.parse import quote

    links = []
    for service, template in SHARE_TARGETS.items():
        url = petition_url(petition, base_url, f"share-{service}")
        links.append((service, template.format(url=quote(url, safe=""),
                                               title=quote(petition.title, safe="")), url))
    return links
