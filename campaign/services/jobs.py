"""Periodic work the worker does besides sending mail."""

from __future__ import annotations

from flask import Flask

from campaign.services import petitions, stats


def run_periodic(app: Flask) -> None:
    """Close petitions past their closing date; refresh stale dashboard figures."""
    from campaign.extensions import db

    with app.app_context():
        session = db.new_session()
        try:
            if petitions.close_expired(session):
                session.commit()
            stats.refresh_stale(session, app.config["DASHBOARD_MAX_AGE_SECONDS"])
        finally:
            session.close()
