"""The Store on PostgreSQL (DATABASE_URL), through psycopg 3 and a small connection pool.

The Store's SQL is written once, for both backends, with `?` placeholders; `pyformat`
turns them into psycopg's `%s` (never inside a string literal, a quoted name or a
comment) and doubles literal `%` signs. DDL written the SQLite way is read the PostgreSQL
way: INTEGER is 64-bit (BIGINT, as in SQLite), REAL is DOUBLE PRECISION (PostgreSQL's
REAL is 4 bytes: an epoch timestamp would lose its minutes), `INTEGER PRIMARY KEY` numbers
its rows itself (an identity column, like SQLite's rowid).

Connections: a pool (psycopg_pool) shared by every thread of the process; a statement
outside a transaction borrows a connection for just that statement (autocommit, like
sqlite-utils' `execute`); `write()` keeps one for the whole transaction, bound to the
thread, and serialises with every other `write()` in every process with an advisory lock.
Timeouts: connecting (`connect_timeout`), waiting for a pooled connection, and each
statement (`statement_timeout`), so a stuck database is an error, not a hung request.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache

import psycopg
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.store.errors import StoreFailed, StoreUnavailable

CONNECT_TIMEOUT = 5  # seconds to open a connection
POOL_TIMEOUT = 10.0  # seconds to wait for a free pooled connection
STATEMENT_TIMEOUT_MS = 30_000  # like SQLite's busy_timeout: a write waits, then fails
POOL_SIZE = 10  # per process: statements borrow a connection only while they run
WRITE_LOCK = 0x50C1A1  # the advisory lock every `write()` takes (SQLite's one writer)


def where(url: str) -> str:
    """host:port/dbname of a URL, for messages: never the user's password."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable DATABASE_URL)"
    host = params.get("host") or "localhost"
    return f"{host}:{params.get('port') or 5432}/{params.get('dbname') or ''}"


def connect_options(url: str) -> dict:
    """psycopg connection arguments: the URL's own, plus our timeouts (kept when the URL
    already sets them)."""
    if url.startswith("postgres://"):  # the older spelling some platforms still hand out
        url = "postgresql://" + url[len("postgres://") :]
    params = conninfo_to_dict(url)
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
    options = params.get("options", "")
    if "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()
    params["options"] = options
    params.setdefault("application_name", "socialway")
    return params


class _Number(Loader):
    """NUMERIC (what SUM of BIGINT and AVG give) as int when whole, else float: the same
    Python types SQLite returns, never Decimal."""

    def load(self, data):
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _Number)


class PostgresBackend:
    """A pool of connections to one PostgreSQL database."""

    name = "postgres"

    def __init__(self, url: str):
        self.where = where(url)
        try:
            params = connect_options(url)
        except psycopg.ProgrammingError as error:
            raise StoreUnavailable(f"DATABASE_URL can't be read ({error})") from None
        reason = _connect_error(params)  # first, once: a clear reason, not the pool's retries
        if reason:
            raise StoreUnavailable(f"can't reach PostgreSQL at {self.where} ({reason})")
        self.pool = ConnectionPool(
            kwargs={**params, "autocommit": True},
            min_size=1,
            max_size=POOL_SIZE,
            timeout=POOL_TIMEOUT,
            configure=_configure,
            check=ConnectionPool.check_connection,  # a server restart costs no request
            name="socialway",
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT + 1)
        except PoolTimeout:
            self.pool.close()
            reason = _connect_error(params) or "it did not answer in time"
            raise StoreUnavailable(f"can't reach PostgreSQL at {self.where} ({reason})") from None
        self.db = PgDatabase(self)

    def prepare(self) -> None:
        pass

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The thread's transaction connection, else a pooled one for one statement."""
        conn = getattr(self.db.local, "conn", None)
        if conn is not None:
            yield conn
            return
        try:
            with self.pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise StoreUnavailable(
                f"no connection to PostgreSQL at {self.where} within {POOL_TIMEOUT:.0f} s"
            ) from None

    @contextmanager
    def write(self) -> Iterator[PgDatabase]:
        """A transaction that serialises with every other `write()`, in every process."""
        local = self.db.local
        if getattr(local, "conn", None) is not None:  # already inside one: join it
            yield self.db
            return
        with self.connection() as conn:
            try:
                with conn.transaction():
                    _bound_lock_wait(conn, local)
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
                    local.conn = conn
                    try:
                        yield self.db
                    finally:
                        local.conn = None
            except psycopg.Error as error:  # beginning, the lock, COPY, or the commit
                raise failure(error, conn, self.where) from error

    def copy_rows(self, table: str, columns: list[str], rows) -> int:
        """Load rows fast (COPY) inside this thread's `write()` transaction; returns how
        many. For moving a SQLite database in (bot/store/copy_sqlite.py)."""
        conn = getattr(self.db.local, "conn", None)
        if conn is None:
            raise RuntimeError("copy_rows runs inside write()")
        names = ", ".join(_name(c) for c in columns)
        count = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY {_name(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def restart_numbering(self, table: str) -> None:
        """After rows came with their own ids: new rows are numbered after the highest."""
        for (column,) in self.db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? AND (is_identity = 'YES' "
            "OR column_default LIKE 'nextval(%')",
            [table],
        ).fetchall():
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence(?, ?), max({_name(column)})) "
                f"FROM {_name(table)} HAVING max({_name(column)}) IS NOT NULL",
                [_name(table), column],
            )

    def columns(self, table: str) -> list[str]:
        return [
            name
            for (name,) in self.db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]

    def lock_wait(self, seconds: float | None) -> None:
        """How long this thread's statements wait for another writer's lock before failing
        (None: up to the statement timeout); SQLite's busy_timeout, here lock_timeout."""
        self.db.local.lock_wait_ms = None if seconds is None else max(1, int(seconds * 1000))

    def close(self) -> None:
        self.pool.close()

    # -- what the dialects spell differently ---------------------------------------

    @staticmethod
    def day(column: str) -> str:
        return f"to_char(to_timestamp({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"

    @staticmethod
    def json_each(column: str, alias: str) -> str:
        # SQLite's json_each columns: value (a string as text) and type ('text' for one);
        # a value that is not an array is one element, as in SQLite.
        doc = f"({column})::json"
        return (
            f"LATERAL (SELECT e #>> '{{}}' AS value, CASE json_typeof(e) WHEN 'string' "
            f"THEN 'text' ELSE json_typeof(e) END AS type FROM json_array_elements(CASE WHEN "
            f"json_typeof({doc}) = 'array' THEN {doc} ELSE json_build_array({doc}) END) AS e) "
            f"AS {alias}"
        )


def _connect_error(params: dict) -> str:
    """Why a connection fails, in one line ("" when it works): psycopg's first line."""
    try:
        psycopg.connect(**params).close()
    except psycopg.Error as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        line = lines[0] if lines else type(error).__name__
        return line.removeprefix("connection failed: ")
    return ""


def failure(error: psycopg.Error, conn: psycopg.Connection, where: str) -> StoreFailed:
    """A driver error as the store's own: its first line only (the details may quote
    data), its SQLSTATE kept; a connection that broke is StoreUnavailable."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    said = lines[0] if lines else type(error).__name__
    if conn.broken:
        return StoreUnavailable(f"lost the connection to PostgreSQL at {where} ({said})")
    return StoreFailed(f"PostgreSQL: {said}", getattr(error, "sqlstate", None))


def _bound_lock_wait(conn: psycopg.Connection, local) -> None:
    """Inside a transaction: this thread's lock wait, if it set one, for this transaction."""
    wait = getattr(local, "lock_wait_ms", None)
    if wait:
        conn.execute("SELECT set_config('lock_timeout', %s, true)", [f"{wait}ms"])


class Result:
    """What a statement gave, read at once (so its connection goes back to the pool)."""

    def __init__(self, rows: list, rowcount: int, description):
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.description = description
        self.lastrowid = None  # an INSERT's new key (PgDatabase.execute asks for it)

    def fetchone(self):
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class PgDatabase:
    """The part of sqlite-utils' `Database` the Store uses, on PostgreSQL."""

    dialect = "postgres"

    def __init__(self, backend: PostgresBackend):
        self.backend = backend
        self.local = threading.local()  # .conn: the connection of this thread's transaction
        self._pks: dict[str, tuple[str, ...]] = {}

    def execute(self, sql: str, parameters: Sequence | None = None) -> Result:
        """Run one statement; `lastrowid` is set for an INSERT into a table whose key is one
        column (PostgreSQL has no rowid: the key is asked for with RETURNING)."""
        query = pyformat(sql)
        key = self._insert_key(sql)
        if key:
            query = f"{query.rstrip().rstrip(';')} RETURNING {_name(key)}"
        local = self.local
        with self.backend.connection() as conn:
            try:
                if getattr(local, "conn", None) is None and getattr(local, "lock_wait_ms", None):
                    with conn.transaction():  # the bound holds for this statement only
                        _bound_lock_wait(conn, local)
                        cursor = conn.execute(query, tuple(parameters or ()))
                        rows = cursor.fetchall() if cursor.description else []
                else:
                    cursor = conn.execute(query, tuple(parameters or ()))
                    rows = cursor.fetchall() if cursor.description else []
            except psycopg.Error as error:
                raise failure(error, conn, self.backend.where) from error
        if key:  # as SQLite answers an INSERT: no rows, the new key in lastrowid
            result = Result([], cursor.rowcount, None)
            result.lastrowid = rows[-1][0] if rows else None
            return result
        return Result(rows, cursor.rowcount, cursor.description)

    def _insert_key(self, sql: str) -> str | None:
        """The key column to return for a plain INSERT (none when it says RETURNING)."""
        found = _INSERT.match(sql)
        if not found or _RETURNING.search(sql):
            return None
        pk = self.primary_key(found.group(1) or found.group(2))
        return pk[0] if len(pk) == 1 else None

    def executescript(self, sql: str) -> None:
        """Several statements separated by `;` (none with placeholders), one by one."""
        for statement in split_statements(sql):
            self.execute(statement)

    def query(self, sql: str, parameters: Sequence | None = None) -> Iterator[dict]:
        result = self.execute(sql, parameters)
        names = [column.name for column in result.description or ()]
        for row in result.fetchall():
            yield dict(zip(names, row, strict=True))

    def __getitem__(self, table: str) -> PgTable:
        return PgTable(self, table)

    def primary_key(self, table: str) -> tuple[str, ...]:
        """The table's key columns, in order (kept once found: keys are never changed)."""
        if table not in self._pks:
            rows = self.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(?) "
                "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                [_name(table)],
            ).fetchall()
            if not rows:
                return ()  # no such table yet (a migration may make it): ask again later
            self._pks[table] = tuple(name for (name,) in rows)
        return self._pks[table]

    def table_names(self) -> list[str]:
        rows = self.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        return [name for (name,) in rows.fetchall()]


class PgTable:
    """`db["table"]`: sqlite-utils' insert, update, get, rows and count."""

    def __init__(self, db: PgDatabase, name: str):
        self.db = db
        self.name = name
        self.last_pk = None

    def _pk(self) -> tuple[str, ...]:
        pk = self.db.primary_key(self.name)
        if not pk:
            raise ValueError(f"table {self.name} has no primary key")
        return pk

    def insert(self, row: dict, *, ignore: bool = False, replace: bool = False) -> PgTable:
        """sqlite-utils' insert: `ignore` keeps an existing row with the same key,
        `replace` overwrites it."""
        columns = list(row)
        pk = self.db.primary_key(self.name)
        conflict = ""
        if ignore:
            conflict = " ON CONFLICT DO NOTHING"
        elif replace:
            conflict = self._on_conflict_update(pk, columns)
        returning = f" RETURNING {', '.join(_name(c) for c in pk)}" if pk else ""
        result = self.db.execute(
            f"INSERT INTO {_name(self.name)} ({', '.join(_name(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}){conflict}{returning}",
            [row[c] for c in columns],
        )
        found = result.fetchone() if pk else None
        self.last_pk = (found[0] if len(found) == 1 else tuple(found)) if found else None
        return self

    def upsert(self, row: dict, *, pk=None) -> PgTable:
        """Insert, or update the given columns of the row with the same key."""
        if pk is not None and tuple([pk] if isinstance(pk, str) else pk) != self._pk():
            raise ValueError(f"{self.name}'s key is {self._pk()}, not {pk}")
        return self.insert(row, replace=True)

    def _on_conflict_update(self, pk: tuple[str, ...], columns: list[str]) -> str:
        if not pk:
            raise ValueError(f"table {self.name} has no primary key")
        others = [c for c in columns if c not in pk]
        if not others:
            return " ON CONFLICT DO NOTHING"
        sets = ", ".join(f"{_name(c)} = excluded.{_name(c)}" for c in others)
        return f" ON CONFLICT ({', '.join(_name(c) for c in pk)}) DO UPDATE SET {sets}"

    def insert_all(self, rows, batch_size: int = 100) -> PgTable:
        for row in rows:
            self.insert(row)
        return self

    def _where_pk(self, pk_value) -> tuple[str, list]:
        pk = self._pk()
        values = list(pk_value) if isinstance(pk_value, list | tuple) else [pk_value]
        return " AND ".join(f"{_name(c)} = ?" for c in pk), values

    def update(self, pk_value, values: dict) -> PgTable:
        where, params = self._where_pk(pk_value)
        sets = ", ".join(f"{_name(c)} = ?" for c in values)
        self.db.execute(
            f"UPDATE {_name(self.name)} SET {sets} WHERE {where}", [*values.values(), *params]
        )
        return self

    def delete(self, pk_value) -> PgTable:
        where, params = self._where_pk(pk_value)
        self.db.execute(f"DELETE FROM {_name(self.name)} WHERE {where}", params)
        return self

    def exists(self) -> bool:
        found = self.db.execute("SELECT to_regclass(?) IS NOT NULL", [_name(self.name)])
        return bool(found.fetchone()[0])

    def get(self, pk_value) -> dict:
        where, params = self._where_pk(pk_value)
        rows = list(self.db.query(f"SELECT * FROM {_name(self.name)} WHERE {where}", params))
        if not rows:
            raise KeyError(pk_value)
        return rows[0]

    @property
    def rows(self) -> Iterator[dict]:
        order = ", ".join(_name(c) for c in self.db.primary_key(self.name)) or "1"
        return self.db.query(f"SELECT * FROM {_name(self.name)} ORDER BY {order}")

    @property
    def count(self) -> int:
        return self.db.execute(f"SELECT count(*) FROM {_name(self.name)}").fetchone()[0]


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# -- SQL written for SQLite, read by PostgreSQL ------------------------------------------

_TOKENS = re.compile(
    r"""'(?:[^']|'')*'?        # a string literal ('' is a quote inside it)
      | "(?:[^"]|"")*"?        # a quoted name
      | --[^\n]*               # a line comment
      | /\*.*?(?:\*/|\Z)       # a block comment
      | \$(?:[A-Za-z_]\w*)?\$  # a dollar-quote tag: the rest is copied as it is
      | [?%;]                  # a placeholder, a percent sign psycopg would misread, an end
      | [^'"\-/$?%;]+ | .      # anything else
    """,
    re.VERBOSE | re.DOTALL,
)
_INSERT = re.compile(r'^\s*INSERT\s+INTO\s+(?:"([^"]+)"|(\w+))', re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_DDL = re.compile(r"^\s*(CREATE\s+TABLE|ALTER\s+TABLE)\b", re.IGNORECASE)
_DDL_TYPES = (
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b", re.IGNORECASE),
     "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"),
    (re.compile(r"\b(REAL|FLOAT)\b", re.IGNORECASE), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
)  # fmt: skip


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s`, literal `%` doubled, outside quotes and comments;
    in CREATE/ALTER TABLE, SQLite's column types as PostgreSQL's (see the module doc)."""
    ddl = bool(_DDL.match(sql))
    out: list[str] = []
    tokens = _TOKENS.findall(sql)
    for i, token in enumerate(tokens):
        if token.startswith("$") and token.endswith("$") and len(token) > 1:
            out.append(token + "".join(tokens[i + 1 :]).replace("%", "%%"))
            break
        if token == "?":
            out.append("%s")
        elif token == "%" or token[:1] in ("'", '"', "-", "/"):
            out.append(token.replace("%", "%%"))
        elif ddl:
            for pattern, replacement in _DDL_TYPES:
                token = pattern.sub(replacement, token)
            out.append(token)
        else:
            out.append(token)
    return "".join(out)


def split_statements(sql: str) -> list[str]:
    """A script's statements: split at each `;` that is not inside quotes or a comment."""
    statements, current = [], []
    for token in _TOKENS.findall(sql):
        if token == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(token)
    statements.append("".join(current))
    return [statement for statement in statements if statement.strip()]
