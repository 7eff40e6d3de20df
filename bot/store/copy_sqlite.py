"""Moving a SQLite database into PostgreSQL, once, when a team outgrows one machine.

`socialway migrate --from-sqlite FILE` (with DATABASE_URL) brings the file up to date,
then copies every table both databases have (reviews, feedback, channel settings, the AI
cache and usage, digests posted and claimed, events seen, and whatever later migrations
add) into the PostgreSQL database, in one transaction, ids kept, and numbers new rows
after them. Only into an empty database: a second run, or a database already in use, is
refused rather than mixed. Keeping the digests' rows is what stops a week's digest being
posted a second time after the switch.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.store import Store


class CopyRefused(ValueError):
    """The copy would mix two histories, or has nothing to copy from; one line."""


def copy_sqlite_into(source: str | Path, target: Store) -> dict[str, int]:
    """Copy the SQLite file `source` into `target` (a PostgreSQL Store); rows per table."""
    if target.backend.name != "postgres":
        raise CopyRefused("the copy goes into PostgreSQL: set DATABASE_URL to it")
    if not Path(source).is_file():
        raise CopyRefused(f"no SQLite database at {source}")
    pg = target.backend
    with Store(source) as sqlite:
        tables = [
            t for t in sqlite.db.table_names() if t != "migrations" and pg.columns(t)
        ]  # what both have: the same migrations made them
        with pg.write():
            busy = [t for t in tables if pg.db.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
            if busy:
                raise CopyRefused(
                    f"{pg.where} already holds {', '.join(busy)}: copy only into an empty "
                    "database (a new one, migrated with `socialway migrate`)"
                )
            copied = {}
            for table in tables:
                wanted = set(pg.columns(table))
                columns = [c for c in sqlite.db[table].columns_dict if c in wanted]
                names = ", ".join(f'"{c}"' for c in columns)
                rows = sqlite.db.conn.execute(f'SELECT {names} FROM "{table}"')
                copied[table] = pg.copy_rows(table, columns, rows)
                pg.restart_numbering(table)
    return copied
