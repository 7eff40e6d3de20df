"""Installations and OAuth states in PostgreSQL (DATABASE_URL), for several machines.

slack_sdk's own SQL stores (SQLAlchemy) keep them, in the app's database beside the
Store's tables, so an install made through one machine is seen by every other at once.
Their tables are made at start, under the same advisory lock as the Store's migrations
(two machines starting together never race to create them). One engine (a small
connection pool with timeouts) per database URL and process.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import sqlalchemy
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.slack.installs_sqlite import InstallationStore
from bot.store.errors import StoreUnavailable
from bot.store.postgres import POOL_TIMEOUT, WRITE_LOCK, connect_options, where

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


def copy_installations(sqlite_file: str, url: str) -> int:
    """Each workspace's latest installation (and bot) from slack_sdk's SQLite stores into
    these, through slack_sdk's own reading and writing; returns how many were copied."""
    with closing(sqlite3.connect(sqlite_file)) as conn:
        keys = conn.execute(
            "SELECT DISTINCT client_id, enterprise_id, team_id, is_enterprise_install "
            "FROM slack_bots UNION SELECT DISTINCT client_id, enterprise_id, team_id, "
            "is_enterprise_install FROM slack_installations"
        ).fetchall()
    copied = 0
    for client_id, enterprise_id, team_id, is_enterprise_install in keys:
        source = InstallationStore(database=sqlite_file, client_id=client_id)
        target = installation_store(url, client_id)
        ids = {
            "enterprise_id": enterprise_id or None,
            "team_id": team_id or None,
            "is_enterprise_install": bool(is_enterprise_install),
        }
        found = source.find_installation(**ids) or source.find_bot(**ids)
        if found is None:
            continue
        # The SQLite store keeps a missing enterprise or team as '', these as NULL (what
        # their lookups ask for).
        found.enterprise_id = found.enterprise_id or None
        found.team_id = found.team_id or None
        if isinstance(found, Installation):
            target.save(found)  # its bot too
        else:
            target.save_bot(found)
        copied += 1
    return copied
