"""Installations and OAuth states in one SQLite file beside the app's database.

slack_sdk's SQLite stores, made to close what they open, for several workspaces served
from one machine. With DATABASE_URL they live in PostgreSQL instead (bot/slack/
installs_pg.py, which copies from these with `socialway migrate`); bot/slack/installs.py
picks one of the two.
"""

from __future__ import annotations

import gc
import sqlite3
import warnings
from contextlib import closing
from pathlib import Path

from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

from bot.config import Settings


def installs_db_path(settings: Settings) -> str:
    """Installations and OAuth states: `<SOCIALWAY_DB stem>.installations.db`, beside it."""
    db = Path(settings.db_path)
    return str(db.with_name(f"{db.stem}.installations.db"))


class _ClosingConnection(sqlite3.Connection):
    """Closed when its `with` block ends (sqlite3's own only commits, leaving it open)."""

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            self.close()


class _ClosesConnections:
    """slack_sdk's SQLite stores open a connection per call (`with self.connect() as conn`)
    and never close it, which Python 3.13 reports as a ResourceWarning: these close each
    one. Their one-off table set-up runs once, when the store is made, with that warning
    off (slack_sdk's `create_tables` leaves its connection to the garbage collector)."""

    database: str
    init_called: bool
    table: str  # a table its `create_tables` makes

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()
        return sqlite3.connect(database=self.database, factory=_ClosingConnection)

    def init(self) -> None:
        with closing(sqlite3.connect(self.database)) as conn:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [self.table]
            ).fetchone()
        if not found:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                self.create_tables()
                gc.collect()  # its connection sits in a reference cycle: closed here, quietly
        self.init_called = True


class InstallationStore(_ClosesConnections, SQLite3InstallationStore):
    table = "slack_bots"


class StateStore(_ClosesConnections, SQLite3OAuthStateStore):
    table = "oauth_states"
