"""db.execute_prepared: the sign path's statements, run on the DBAPI cursor, store exactly what
SQLAlchemy's own execution would, in the caller's transaction, and fail the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from campaign.db import insert_ignoring_conflicts, insert_row
from campaign.extensions import db
from campaign.models import MailState, OutboundEmail, Signatory
from campaign.services.mail import outbox_row


def _row(to: str) -> dict[str, Any]:
    return outbox_row(to=to, subject="Please confirm", body="Confirm: https://x.test/c/1",
                      kind="confirmation", not_before=datetime(2026, 1, 2, 3, 4, 5, 678901,
                                                               tzinfo=UTC))


def test_a_prepared_insert_stores_what_sqlalchemy_would(app: Flask) -> None:
    with app.app_context():
        conn = db.session.connection()
        prepared_id = insert_row(conn, OutboundEmail.__table__, _row("a@example.org"))
        core_id = conn.execute(insert(OutboundEmail.__table__).returning(OutboundEmail.id),
                               _row("b@example.org")).scalar_one()
        db.session.commit()
        one, two = (db.session.get(OutboundEmail, i) for i in (prepared_id, core_id))
        assert one is not None and two is not None
        # Enum, timestamps (stored as UTC, read back aware) and text, column by column.
        for column in OutboundEmail.__table__.columns:
            if column.name not in ("id", "to_address", "created_at"):
                assert getattr(one, column.name) == getattr(two, column.name), column.name
        assert one.state is MailState.QUEUED
        assert one.next_attempt_at == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        assert abs(one.created_at - two.created_at) < timedelta(seconds=5)


def test_it_runs_in_the_callers_transaction(app: Flask) -> None:
    with app.app_context():
        conn = db.session.connection()
        new_id = insert_row(conn, OutboundEmail.__table__, _row("gone@example.org"))
        db.session.rollback()
        assert db.session.get(OutboundEmail, new_id) is None


def test_a_conflict_is_ignored_and_a_constraint_error_is_sqlalchemys(app: Flask) -> None:
    values = {"email_key": "ayse@example.org", "email": "ayse@example.org",
              "created_at": datetime.now(UTC)}
    with app.app_context():
        conn = db.session.connection()
        first = insert_ignoring_conflicts(conn, Signatory.__table__, values, ["email_key"])
        assert first is not None
        assert insert_ignoring_conflicts(conn, Signatory.__table__, values, ["email_key"]) is None
        db.session.commit()
        with pytest.raises(IntegrityError):
            insert_row(db.session.connection(), Signatory.__table__,
                       {**values, "email_key": None})
        db.session.rollback()
        assert db.session.scalars(select(Signatory.id)).all() == [first]


def test_statement_listeners_still_see_it(app: Flask) -> None:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            insert_row(db.session.connection(), OutboundEmail.__table__, _row("c@example.org"))
        finally:
            event.remove(engine, "before_cursor_execute", record)
        db.session.rollback()
    assert any(s.startswith("INSERT INTO outbound_emails") for s in seen), seen

