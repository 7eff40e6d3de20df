"""Where the Store keeps its rows: a SQLite file (the embedded default) or PostgreSQL.

`bot.store.backends.open_backend(target)` takes what `Settings.database` says: a file path
for SQLite, or a `postgresql://` URL (DATABASE_URL) for PostgreSQL. Both backends give the
Store the same small surface, so its SQL is written once, with `?` placeholders:

- `db`: this thread's database handle: `execute(sql, params)` (a cursor: fetchone,
  fetchall, rowcount), `query(sql, params)` (dicts), `db["table"].insert/update/get/rows`
  (sqlite-utils' `Database` on SQLite, `bot.store.postgres.PgDatabase` on PostgreSQL);
- `write()`: a write transaction that serialises with every other `write()` in every
  process (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so a
  read-modify-write (claiming a digest, changing a channel's settings) never races;
- `lock_wait(seconds)`: how long this thread's writes wait for another writer (SQLite's
  busy_timeout, PostgreSQL's lock_timeout), for paths that must not wait long;
- the few SQL expressions the two dialects spell differently (`day`, `json_each`).

Failures are raised as `bot.store.errors` names, the same on both backends.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


class SqliteBackend:
    """One SQLite file in WAL mode; each thread gets its own connection (WAL lets readers and
    a writer work at once; `busy_timeout` makes writers wait instead of failing)."""

    name = "sqlite"

    def __init__(self, path: str):
        self.path = path
        self.where = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @property
    def db(self) -> Database:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            from sqlite_utils import Database

            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            # WAL's documented safe setting: no fsync per commit, never corrupts on a crash.
            conn.execute("PRAGMA synchronous = NORMAL")
            db = Database(conn)
            self._local.db = db
            with self._lock:
                self._connections.append(conn)
        return db

    def prepare(self) -> None:
        """Once, before the migrations: WAL, so readers never wait for the writer."""
        with self.db.ensure_autocommit_on():
            self.db.execute("PRAGMA journal_mode=wal")

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction that takes the lock up front (no upgrade deadlocks)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()

    def lock_wait(self, seconds: float | None) -> None:
        """How long this thread's statements wait for another writer's lock before failing
        (None: the default 30 s)."""
        ms = 30000 if seconds is None else max(1, int(seconds * 1000))
        self.db.execute(f"PRAGMA busy_timeout = {ms}")

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- what the dialects spell differently ---------------------------------------

    @staticmethod
    def day(column: str) -> str:
        """The UTC day (YYYY-MM-DD) of an epoch-seconds column."""
        return f"date({column}, 'unixepoch')"

    @staticmethod
    def json_each(column: str, alias: str) -> str:
        """A FROM item with one row per element of a JSON array held in a TEXT column: the
        element is `<alias>.value`, its JSON type `<alias>.type` ('text' for a string)."""
        return f"json_each({column}) {alias}"
