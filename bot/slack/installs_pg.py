"""Installations and OAuth states in PostgreSQL (DATABASE_URL), for several machines.

slack_sdk's own SQL stores (SQLAlchemy) keep them, in the app's database beside the
Store's tables, so an install made through one machine is seen by every other at once.
Their tables are made at start, under the same advisory lock as the Store's migrations
(two machines starting together never race to create them). One engine (a small
connection pool with timeouts) per database URL and process.
"""

from __future__ import annotations

import threading

import sqlalchemy
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.store_pg import POOL_TIMEOUT, WRITE_LOCK, connect_options, where
from bot.store_sql import StoreUnavailable

_engines: dict[str, sqlalchemy.Engine] = {}
_lock = threading.Lock()


def engine_for(url: str) -> sqlalchemy.Engine:
    """This process's engine for `url`: a few pooled connections, checked before use."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = sqlalchemy.create_engine(
                "postgresql+psycopg://",
                connect_args=connect_options(url),
                pool_size=2,
                max_overflow=8,
                pool_timeout=POOL_TIMEOUT,
                pool_pre_ping=True,  # a server restart costs no install or lookup
                pool_recycle=1800,
            )
        return engine


def make_tables(store, url: str) -> None:
    """The store's tables, once, whichever machine gets there first."""
    try:
        with store.engine.begin() as conn:
            conn.execute(sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            store.metadata.create_all(conn)
    except sqlalchemy.exc.OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise StoreUnavailable(f"can't reach PostgreSQL at {where(url)} ({reason})") from None


def installation_store(url: str, client_id: str) -> SQLAlchemyInstallationStore:
    store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine_for(url))
    make_tables(store, url)
    return store


def state_store(url: str, expiration_seconds: int) -> SQLAlchemyOAuthStateStore:
    store = SQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine_for(url))
    make_tables(store, url)
    return store
