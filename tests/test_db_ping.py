"""PostgreSQL connections are pinged before use only after sitting idle, and a dead one is
replaced (campaign/db.py, _ping_when_idle); the signing pool's commits are asynchronous unless
configured otherwise. Against the real server: the point is what the connections do."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from campaign import create_app
from campaign import db as db_module
from campaign.extensions import db


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


@pytest.mark.parametrize(("waits_for_disk", "expected"), [(False, "off"), (True, "on")])
def test_only_the_signing_pool_commits_asynchronously(app_config: dict[str, Any],
                                                      database_url: str, waits_for_disk: bool,
                                                      expected: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no asynchronous commit")
    app = create_app({**app_config, "SIGN_WAITS_FOR_DISK": waits_for_disk})
    try:
        with app.app_context():
            assert db.autocommit_engine is not None and db.engine is not None
            for _ in range(2):  # a connection back from the pool keeps its setting
                with db.autocommit_engine.connect() as conn:
                    assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == expected
            with db.engine.connect() as conn:
                assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
    finally:
        db.dispose()
