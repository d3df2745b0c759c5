"""Periodic work the worker does besides sending mail."""

from __future__ import annotations

from flask import Flask

from campaign.services import petitions, stats


def run_periodic(app: Flask) -> None:
    """Close expired petitions; ask letter writers about replies; forget abandoned drafts;
    refresh stale dashboard figures."""
    from campaign.extensions import db
    from campaign.services import letter_mail, letters

    with app.app_context():
        session = db.new_session()
        try:
            if petitions.close_expired(session):
                session.commit()
            if letter_mail.ask_about_replies(session, app.config["LETTER_REPLY_CHECK_DAYS"]):
                session.commit()
            if letters.forget_stale_drafts(session, app.config["LETTER_DRAFT_FORGET_DAYS"]):
                session.commit()
            stats.refresh_stale(session, app.config["DASHBOARD_MAX_AGE_SECONDS"])
        finally:
            session.close()
