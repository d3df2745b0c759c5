"""SQLite writers take turns through an flock (campaign/sqlite_writes.py): a second writer
waits exactly until the first one's transaction ends, readers never wait, and no statement
path keeps the turn after its transaction is over."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from campaign.db import make_engine
from campaign.sqlite_writes import TurnTakingConnection

pytestmark = pytest.mark.backend_independent


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "turns.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    setup.close()
    yield path


def _connect(path: Path) -> TurnTakingConnection:
    # A short timeout: a writer that waited longer (for its turn, then in SQLite's busy
    # handler) would fail the test.
    connection = sqlite3.connect(path, timeout=1.0, factory=TurnTakingConnection,
                                 check_same_thread=False)
    assert isinstance(connection, TurnTakingConnection)
    return connection


def test_a_second_writer_waits_for_its_turn_until_the_first_ones_commit(
        database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _connect(database), _connect(database)
    turns: list[tuple[bool, bool]] = []
    wait_for_turn = TurnTakingConnection._wait_for_turn

    def recorded(connection: TurnTakingConnection, fd: int) -> bool:
        got = wait_for_turn(connection, fd)
        turns.append((connection is second, got))
        return got

    monkeypatch.setattr(TurnTakingConnection, "_wait_for_turn", recorded)
    first.execute("INSERT INTO t VALUES (1)")
    finished = threading.Event()

    def write() -> None:
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()
        finished.set()

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.3)
    assert not finished.is_set()
    first.commit()
    writer.join(5)
    assert finished.is_set()
    # The second writer waited for the turn and got it: not in SQLite's busy handler.
    assert turns == [(False, True), (True, True)]
    assert first.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
    assert (database.parent / "turns.sqlite3-writers").exists()


def test_readers_do_not_wait_for_a_writer(database: Path) -> None:
    writer, reader = _connect(database), _connect(database)
    writer.execute("INSERT INTO t VALUES (1)")
    # In WAL mode a reader sees the last commit while the write is in progress.
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    writer.rollback()


@pytest.mark.parametrize("end", ["commit", "rollback", "failed statement", "close"])
def test_the_turn_ends_with_the_transaction(database: Path, end: str) -> None:
    first, second = _connect(database), _connect(database)
    first.execute("INSERT INTO t VALUES (1)")
    first.commit()
    if end == "failed statement":
        # A unique violation: no transaction was opened by it, so the turn is over.
        with pytest.raises(sqlite3.IntegrityError):
            first.execute("INSERT INTO t VALUES (1)")
        if first.in_transaction:
            first.rollback()
    else:
        first.execute("INSERT INTO t VALUES (2)")
        getattr(first, end)()
    second.execute("INSERT INTO t VALUES (3)")
    second.commit()


def test_the_app_engine_uses_it_and_writes_in_turns_across_threads(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    with engine.begin() as conn:
        assert isinstance(conn.connection.dbapi_connection, TurnTakingConnection)
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(50):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": n * 100 + i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 200
    engine.dispose()


def test_a_with_block_ends_the_turn(database: Path) -> None:
    first, second = _connect(database), _connect(database)
    with first:
        first.execute("INSERT INTO t VALUES (1)")
    second.execute("INSERT INTO t VALUES (2)")
    second.commit()


def test_a_writer_gives_up_its_wait_at_the_timeout(database: Path) -> None:
    """A turn never held back for good (a connection forgotten mid-write): the wait ends at
    the timeout and SQLite's own answer is given, as without turns."""
    first, second = _connect(database), _connect(database)
    first.execute("INSERT INTO t VALUES (1)")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO t VALUES (2)")
    assert time.monotonic() - started < 4  # the turn's second, then SQLite's
    first.commit()
