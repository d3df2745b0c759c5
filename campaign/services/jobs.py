"""Periodic work the worker does besides sending mail."""

from __future__ import annotations

from flask import Flask

from campaign.services import petitions


def run_periodic(app: Flask) -> None:
    """Close petitions past their closing date."""
    from campaign.extensions import db

    with app.app_context():
        session = db.new_session()
        try:
            if petitions.close_expired(session):
                session.commit()
        finally:
            session.close()
