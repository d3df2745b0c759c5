"""PostgreSQL connections are pinged before use only after sitting idle, and a dead one is
replaced (campaign/db.py, _ping_when_idle). Against the real server: the point is what a
dropped connection does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from campaign import db as db_module


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to lose")
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.3)
    engine = db_module.make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pings: list[Any] = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    return pings


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_back_a_moment_ago_is_not_pinged(engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _backend_pid(engine)
    pings = _count_pings(engine, monkeypatch)
    for _ in range(5):
        _backend_pid(engine)
    assert pings == []
    time.sleep(0.4)
    _backend_pid(engine)
    assert len(pings) == 1


def test_a_connection_dropped_while_idle_is_replaced(engine: Engine, database_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first_pid = _backend_pid(engine)
    admin = db_module.make_engine(database_url)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"),
                                {"pid": first_pid}).scalar_one()
    finally:
        admin.dispose()
    time.sleep(0.4)
    pings = _count_pings(engine, monkeypatch)
    # The pooled connection is dead: the ping finds out and the pool connects again.
    assert _backend_pid(engine) != first_pid
    assert len(pings) == 1
