"""`campaign backup` and `campaign restore` round-trip a SQLite database, also mid-write."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import Petition, Signature
from campaign.services import signing


def _sign_many(app: Flask, petition_id: int, start: int, count: int) -> None:
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        for n in range(start, start + count):
            signing.sign(db.session, petition, signing.SignatureRequest(
                name=f"Signer {n} Ødegård", email=f"s{n}@example.org", country="NO"))
            db.session.commit()


def _signatures(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Signature.id))) or 0


@pytest.mark.skipif(os.environ.get("CAMPAIGN_TEST_BACKEND") == "postgresql",
                    reason="SQLite's backup API; PostgreSQL uses pg_dump (README)")
def test_backup_and_restore_round_trip(app: Flask, runner: Any, petition: dict,
                                       tmp_path: Path) -> None:
    _sign_many(app, petition["id"], 0, 20)
    # Writers keep going during the backup: the copy is a consistent snapshot regardless.
    writer = threading.Thread(target=_sign_many, args=(app, petition["id"], 100, 30))
    writer.start()
    result = runner.invoke(args=["backup", str(tmp_path / "one.sqlite3")])
    writer.join()
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output
    assert _signatures(app) == 50

    _sign_many(app, petition["id"], 200, 5)
    result = runner.invoke(args=["restore", str(tmp_path / "one.sqlite3"), "--yes"])
    assert result.exit_code == 0, result.output
    restored = _signatures(app)
    assert 20 <= restored <= 50
    with app.app_context():
        names = db.session.scalars(select(Signature.name)).all()
        assert all(name.endswith("Ødegård") for name in names)
        # Signatures made after the backup are gone again.
        assert not {name.split()[1] for name in names} & {"200", "201", "202", "203", "204"}

    # A second backup of the restored database is identical in content.
    assert runner.invoke(args=["backup", str(tmp_path / "two.sqlite3")]).exit_code == 0
    import sqlite3
    with sqlite3.connect(tmp_path / "one.sqlite3") as one, \
            sqlite3.connect(tmp_path / "two.sqlite3") as two:
        query = "SELECT name, state FROM signatures ORDER BY id"
        assert one.execute(query).fetchall() == two.execute(query).fetchall()


def test_backup_refuses_what_it_cannot_do(app: Flask, runner: Any, tmp_path: Path) -> None:
    existing = tmp_path / "exists.sqlite3"
    existing.write_bytes(b"")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    if app.config["DATABASE_URL"].startswith("postgresql"):
        result = runner.invoke(args=["backup", str(tmp_path / "new.sqlite3")])
        assert result.exit_code != 0 and "pg_dump" in result.output
    result = runner.invoke(args=["restore", str(tmp_path / "missing.sqlite3"), "--yes"])
    assert result.exit_code != 0
