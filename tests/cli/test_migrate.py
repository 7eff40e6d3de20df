"""`socialway migrate` (the Procfile's release step) on both backends, as a user runs it."""

from __future__ import annotations

import socket

from bot.store.store import MIGRATIONS, Store
from tests.fakes.cli import cli_env, run_cli

ALL = len(MIGRATIONS)


def migrate(**env: str):
    return run_cli("migrate", env=cli_env(**env), text=True, timeout=60)


def test_migrate_makes_a_sqlite_file_then_has_nothing_to_do(tmp_path):
    path = tmp_path / "sw.db"
    first = migrate(SOCIALWAY_DB=str(path))
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.startswith(f"sqlite {path}: applied {ALL} migrations (001_core, ")
    again = migrate(SOCIALWAY_DB=str(path))
    assert again.stdout == f"sqlite {path}: up to date ({ALL} migrations)\n"
    with Store(path) as store:
        assert store.migrated_now == []


def test_migrate_on_postgres_leaves_sqlite_alone(postgres_url, tmp_path):
    first = migrate(DATABASE_URL=postgres_url, SOCIALWAY_DB=str(tmp_path / "unused.db"))
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.startswith("postgres 127.0.0.1:5432/sw_")
    assert f": applied {ALL} migrations (" in first.stdout
    assert not (tmp_path / "unused.db").exists()
    with Store(postgres_url) as store:
        assert store.migrated_now == [] and len(store.applied_migrations()) == ALL
    stats = run_cli("stats", env=cli_env(DATABASE_URL=postgres_url), text=True, timeout=60)
    assert stats.returncode == 0, stats.stderr  # other commands read the same database


def test_an_unreachable_database_is_one_line_and_exit_2():
    with socket.socket() as closed:  # a loopback port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = migrate(DATABASE_URL=f"postgresql://app:hunter2@127.0.0.1:{port}/sw")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"socialway: can't reach PostgreSQL at 127.0.0.1:{port}/sw (")
    assert "hunter2" not in result.stderr and result.stdout == ""


def test_a_database_url_that_is_not_postgres_is_named():
    result = migrate(DATABASE_URL="mysql://app@db/sw")
    assert result.returncode == 2
    assert result.stderr == (
        "socialway: DATABASE_URL should be a PostgreSQL URL (postgresql://user:password@host:"
        "5432/name), not mysql; unset it to keep the SQLite file SOCIALWAY_DB\n"
    )
