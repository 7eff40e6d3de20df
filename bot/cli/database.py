"""Opening the database for a CLI command, or one line saying why not (exit 2).

`stats`, `digest` and `purge` read SOCIALWAY_DB. A path that is missing, a folder, or a
file that isn't a database (damaged, or something else entirely) is one InputError line,
never a traceback. A read-only command never opens an empty file as a Store, because
opening one writes the schema into it: it gets `None` and says there is nothing yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.inputs import InputError

if TYPE_CHECKING:
    from bot.store.store import Store


@contextmanager
def existing_store(
    db_path: str, *, read_only: bool = False, must_exist: bool = True
) -> Iterator[Store | None]:
    """The Store at `db_path`, a SQLite file or a DATABASE_URL (None for an empty file when
    `read_only`; created when absent unless `must_exist`); the database's own errors while
    it is used become one InputError line too."""
    import sqlite3

    from bot.store.store import Store, StoreFailed  # only commands that read the database need it

    if "://" in db_path:  # DATABASE_URL: PostgreSQL says itself what is wrong, in one line
        try:
            with Store(db_path) as store:
                yield store
        except StoreFailed as error:
            raise InputError(str(error)) from None
        return
    path = Path(db_path)
    if path.is_dir():
        raise InputError(f"SOCIALWAY_DB is a folder ({db_path}); point it at the database file")
    if must_exist and not path.exists():
        raise InputError(f"no database at {db_path} yet (set SOCIALWAY_DB to the app's database)")
    if read_only and path.stat().st_size == 0:
        yield None
        return
    try:
        with Store(db_path) as store:
            yield store
    except sqlite3.DatabaseError as error:
        raise InputError(
            f"can't read the database at {db_path}: {error} (is it a Social Way database? "
            "restore it from a backup, or point SOCIALWAY_DB at the right file)"
        ) from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise InputError(f"can't open the database at {db_path}: {reason}") from None
