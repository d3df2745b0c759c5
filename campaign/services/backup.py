"""Backups of a SQLite database with SQLite's online backup API, safe while the app serves.

PostgreSQL is backed up with its own tools (pg_dump / pg_restore; see README.md): they take a
consistent snapshot without stopping writers, which no copy made from here could do better.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupError for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"{url.get_backend_name()} databases are backed up with pg_dump and "
                          "restored with pg_restore (see README.md), not with this command")
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> int:
    # Pages are copied in steps; a writer between steps makes SQLite restart the copy, so the
    # result is always one consistent snapshot.
    source.backup(target, pages=1024)
    return int(target.execute("PRAGMA page_count").fetchone()[0])


def backup(database_url: str, destination: Path) -> int:
    """Write a consistent copy of the live database to `destination`; returns its page count."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(destination) as target:
        pages = _copy(source, target)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise BackupError(f"the copy failed its integrity check: {check}")
    return pages


def restore(database_url: str, source: Path) -> int:
    """Replace the live database's contents with a backup; returns the page count."""
    target_path = sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
        check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the backup failed its integrity check: {check}")
        # Through the backup API, into the live file: other connections see the new contents
        # at their next transaction, and the WAL stays consistent.
        with sqlite3.connect(target_path, timeout=30) as live:
            return _copy(backup_db, live)
