"""The declarative base, the engine and a session scoped to the application context."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import Flask
from sqlalchemy import (
    DateTime,
    MetaData,
    Row,
    TypeDecorator,
    bindparam,
    create_engine,
    delete,
    event,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from campaign.context import this_g
from campaign.sqlite_writes import TurnTakingConnection

# Deterministic constraint names, so that migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs for concurrent web use."""
    if url.startswith("sqlite"):
        # Writers take turns through an flock rather than SQLite's sleeping busy handler:
        # sqlite_writes.py. The busy timeout still bounds a wait for any other writer.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False,
                                                  "factory": TurnTakingConnection}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers run beside the one writer; busy_timeout queues writers instead
            # of failing. synchronous=NORMAL in WAL mode: a commit is in the WAL file before it
            # is acknowledged, so it survives the process being killed (even SIGKILL); only a
            # power cut or an OS crash can lose the last commits, because the WAL is synced at
            # checkpoints, not at every commit. FULL syncs every commit, and that fsync (several
            # ms on a virtual disk) caps one SQLite file at about a hundred signatures a second.
            # Where losing even that is not acceptable, use PostgreSQL (synchronous_commit on).
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if "poolclass" in kwargs:
        return create_engine(url, **kwargs)
    engine = create_engine(url, **{"pool_size": 10, "max_overflow": 20, **kwargs})
    _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
    return engine


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Pessimistic disconnect handling, only where a dead connection is likely.

    A pooled connection can have died while it sat idle (the database restarted, a firewall
    dropped it); one given back by a request a moment ago almost never has. pool_pre_ping
    pinged on every checkout: one database round trip in seven on the sign path. Here a
    connection idle for more than `idle_seconds` is pinged, and a dead one is replaced by the
    pool (DisconnectionError makes it connect again).
    """

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _mark_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("the database did not answer a ping")


def _commit_asynchronously(engine: Engine) -> None:
    """Every connection of `engine` commits without waiting for its WAL to reach the disk.

    Set once per connection by a statement rather than as a startup option, which connection
    poolers such as PgBouncer refuse.
    """

    @event.listens_for(engine, "connect")
    def _set(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


class Database:
    """Holds the engine and hands out one session per application context."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        # PostgreSQL only: a pool of its own whose connections stay in autocommit, for a
        # statement that is a transaction by itself (signing.sign_at_once): no BEGIN and
        # COMMIT round trips, and nothing to switch on and off at each checkout. Its commits
        # are asynchronous unless SIGN_WAITS_FOR_DISK (config.py says what that risks).
        self.autocommit_engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(url)
        self.autocommit_engine = None
        if self.engine.dialect.name == "postgresql":
            # Nothing to roll back when a connection comes back: no transaction is ever open.
            self.autocommit_engine = make_engine(url, isolation_level="AUTOCOMMIT",
                                                 pool_reset_on_return=None)
            if not app.config["SIGN_WAITS_FOR_DISK"]:
                _commit_asynchronously(self.autocommit_engine)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["campaign_db"] = self
        app.teardown_appcontext(self._close_session)

    def dispose(self, *, close: bool = True) -> None:
        """Let go of every pooled connection (close=False: in a forked child, without closing
        the parent's)."""
        for engine in (self.engine, self.autocommit_engine):
            if engine is not None:
                engine.dispose(close=close)

    @property
    def session(self) -> Session:
        """The session of the current application context, opened on first use."""
        globals_ = this_g()
        session: Session | None = globals_.get("db_session")
        if session is None:
            assert self._sessionmaker is not None, "Database.init_app was not called"
            session = globals_.db_session = self._sessionmaker()
        return session

    def in_transaction(self) -> bool:
        """Whether this context's session has begun a transaction; False, without opening
        one, if it has no session yet."""
        session: Session | None = this_g().get("db_session")
        return session is not None and session.in_transaction()

    def new_session(self) -> Session:
        """A session outside the request scope, for workers and scripts; close it yourself."""
        assert self._sessionmaker is not None, "Database.init_app was not called"
        return self._sessionmaker()

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = this_g().pop("db_session", None)
        if session is not None:
            session.close()


def insert_ignoring_conflicts(executor: Session | Connection, table: Any,
                              values: dict[str, Any], conflict_columns: list[str], *,
                              only_if: str = "") -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns the new id or None.

    The unique constraint decides who wins a race, not a SELECT before the INSERT. `only_if`
    is an SQL condition written in code (never data), checked in the same statement; it
    may name the values as bound parameters (`:petition_id`). Hot paths pass the session's
    Connection: the same transaction at half the cost of going through the ORM session.
    """
    values = with_column_defaults(table, values)
    dialect = executor.dialect if isinstance(executor, Connection) else executor.get_bind().dialect
    stmt = _insert_ignoring(dialect.name, dialect.identifier_preparer, table, tuple(values),
                            tuple(conflict_columns), only_if)
    if isinstance(executor, Connection):
        rows = execute_prepared(executor, stmt, values)
        return rows[0][0] if rows else None
    return executor.execute(stmt, values).scalar_one_or_none()


def with_column_defaults(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Fill in the Python-side column defaults that a textual INSERT would not apply."""
    filled = dict(values)
    for column in table.columns:
        default = column.default
        if column.name in filled or default is None or not (default.is_scalar
                                                            or default.is_callable):
            continue
        filled[column.name] = default.arg(None) if default.is_callable else default.arg
    return filled


@lru_cache(maxsize=128)
def _insert_ignoring(dialect: str, preparer: Any, table: Any, keys: tuple[str, ...],
                     conflict_columns: tuple[str, ...], only_if: str) -> Any:
    """The statement as cacheable text, built once per table and column set.

    The dialects' `insert().on_conflict_do_nothing()` has no cache key, so SQLAlchemy would
    compile it again on every call: on the sign path that was a third of the request's time.
    The syntax is the same on SQLite (3.35+) and PostgreSQL; the values keep their column
    types (and so `UTCDateTime`'s conversion) through typed bind parameters.
    """
    quote = preparer.quote
    parameters = ", ".join(":" + k for k in keys)
    # SELECT ... WHERE rather than VALUES when guarded; SQLite needs the WHERE to tell its
    # ON CONFLICT from a join's ON.
    source = f"SELECT {parameters} WHERE {only_if}" if only_if else f"VALUES ({parameters})"
    # Only quoted identifiers from the models and conditions from our code go into the text;
    # values are bound parameters.
    sql = (f"INSERT INTO {preparer.format_table(table)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
           f"({', '.join(quote(k) for k in keys)}) {source} "
           f"ON CONFLICT ({', '.join(quote(c) for c in conflict_columns)}) DO NOTHING "
           f"RETURNING {quote('id')}")
    return (text(sql).bindparams(*(bindparam(k, type_=table.c[k].type) for k in keys))
            .columns(table.c.id))


@dataclass(frozen=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]
    positional: bool
    processors: tuple[Callable[[Any], Any] | None, ...]


@lru_cache(maxsize=64)
def _prepared(dialect: Any, statement: Any) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    if compiled.escaped_bind_names:
        raise ValueError("execute_prepared takes plain bind parameter names only")
    names = tuple(compiled.positiontup if compiled.positional else compiled.binds)
    return _Prepared(compiled.string, names, compiled.positional,
                     tuple(compiled.binds[name].type.bind_processor(dialect) for name in names))


def execute_prepared(conn: Connection, statement: Any, values: Mapping[str, Any]) -> list[Any]:
    """Run a hot path's cached textual statement on the DBAPI cursor; its rows, unconverted.

    The statement is compiled once per dialect and its values converted by their column
    types, as Connection.execute would; what is skipped is the per-call work of SQLAlchemy's
    execution layer (a cache key, an execution context, a result object), which on the sign
    path cost more than SQLite's own writing. For statements built once (lru_cache) whose
    rows hold ids and flags only. The connection's transaction is the caller's; DBAPI errors
    are raised as SQLAlchemy's, and a lost connection is invalidated as SQLAlchemy would.
    """
    prepared = _prepared(conn.dialect, statement)
    args: Any = [value if process is None else process(value)
                 for value, process in zip((values[name] for name in prepared.names),
                                           prepared.processors, strict=True)]
    if not prepared.positional:
        args = dict(zip(prepared.names, args, strict=True))
    dbapi_connection = conn.connection
    cursor = dbapi_connection.cursor()
    if conn._has_events or conn.engine._has_events:  # noqa: SLF001 - the same check SQLAlchemy makes
        conn.dispatch.before_cursor_execute(conn, cursor, prepared.sql, args, None, False)
    try:
        cursor.execute(prepared.sql, args)
        # Not `cursor.description`: psycopg builds a column object per column for it, which
        # cost the sign path more than reading the row. A statement without rows is told
        # apart by fetchall itself (psycopg raises, sqlite3 gives []).
        try:
            return list(cursor.fetchall())
        except conn.dialect.loaded_dbapi.ProgrammingError:
            return []
    except conn.dialect.loaded_dbapi.Error as exc:
        if conn.dialect.is_disconnect(exc, dbapi_connection, cursor):
            conn.invalidate(exc)
        raise DBAPIError.instance(prepared.sql, args, exc, conn.dialect.loaded_dbapi.Error,
                                  dialect=conn.dialect) from exc
    finally:
        cursor.close()


def take_one_by_one(session: Session, model: Any, *columns: Any, batch: int = 100
                    ) -> Iterator[Row[Any]]:
    """Up to `batch` rows of a queue table, oldest first, each deleted as it is taken and
    given as `columns`.

    Deleting is taking: of two processes after the same row, only one gets it. The caller's
    work on a row is committed with its deletion, when it asks for the next one.
    """
    ids = session.scalars(select(model.id).order_by(model.id).limit(batch)).all()
    for row_id in ids:
        taken = session.execute(delete(model).where(model.id == row_id)
                                .returning(*columns)).first()
        if taken is not None:
            yield taken
        session.commit()


def take_batch(session: Session, model: Any, *columns: Any, batch: int = 100
               ) -> list[tuple[Any, ...]]:
    """Up to `batch` rows of a queue table, oldest first, deleted as they are taken and given
    as `columns`; the caller commits its work on them with their deletion.

    One statement for the batch. Of two processes after the same rows, each row goes to one:
    on PostgreSQL a row another has taken (locked) is skipped, not waited for.
    """
    table = model.__table__
    oldest = (select(table.c.id).order_by(table.c.id).limit(batch)
              .with_for_update(skip_locked=True).scalar_subquery())
    taken = session.connection().execute(delete(table).where(table.c.id.in_(oldest))
                                         .returning(table.c.id, *columns)).all()
    return [tuple(row[1:]) for row in sorted(taken, key=lambda row: row[0])]


def insert_row(conn: Connection, table: Any, values: dict[str, Any]) -> int:
    """INSERT one row on a hot path (execute_prepared); its new id."""
    stmt = _insert_returning_id(conn.dialect.identifier_preparer, table, tuple(values))
    return int(execute_prepared(conn, stmt, values)[0][0])


@lru_cache(maxsize=64)
def _insert_returning_id(preparer: Any, table: Any, keys: tuple[str, ...]) -> Any:
    quote = preparer.quote
    sql = (f"INSERT INTO {preparer.format_table(table)} "  # noqa: S608  # nosec B608 - quoted model identifiers only
           f"({', '.join(quote(k) for k in keys)}) "
           f"VALUES ({', '.join(':' + k for k in keys)}) RETURNING {quote('id')}")
    return text(sql).bindparams(*(bindparam(k, type_=table.c[k].type) for k in keys))


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware, on every backend.

    SQLite has no timezone type; without this, values read back naive and cannot be
    compared with `utcnow()`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
