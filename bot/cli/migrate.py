"""`socialway migrate`: bring the database's tables up to date, then exit.

Every process migrates at start anyway; this is for a platform's release step (the
Procfile's `release:` line), so a new version's tables exist before its web, worker and
clock processes start, and a failed migration stops the release instead of a server.
`--from-sqlite FILE` then moves a SQLite database (and its installations file) into the
PostgreSQL of DATABASE_URL, once (bot/store/copy_sqlite.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.inputs import InputError, Streams
from bot.config import SettingsError, load_settings


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "migrate",
        help="create or update the database's tables (DATABASE_URL or SOCIALWAY_DB), then exit",
        description=(
            "Apply the database migrations not yet applied, in order, and say which. The "
            "database is DATABASE_URL (PostgreSQL) when set, else the SQLite file SOCIALWAY_DB "
            "(made if missing). Safe to run any number of times, from several machines at once."
        ),
    )
    parser.add_argument(
        "--from-sqlite",
        metavar="FILE",
        help="then copy this SQLite database (and FILE's .installations.db beside it) into "
        "the empty PostgreSQL of DATABASE_URL: moving to several machines",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    from bot.store.store import MIGRATIONS, Store

    try:
        settings = load_settings(streams.environ)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None
    if args.from_sqlite and not settings.database_url:
        raise InputError("--from-sqlite copies into PostgreSQL: set DATABASE_URL to it")
    with Store(settings.database) as store:
        applied = store.migrated_now
        where = f"{store.backend.name} {store.backend.where}"
        if applied:
            names = ", ".join(applied)
            streams.stdout.write(f"{where}: applied {len(applied)} migrations ({names})\n")
        else:
            streams.stdout.write(f"{where}: up to date ({len(MIGRATIONS)} migrations)\n")
        if args.from_sqlite:
            streams.stdout.write(_copy(args.from_sqlite, store, settings) + "\n")
    return 0


def _copy(source: str, store, settings) -> str:
    """Copy a SQLite database and its installations into the store; what was copied."""
    from dataclasses import replace

    from bot.slack.installs import installs_db_path
    from bot.slack.installs_pg import copy_installations
    from bot.store.copy_sqlite import CopyRefused, copy_sqlite_into

    try:
        copied = copy_sqlite_into(source, store)
    except CopyRefused as error:
        raise InputError(str(error)) from None
    installs = Path(installs_db_path(replace(settings, db_path=source)))
    found = copy_installations(str(installs), settings.database_url) if installs.is_file() else 0
    counts = ", ".join(f"{n} {table}" for table, n in copied.items())
    return f"copied {counts} and {found} installations from {source}"
