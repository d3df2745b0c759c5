"""Periodic work the worker does besides sending mail."""

from __future__ import annotations

from flask import Flask

from campaign.services import petitions


def run_periodic(app: Flask) -> None:
    """Close petitions past their closing date; ask letter writers whether offices replied."""
    from campaign.extensions import db
    from campaign.services import letter_mail

    with app.app_context():
        session = db.new_session()
        try:
            if petitions.close_expired(session):
                session.commit()
            if letter_mail.ask_about_replies(session, app.config["LETTER_REPLY_CHECK_DAYS"]):
                session.commit()
        finally:
            session.close()
