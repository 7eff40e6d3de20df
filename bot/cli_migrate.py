"""`socialway migrate`: bring the database's tables up to date, then exit.

Every process migrates at start anyway; this is for a platform's release step (the
Procfile's `release:` line), so a new version's tables exist before its web, worker and
clock processes start, and a failed migration stops the release instead of a server.
"""

from __future__ import annotations

import argparse

from bot.cli_input import InputError, Streams
from bot.config import SettingsError, load_settings


def add_parser(commands) -> argparse.ArgumentParser:
    return commands.add_parser(
        "migrate",
        help="create or update the database's tables (DATABASE_URL or SOCIALWAY_DB), then exit",
        description=(
            "Apply the database migrations not yet applied, in order, and say which. The "
            "database is DATABASE_URL (PostgreSQL) when set, else the SQLite file SOCIALWAY_DB "
            "(made if missing). Safe to run any number of times, from several machines at once."
        ),
    )


def run(args: argparse.Namespace, streams: Streams) -> int:
    from bot.store import MIGRATIONS, Store

    try:
        settings = load_settings(streams.environ)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None
    with Store(settings.database) as store:
        applied = store.migrated_now
        where = f"{store.backend.name} {store.backend.where}"
    if applied:
        streams.stdout.write(f"{where}: applied {len(applied)} migrations ({', '.join(applied)})\n")
    else:
        streams.stdout.write(f"{where}: up to date ({len(MIGRATIONS)} migrations)\n")
    return 0
