"""SQLite's writers take turns through an flock, not in SQLite's sleeping busy handler.

SQLite lets one connection write at a time. A connection that finds the database locked
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10... ms between tries: a signature's
write holds the lock for a fraction of a millisecond, so a web process that collides with
another sleeps several times longer than it had to wait, its core idle (seen in `make bench`:
a fifth of a worker's time asleep in INSERT and COMMIT with two workers).

Here each connection first takes an exclusive flock on a file beside the database
(`<database>-writers`) when it starts writing, and lets go when its transaction ends; a
waiting writer tries again every 50 to 500 µs, so it starts writing about when the lock is
free. (A blocking flock would hand over sooner still, but could not give up: a wait is
bounded by the connection's timeout, after which SQLite's busy handler takes over.)
SQLite's own locking still guards the data; the flock only orders the writers that use this
module (the web and worker processes), and a writer that does not (sqlite3 in a shell) is
waited for by the busy handler as before. A connection never waits for the flock while it
holds SQLite's write lock, so the two locks cannot deadlock: it takes the flock only before
its transaction's first write. It lets go whenever its transaction ends: commit, rollback
(which is also how SQLAlchemy's pool resets a connection given back), close,
`with connection:`, or a statement after which no transaction is open.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from typing import Any

# Statements after which Python's sqlite3 has opened a write transaction (it sends BEGIN
# before INSERT, UPDATE, DELETE and REPLACE); WITH may start any of them.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")


def _is_write(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class TurnTakingConnection(sqlite3.Connection):
    """A sqlite3 connection (`sqlite3.connect(..., factory=TurnTakingConnection)`) whose
    write transactions take turns with other processes' through an flock."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._turn_fd: int | None = None
        self._has_turn = False
        # Wait for a turn no longer than SQLite would wait for its lock (sqlite3's timeout).
        self._turn_timeout = float(kwargs.get("timeout", args[0] if args else 5.0))
        path = os.fsdecode(database) if isinstance(database, str | bytes | os.PathLike) else ""
        if path and path != ":memory:" and not path.startswith("file:") and not kwargs.get("uri"):
            # Each connection opens the file itself: flock excludes open files, so two
            # connections of one process (threads) take turns too.
            self._turn_fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                                    0o600)

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:
        return super().cursor(factory or _TurnTakingCursor)

    def take_turn(self, sql: str) -> None:
        """Before a statement: wait for this connection's turn if it starts to write."""
        if self._turn_fd is not None and not self._has_turn and not self.in_transaction \
                and _is_write(sql):
            self._has_turn = self._wait_for_turn(self._turn_fd)

    def _wait_for_turn(self, fd: int) -> bool:
        """Take the flock, trying again every 50-500 µs; False after the timeout (then
        SQLite's busy handler has the last word, as without this module)."""
        deadline = time.monotonic() + self._turn_timeout
        pause = 50e-6
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
            time.sleep(pause)
            pause = min(pause * 2, 500e-6)

    def end_turn_unless_writing(self) -> None:
        """After a statement: a write that opened no transaction (autocommit, or one that
        failed) is over already."""
        if self._has_turn and not self.in_transaction:
            self._end_turn()

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)  # type: ignore[arg-type]

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, *args)

    def executescript(self, script: str) -> sqlite3.Cursor:  # type: ignore[override]
        # It commits first and runs in autocommit: our turn, if any, is over either way.
        try:
            return super().executescript(script)
        finally:
            self._end_turn()

    def __exit__(self, *exc_info: Any) -> Any:
        # `with connection:` commits or rolls back in C, not through commit() below.
        try:
            return super().__exit__(*exc_info)
        finally:
            self.end_turn_unless_writing()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
            if self._turn_fd is not None:
                os.close(self._turn_fd)
                self._turn_fd = None


class _TurnTakingCursor(sqlite3.Cursor):
    connection: TurnTakingConnection

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self._in_turn(super().execute, sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self._in_turn(super().executemany, sql, *args)

    def _in_turn(self, run: Any, sql: str, *args: Any) -> sqlite3.Cursor:
        connection = self.connection
        connection.take_turn(sql)
        try:
            result: sqlite3.Cursor = run(sql, *args)
            return result
        finally:
            connection.end_turn_unless_writing()
