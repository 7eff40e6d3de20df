"""What a failing store raises, on either backend, so callers catch it without loading a driver.

A database that can't be reached raises `StoreUnavailable` (one line, no password), which
the CLI and the server can turn into their one-line exit. `STORE_ERRORS` is everything a
failing store raises: sqlite3's errors, or a `StoreFailed` (PostgreSQL's errors arrive as
one, the driver's own as its cause, so catching them needs no import of the driver: SQLite
users never load it).
"""

from __future__ import annotations

import sqlite3


class StoreFailed(RuntimeError):
    """A PostgreSQL statement failed (the driver's error is the cause); `sqlstate` says
    which kind (e.g. 55P03: a lock wait ran out, 57014: the statement timeout)."""

    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


class StoreUnavailable(StoreFailed):
    """The database can't be reached or opened; the message is one line and holds no secret."""


# Catch these where a failing store must not stop the work (never a bare `Exception`).
STORE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, StoreFailed)
