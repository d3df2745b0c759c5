"""Who is logged in: the server-side session named by the cookie, and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, session, url_for

from campaign.extensions import db, login_manager
from campaign.models import Organizer
from campaign.services import organizers


def _load_from_session(_request: object) -> Organizer | None:
    sid = session.get("sid")
    if not sid:
        return None
    login = organizers.live_session(db.session, sid, current_app.config["ADMIN_IDLE_MINUTES"])
    if login is None:
        session.pop("sid", None)
        return None
    return login.organizer


def safe_next_url(target: str | None) -> str:
    """A redirect target on this site only: a path, never another host or scheme."""
    fallback = url_for("admin.index")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return fallback
    return target


def init_app(app: Flask) -> None:
    login_manager.request_loader(_load_from_session)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    # The session cookie carries only a random id; Flask-Login's own "remember me" is unused.
    login_manager.session_protection = None
