"""Who is logged in: the server-side session named by the cookie, and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, session, url_for
from werkzeug.exceptions import HTTPException

from campaign.extensions import db, login_manager
from campaign.models import Organizer, OrganizerSession
from campaign.services import organizers, two_factor


def current_login() -> OrganizerSession | None:
    """The live server-side session the cookie names, whether or not its second factor is done."""
    if "organizer_session" not in g:
        sid = session.get("sid")
        login = None
        if sid:
            login = organizers.live_session(db.session, sid,
                                            current_app.config["ADMIN_IDLE_MINUTES"])
            if login is None:
                session.pop("sid", None)
        g.organizer_session = login
    return g.organizer_session  # type: ignore[no-any-return]


def _load_from_session(_request: object) -> Organizer | None:
    login = current_login()
    # Half a login (password without the second factor it needs) is no login at all.
    if login is None or not two_factor.session_complete(db.session, login):
        return None
    return login.organizer


def safe_next_url(target: str | None) -> str:
    """A redirect target on this site only: a path to one of our own pages, nothing else."""
    fallback = url_for("admin.index")
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return fallback
    # Browsers read a backslash as a slash and skip tabs and newlines: "/\\evil", "/\t/evil".
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 or not ch.isascii() for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    try:
        # Only a path that names one of the app's own pages (GET), so no trick survives.
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return fallback
    return target


def init_app(app: Flask) -> None:
    login_manager.request_loader(_load_from_session)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    # The session cookie carries only a random id; Flask-Login's own "remember me" is unused.
    login_manager.session_protection = None
