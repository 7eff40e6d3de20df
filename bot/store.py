"""Everything Social Way remembers, in one SQLite file through sqlite-utils.

Migrations are named and append-only: each runs once, in order, recorded in `migrations`.
Add new ones at the end of MIGRATIONS; never edit or reorder a released one.

Thread safety: each thread gets its own connection (WAL lets readers and a writer work
at once; `busy_timeout` makes writers wait instead of failing), so the Bolt listener pool
and the digest clock can share one `Store`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from bot.review.model import Review


def draft_hash(text: str) -> str:
    """A stable fingerprint of a draft, kept after the text itself is erased."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ChannelSettings:
    """One channel's choices; defaults apply until someone changes them."""

    channel_id: str
    playbook: str | None = None
    watch: bool = False
    llm_allowed: bool = True
    digest_on: bool = False
    digest_weekday: int = 0  # Monday
    digest_hour: int = 9
    timezone: str = "UTC"
    muted_rules: tuple[str, ...] = field(default_factory=tuple)


def _m001_core(db: Database) -> None:
    db["reviews"].create(
        {
            "id": int,
            "created_at": float,
            "team_id": str,
            "channel_id": str,
            "user_id": str,
            "surface": str,
            "visibility": str,
            "message_ts": str,
            "thread_ts": str,
            "playbook": str,
            "playbook_version": str,
            "engine": str,
            "platform": str,
            "human_score": int,
            "verdict": str,
            "rules": str,
            "review_json": str,
            "draft": str,
            "rewrite": str,
            "draft_hash": str,
            "rewrite_posted": int,
            "erased_at": float,
        },
        pk="id",
        not_null={"created_at", "human_score"},
        defaults={"rewrite_posted": 0},
    )
    db["reviews"].create_index(["channel_id", "created_at"])
    db["reviews"].create_index(["user_id", "created_at"])
    db["reviews"].create_index(["created_at"])
    db["feedback"].create(
        {
            "id": int,
            "created_at": float,
            "review_id": int,
            "channel_id": str,
            "user_id": str,
            "kind": str,
            "rule": str,
            "detail": str,
        },
        pk="id",
    )
    db["feedback"].create_index(["channel_id", "created_at"])
    db["feedback"].create_index(["review_id"])
    db["channel_settings"].create(
        {
            "channel_id": str,
            "team_id": str,
            "playbook": str,
            "watch": int,
            "llm_allowed": int,
            "digest_on": int,
            "digest_weekday": int,
            "digest_hour": int,
            "timezone": str,
            "muted_rules": str,
            "updated_by": str,
            "updated_at": float,
        },
        pk="channel_id",
    )
    db["seen_events"].create({"event_id": str, "seen_at": float}, pk="event_id")
    db["seen_events"].create_index(["seen_at"])


def _m002_llm(db: Database) -> None:
    db["llm_cache"].create({"key": str, "created_at": float, "review_json": str}, pk="key")
    db["llm_calls"].create(
        {
            "id": int,
            "created_at": float,
            "user_id": str,
            "model": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "cached": int,
            "outcome": str,
        },
        pk="id",
    )
    db["llm_calls"].create_index(["user_id", "created_at"])
    db["llm_calls"].create_index(["created_at"])


def _m003_digests(db: Database) -> None:
    db["digests"].create(
        {
            "channel_id": str,
            "week_start": str,
            "claimed_at": float,
            "claimed_by": str,
            "posted_ts": str,
            "posted_at": float,
        },
        pk=("channel_id", "week_start"),
    )


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("001_core", _m001_core),
    ("002_llm", _m002_llm),
    ("003_digests", _m003_digests),
]


class Store:
    """The app's memory. Open it once per process; it is safe to share across threads."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time):
        self.path = str(path)
        self.clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._migrate()

    # -- connections -------------------------------------------------------------

    @property
    def db(self) -> Database:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            db = Database(conn)
            self._local.db = db
            with self._lock:
                self._connections.append(conn)
        return db

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _immediate(self) -> Iterator[Database]:
        """A write transaction that takes the lock up front (no upgrade deadlocks)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()

    def _migrate(self) -> None:
        db = self.db
        with db.ensure_autocommit_on():
            db.execute("PRAGMA journal_mode=wal")
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)")
        for name, migrate in MIGRATIONS:
            with self._immediate() as tx:
                done = tx.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone()
                if done:
                    continue
                migrate(tx)
                tx.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, self.clock()]
                )

    def applied_migrations(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM migrations ORDER BY name")]

    # -- reviews -----------------------------------------------------------------

    def record_review(
        self,
        review: Review,
        *,
        draft: str,
        surface: str,
        visibility: str,
        team_id: str = "",
        channel_id: str = "",
        user_id: str = "",
        message_ts: str = "",
        thread_ts: str = "",
    ) -> int:
        """Keep a review (and, while retention allows, its draft); returns its id."""
        row = {
            "created_at": self.clock(),
            "team_id": team_id,
            "channel_id": channel_id,
            "user_id": user_id,
            "surface": surface,
            "visibility": visibility,
            "message_ts": message_ts,
            "thread_ts": thread_ts,
            "playbook": review.playbook,
            "playbook_version": review.playbook_version,
            "engine": review.engine,
            "platform": review.platform,
            "human_score": review.human_score,
            "verdict": review.verdict,
            "rules": json.dumps([f.rule for f in review.findings]),
            "review_json": json.dumps(review.to_dict(), ensure_ascii=False),
            "draft": draft,
            "rewrite": review.rewrite.text,
            "draft_hash": draft_hash(draft),
            "rewrite_posted": 0,
        }
        return self.db["reviews"].insert(row).last_pk

    def get_review(self, review_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM reviews WHERE id = ?", [review_id]))
        return rows[0] if rows else None

    def review_of(self, row: dict) -> Review:
        """The `Review` a stored row holds."""
        return Review.from_dict(json.loads(row["review_json"]))

    def update_review(self, review_id: int, review: Review, **columns) -> None:
        """Replace a stored review (the LLM result arriving after the rules one)."""
        values = {
            "engine": review.engine,
            "human_score": review.human_score,
            "verdict": review.verdict,
            "rules": json.dumps([f.rule for f in review.findings]),
            "review_json": json.dumps(review.to_dict(), ensure_ascii=False),
            "rewrite": review.rewrite.text,
            **columns,
        }
        self.db["reviews"].update(review_id, values)

    def set_review_message(self, review_id: int, *, message_ts: str, thread_ts: str = "") -> None:
        self.db["reviews"].update(review_id, {"message_ts": message_ts, "thread_ts": thread_ts})

    def mark_rewrite_posted(self, review_id: int) -> None:
        self.db["reviews"].update(review_id, {"rewrite_posted": 1})

    # -- feedback ----------------------------------------------------------------

    def add_feedback(
        self,
        *,
        kind: str,
        user_id: str,
        review_id: int | None = None,
        channel_id: str = "",
        rule: str = "",
        detail: str = "",
    ) -> int:
        """Record a button press: helpful, not_helpful, mute, unmute, post_rewrite, tone."""
        row = {
            "created_at": self.clock(),
            "review_id": review_id,
            "channel_id": channel_id,
            "user_id": user_id,
            "kind": kind,
            "rule": rule,
            "detail": detail,
        }
        return self.db["feedback"].insert(row).last_pk

    def feedback_for(self, review_id: int) -> list[dict]:
        return list(
            self.db.query("SELECT * FROM feedback WHERE review_id = ? ORDER BY id", [review_id])
        )

    # -- channel settings --------------------------------------------------------

    def channel_settings(self, channel_id: str) -> ChannelSettings:
        rows = list(
            self.db.query("SELECT * FROM channel_settings WHERE channel_id = ?", [channel_id])
        )
        if not rows:
            return ChannelSettings(channel_id=channel_id)
        r = rows[0]
        base = ChannelSettings(channel_id=channel_id)
        return ChannelSettings(
            channel_id=channel_id,
            playbook=r["playbook"] or None,
            watch=bool(r["watch"]) if r["watch"] is not None else base.watch,
            llm_allowed=bool(r["llm_allowed"]) if r["llm_allowed"] is not None else True,
            digest_on=bool(r["digest_on"]) if r["digest_on"] is not None else base.digest_on,
            digest_weekday=r["digest_weekday"] if r["digest_weekday"] is not None else 0,
            digest_hour=r["digest_hour"] if r["digest_hour"] is not None else 9,
            timezone=r["timezone"] or "UTC",
            muted_rules=tuple(json.loads(r["muted_rules"] or "[]")),
        )

    def update_channel_settings(
        self, channel_id: str, *, updated_by: str = "", team_id: str = "", **changes
    ) -> ChannelSettings:
        """Change some of a channel's settings atomically; returns the result."""
        with self._immediate():
            current = replace(self.channel_settings(channel_id), **changes)
            self._write_settings(current, updated_by=updated_by, team_id=team_id)
        return current

    def _write_settings(self, s: ChannelSettings, *, updated_by: str, team_id: str) -> None:
        self.db.execute(
            """INSERT OR REPLACE INTO channel_settings (channel_id, team_id, playbook, watch,
            llm_allowed, digest_on, digest_weekday, digest_hour, timezone, muted_rules,
            updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            [
                s.channel_id,
                team_id,
                s.playbook,
                int(s.watch),
                int(s.llm_allowed),
                int(s.digest_on),
                s.digest_weekday,
                s.digest_hour,
                s.timezone,
                json.dumps(list(s.muted_rules)),
                updated_by,
                self.clock(),
            ],
        )

    def mute_rule(self, channel_id: str, rule: str, *, user_id: str) -> ChannelSettings:
        with self._immediate():
            current = self.channel_settings(channel_id)
            muted = tuple(sorted({*current.muted_rules, rule}))
            result = replace(current, muted_rules=muted)
            self._write_settings(result, updated_by=user_id, team_id="")
        return result

    def unmute_rule(self, channel_id: str, rule: str, *, user_id: str) -> ChannelSettings:
        with self._immediate():
            current = self.channel_settings(channel_id)
            muted = tuple(r for r in current.muted_rules if r != rule)
            result = replace(current, muted_rules=muted)
            self._write_settings(result, updated_by=user_id, team_id="")
        return result

    def channels_with_digest(self) -> list[ChannelSettings]:
        rows = self.db.query("SELECT channel_id FROM channel_settings WHERE digest_on = 1")
        return [self.channel_settings(r["channel_id"]) for r in rows]

    # -- events ------------------------------------------------------------------

    def first_sighting(self, event_id: str) -> bool:
        """True the first time an event id is seen, in any process; False for retries."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)",
            [event_id, self.clock()],
        )
        return cursor.rowcount == 1

    def forget_events_before(self, when: float) -> int:
        return self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", [when]).rowcount

    # -- retention ---------------------------------------------------------------

    def purge(self, retention_days: int) -> int:
        """Erase draft and rewrite text older than the retention; scores and rule ids stay."""
        cutoff = self.clock() - retention_days * 86400
        now = self.clock()
        rows = list(
            self.db.query(
                "SELECT id, review_json FROM reviews WHERE created_at < ? AND erased_at IS NULL",
                [cutoff],
            )
        )
        with self._immediate() as tx:
            for row in rows:
                data = json.loads(row["review_json"])
                for finding in data.get("findings", []):
                    finding["quote"] = ""
                data.setdefault("rewrite", {})["text"] = ""
                tx.execute(
                    "UPDATE reviews SET draft = NULL, rewrite = NULL, review_json = ?, "
                    "erased_at = ? WHERE id = ?",
                    [json.dumps(data), now, row["id"]],
                )
        self.forget_events_before(now - 7 * 86400)
        return len(rows)
