"""Which backend keeps the rows: a SQLite file path, or a `postgresql://` URL (DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from bot.store.sqlite import SqliteBackend

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def open_backend(target: str | Path):
    """The backend for a SQLite path or a PostgreSQL URL."""
    if is_postgres(target):
        from bot.store.postgres import PostgresBackend  # psycopg is loaded only when it is used

        return PostgresBackend(str(target))
    return SqliteBackend(str(target))
