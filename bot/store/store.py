"""Everything Social Way remembers: one SQLite file (sqlite-utils, WAL; the default), or
PostgreSQL when DATABASE_URL says so (several machines sharing one database).

The SQL here is written once for both, with `?` placeholders; bot/store/sqlite.py holds the
backends (connections, write transactions, the two expressions the dialects spell
differently). Write new SQL portably: `INSERT ... ON CONFLICT DO NOTHING` / `DO UPDATE`
(not INSERT OR IGNORE/REPLACE), `CASE WHEN` inside SUM (not a bare comparison), no
SQLite-only functions.

Migrations are named and append-only: each runs once, in order, recorded in `migrations`,
on both backends (plain SQL through `db.execute`; a migration that must differ uses
`per_backend`). Add new ones at the end of MIGRATIONS; never edit or reorder a released one.

Thread safety: SQLite gives each thread its own connection; PostgreSQL a pooled one per
statement or transaction, so the Bolt listener pool and the digest clock share one `Store`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from bot.review.core.model import Review
from bot.store.backends import open_backend
from bot.store.errors import STORE_ERRORS, StoreFailed, StoreUnavailable

__all__ = [
    "MIGRATIONS", "STORE_ERRORS", "ChannelSettings", "Store", "StoreFailed", "StoreUnavailable",
    "draft_hash",
]  # fmt: skip


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
    team_id: str = ""  # the workspace (its token posts the digest); "" when never said


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


def _m004_digest_home_indexes(db: Database) -> None:
    """Indexes for the digest and the App Home, and retry bookkeeping for digests."""
    db.execute("ALTER TABLE digests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE digests ADD COLUMN last_error TEXT")
    # The digest's before/after: posted rewrites of public reviews, a tiny slice of reviews.
    db.execute(
        "CREATE INDEX reviews_posted_public ON reviews (channel_id, created_at) "
        "WHERE rewrite_posted = 1 AND visibility = 'public'"
    )
    # Retention only visits rows it has not erased yet, however many it erased before.
    db.execute("CREATE INDEX reviews_unerased ON reviews (created_at) WHERE erased_at IS NULL")


def _m005_llm_requests(db: Database) -> None:
    """Which LLM review each call belonged to: the hourly budget counts reviews, not calls."""
    db.execute("ALTER TABLE llm_calls ADD COLUMN request_id TEXT")
    db.execute("CREATE INDEX llm_calls_user_request ON llm_calls (user_id, created_at, request_id)")


def _m006_digest_covering_index(db: Database) -> None:
    """The digest's counts, trend, top issues and thanks read only this index, not the rows.

    A channel's reviews are scattered through a big table (every channel writes at once), so
    a weekly digest that fetched each row would touch a page per review; this index holds
    the few columns those queries need, in (channel, time) order.
    """
    db.execute(
        "CREATE INDEX reviews_channel_digest ON reviews "
        "(channel_id, created_at, surface, human_score, user_id, rules)"
    )


def _m007_digest_public_index(db: Database) -> None:
    """The digest counts only reviews that were public in the channel, so its covering
    index also holds `visibility` and `rewrite_posted` (and replaces the one of 006)."""
    db.execute("DROP INDEX IF EXISTS reviews_channel_digest")
    db.execute(
        "CREATE INDEX reviews_channel_digest_public ON reviews "
        "(channel_id, created_at, visibility, rewrite_posted, surface, human_score, user_id, rules)"
    )


def _m008_review_llm_pending(db: Database) -> None:
    """1 while a review's AI step is still being written: its rewrite can't be posted yet."""
    db.execute("ALTER TABLE reviews ADD COLUMN llm_pending INTEGER NOT NULL DEFAULT 0")


def per_backend(sqlite: Callable[[Database], None], postgres: str) -> Callable:
    """A migration that differs: sqlite-utils' table builder on SQLite, SQL on PostgreSQL
    (statements separated by `;`, read as bot/store/postgres.py reads DDL)."""

    def migrate(db) -> None:
        if getattr(db, "dialect", "sqlite") != "postgres":
            return sqlite(db)
        db.executescript(postgres)

    migrate.__doc__ = sqlite.__doc__
    return migrate


# The tables sqlite-utils made in 001-003, as PostgreSQL makes them (same names, columns,
# keys and indexes; sqlite-utils' FLOAT and INTEGER are DOUBLE PRECISION and BIGINT there).
_PG_001_CORE = """
CREATE TABLE reviews (id INTEGER PRIMARY KEY, created_at FLOAT NOT NULL, team_id TEXT,
  channel_id TEXT, user_id TEXT, surface TEXT, visibility TEXT, message_ts TEXT,
  thread_ts TEXT, playbook TEXT, playbook_version TEXT, engine TEXT, platform TEXT,
  human_score INTEGER NOT NULL, verdict TEXT, rules TEXT, review_json TEXT, draft TEXT,
  rewrite TEXT, draft_hash TEXT, rewrite_posted INTEGER DEFAULT 0, erased_at FLOAT);
CREATE INDEX idx_reviews_channel_id_created_at ON reviews (channel_id, created_at);
CREATE INDEX idx_reviews_user_id_created_at ON reviews (user_id, created_at);
CREATE INDEX idx_reviews_created_at ON reviews (created_at);
CREATE TABLE feedback (id INTEGER PRIMARY KEY, created_at FLOAT, review_id INTEGER,
  channel_id TEXT, user_id TEXT, kind TEXT, rule TEXT, detail TEXT);
CREATE INDEX idx_feedback_channel_id_created_at ON feedback (channel_id, created_at);
CREATE INDEX idx_feedback_review_id ON feedback (review_id);
CREATE TABLE channel_settings (channel_id TEXT PRIMARY KEY, team_id TEXT, playbook TEXT,
  watch INTEGER, llm_allowed INTEGER, digest_on INTEGER, digest_weekday INTEGER,
  digest_hour INTEGER, timezone TEXT, muted_rules TEXT, updated_by TEXT, updated_at FLOAT);
CREATE TABLE seen_events (event_id TEXT PRIMARY KEY, seen_at FLOAT);
CREATE INDEX idx_seen_events_seen_at ON seen_events (seen_at)
"""
_PG_002_LLM = """
CREATE TABLE llm_cache (key TEXT PRIMARY KEY, created_at FLOAT, review_json TEXT);
CREATE TABLE llm_calls (id INTEGER PRIMARY KEY, created_at FLOAT, user_id TEXT, model TEXT,
  prompt_tokens INTEGER, completion_tokens INTEGER, cached INTEGER, outcome TEXT);
CREATE INDEX idx_llm_calls_user_id_created_at ON llm_calls (user_id, created_at);
CREATE INDEX idx_llm_calls_created_at ON llm_calls (created_at)
"""
_PG_003_DIGESTS = """
CREATE TABLE digests (channel_id TEXT, week_start TEXT, claimed_at FLOAT, claimed_by TEXT,
  posted_ts TEXT, posted_at FLOAT, PRIMARY KEY (channel_id, week_start))
"""


def _m009_jobs(db: Database) -> None:
    """Durable work (bot.jobs): each accepted request, leased to the process running it.

    Plain SQL that PostgreSQL runs as well. `state`: running | queued (waiting for
    `run_after`) | done | failed (payload blanked) | probe (the health check's row).
    """
    db.execute(
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT, "
        "state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
        "run_after DOUBLE PRECISION NOT NULL, lease_until DOUBLE PRECISION, leased_by TEXT, "
        "created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, "
        "last_error TEXT)"
    )
    db.execute("CREATE INDEX jobs_due ON jobs (state, run_after)")
    db.execute("CREATE INDEX jobs_leased_by ON jobs (leased_by)")


def _m010_conversations(db: Database) -> None:
    """A talk with Social Way in a DM, the assistant panel or a mention thread: its current
    draft, platform, playbook, reply-to comment and last review (`state`, JSON). Erased
    with drafts after the retention (`purge`). Portable SQL: it runs on PostgreSQL too."""
    db.execute(
        "CREATE TABLE conversations (channel_id TEXT NOT NULL, thread_ts TEXT NOT NULL, "
        "team_id TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '', "
        "surface TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, "
        "created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, "
        "drafted_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (channel_id, thread_ts))"
    )
    db.execute("CREATE INDEX conversations_user ON conversations (user_id, updated_at)")
    db.execute("CREATE INDEX conversations_drafted ON conversations (drafted_at)")


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("001_core", per_backend(_m001_core, _PG_001_CORE)),
    ("002_llm", per_backend(_m002_llm, _PG_002_LLM)),
    ("003_digests", per_backend(_m003_digests, _PG_003_DIGESTS)),
    ("004_digest_home_indexes", _m004_digest_home_indexes),
    ("005_llm_requests", _m005_llm_requests),
    ("006_digest_covering_index", _m006_digest_covering_index),
    ("007_digest_public_index", _m007_digest_public_index),
    ("008_review_llm_pending", _m008_review_llm_pending),
    ("009_jobs", _m009_jobs),
    ("010_conversations", _m010_conversations),
]

# Work in hand keeps its words at least this long (seconds), even with a retention of 0
# days: a job needs its draft and response_url (valid 30 minutes) to answer at all.
JOB_WORDS_AT_LEAST = 3600.0


# The reviews a channel's digest may count, list and thank for: those that were public in
# the channel (watch mode, a mention there) and private ones whose rewrite the person
# chose to post there. Private reviews nobody posted, and "personal" ones (someone else's
# message, reviewed for the asker only), never reach a digest — not even as a number.
SHOWN_IN_CHANNEL = "(visibility = 'public' OR (visibility = 'private' AND rewrite_posted = 1))"
# Another tone of a draft already counted (SQLite's `IS NOT 'tone'`, spelled for both).
NOT_TONE = "COALESCE(surface, '') != 'tone'"
SETTINGS_COLUMNS = (
    "channel_id, team_id, playbook, watch, llm_allowed, digest_on, digest_weekday, "
    "digest_hour, timezone, muted_rules, updated_by, updated_at"
)


def _excluded(columns: str) -> str:
    """`col = excluded.col, ...` for an upsert that replaces the whole row but its key."""
    names = [c.strip() for c in columns.split(",")][1:]
    return ", ".join(f"{name} = excluded.{name}" for name in names)


class Store:
    """The app's memory. Open it once per process; it is safe to share across threads."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time):
        """`path`: a SQLite file, or a `postgresql://` URL (`Settings.database`)."""
        self.path = str(path)
        self.clock = clock
        self.backend = open_backend(path)
        try:
            self._migrate()
        except BaseException:
            self.backend.close()
            raise

    # -- connections -------------------------------------------------------------

    @property
    def db(self) -> Database:
        """This thread's database handle (sqlite-utils' Database, or PgDatabase)."""
        return self.backend.db

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _immediate(self) -> AbstractContextManager[Database]:
        """A write transaction that serialises with every other one, in every process."""
        return self.backend.write()

    def _migrate(self) -> list[str]:
        """Apply the migrations not yet applied, in order; returns their names."""
        self.backend.prepare()
        with self._immediate() as tx:  # two processes starting at once: one makes it
            tx.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)"
            )
        applied = []
        for name, migrate in MIGRATIONS:
            with self._immediate() as tx:
                done = tx.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone()
                if done:
                    continue
                migrate(tx)
                tx.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, self.clock()]
                )
            applied.append(name)
        self.migrated_now = applied
        return applied

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
            **review_columns(review, draft),
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

    def set_llm_pending(self, review_id: int, pending: bool) -> None:
        """Mark a review's AI step as under way (or not); `update_review` can clear it too."""
        self.db["reviews"].update(review_id, {"llm_pending": int(pending)})

    def mark_rewrite_posted(self, review_id: int) -> None:
        self.db["reviews"].update(review_id, {"rewrite_posted": 1})

    def claim_rewrite_post(self, review_id: int) -> bool:
        """True for exactly one caller, however many clicks race: the one that may post."""
        cursor = self.db.execute(
            "UPDATE reviews SET rewrite_posted = 1 WHERE id = ? AND rewrite_posted = 0",
            [review_id],
        )
        return cursor.rowcount == 1

    def release_rewrite_post(self, review_id: int) -> None:
        """Give the claim back when posting failed, so the person can try again."""
        self.db["reviews"].update(review_id, {"rewrite_posted": 0})

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
            team_id=r["team_id"] or "",
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
        team_id = team_id or s.team_id  # a change that doesn't say the team keeps the known one
        self.db.execute(
            f"""INSERT INTO channel_settings ({SETTINGS_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT (channel_id) DO UPDATE SET {_excluded(SETTINGS_COLUMNS)}""",
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
        return self._change_muted(channel_id, user_id, lambda muted: {*muted, rule})

    def unmute_rule(self, channel_id: str, rule: str, *, user_id: str) -> ChannelSettings:
        return self._change_muted(channel_id, user_id, lambda muted: set(muted) - {rule})

    def _change_muted(self, channel_id: str, user_id: str, change) -> ChannelSettings:
        """Read, change and write a channel's muted rules in one write transaction."""
        with self._immediate():
            current = self.channel_settings(channel_id)
            result = replace(current, muted_rules=tuple(sorted(change(current.muted_rules))))
            self._write_settings(result, updated_by=user_id, team_id="")
        return result

    def channels_with_digest(self) -> list[ChannelSettings]:
        rows = self.db.query("SELECT channel_id FROM channel_settings WHERE digest_on = 1")
        return [self.channel_settings(r["channel_id"]) for r in rows]

    # -- events ------------------------------------------------------------------

    def first_sighting(self, event_id: str) -> bool:
        """True the first time an event id is seen, in any process; False for retries."""
        cursor = self.db.execute(
            "INSERT INTO seen_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [event_id, self.clock()],
        )
        return cursor.rowcount == 1

    def forget_events_before(self, when: float) -> int:
        return self.db.execute("DELETE FROM seen_events WHERE seen_at < ?", [when]).rowcount

    # -- retention ---------------------------------------------------------------

    def purge(self, retention_days: int, *, batch: int = 1000) -> int:
        """Erase draft and rewrite text older than the retention; scores and rule ids stay.

        Everything that may hold a person's words goes: the draft, the rewrite, each
        finding's quote and replacement, the rewrite's changes and missing facts, the
        summary and notes, and cached LLM answers. Works in batches so a big backlog never
        holds the write lock for long. Returns how many reviews were erased.
        """
        now = self.clock()
        cutoff = now - retention_days * 86400
        erased = 0
        while True:
            with self._immediate() as tx:
                rows = tx.execute(
                    "SELECT id, review_json FROM reviews "
                    "WHERE erased_at IS NULL AND created_at < ? LIMIT ?",
                    [cutoff, batch],
                ).fetchall()
                for review_id, review_json in rows:
                    tx.execute(
                        "UPDATE reviews SET draft = NULL, rewrite = NULL, review_json = ?, "
                        "erased_at = ? WHERE id = ?",
                        [_erase_words(review_json), now, review_id],
                    )
            erased += len(rows)
            if len(rows) < batch:
                break
        self.db.execute("DELETE FROM llm_cache WHERE created_at < ?", [cutoff])
        self.forget_conversations_before(cutoff)
        self.forget_events_before(now - 7 * 86400)
        self.erase_old_jobs(before=min(cutoff, now - JOB_WORDS_AT_LEAST))
        return erased

    # -- digest and App Home queries ---------------------------------------------
    # The digest's counts, averages, issues and thanks read only reviews SHOWN_IN_CHANNEL.
    # Reviews of surface "tone" are another tone of a draft already counted, so they are
    # left out too.

    def channel_scores(self, channel_id: str, start: float, end: float) -> list[tuple[float, int]]:
        """(created_at, human_score) of the channel's public reviews in [start, end), oldest
        first (private and personal ones are left out: see SHOWN_IN_CHANNEL)."""
        return self.db.execute(
            "SELECT created_at, human_score FROM reviews WHERE channel_id = ? "
            f"AND created_at >= ? AND created_at < ? AND {SHOWN_IN_CHANNEL} "
            f"AND {NOT_TONE} ORDER BY created_at",
            [channel_id, start, end],
        ).fetchall()

    def rule_counts(self, channel_id: str, start: float, end: float) -> list[tuple[str, int]]:
        """How many of the channel's public reviews in [start, end) flagged each rule.

        Only rule ids (strings) count: a damaged row's numbers or objects are left out, so the
        digest never renders one as a rule's title."""
        return self.db.execute(
            "SELECT j.value AS rule, count(DISTINCT r.id) AS drafts "
            f"FROM reviews r, {self.backend.json_each('r.rules', 'j')} WHERE r.channel_id = ? "
            f"AND j.type = 'text' AND r.created_at >= ? AND r.created_at < ? AND {NOT_TONE} "
            f"AND {SHOWN_IN_CHANNEL} "
            "GROUP BY j.value ORDER BY drafts DESC, rule",
            [channel_id, start, end],
        ).fetchall()

    def posted_public_rewrites(
        self, channel_id: str, start: float, end: float, *, limit: int = 20
    ) -> list[dict]:
        """Public reviews in the channel whose rewrite someone posted, text still kept.

        Only visibility "public" (the draft was already in the channel for all to see):
        a private review's words never leave the person who asked.
        """
        return list(
            self.db.query(
                "SELECT r.id, r.user_id, r.human_score, r.draft, r.rewrite, r.playbook, "
                "(SELECT count(*) FROM feedback f WHERE f.review_id = r.id "
                "AND f.kind = 'helpful') AS helpful "
                "FROM reviews r WHERE r.channel_id = ? AND r.created_at >= ? "
                "AND r.created_at < ? AND r.rewrite_posted = 1 AND r.visibility = 'public' "
                "AND r.draft IS NOT NULL AND r.rewrite IS NOT NULL AND r.rewrite != '' "
                "ORDER BY helpful DESC, r.human_score ASC, r.id DESC LIMIT ?",
                [channel_id, start, end, limit],
            )
        )

    def askers(self, channel_id: str, start: float, end: float) -> list[tuple[str, int]]:
        """People who asked for reviews in the channel in the open, most reviews first.

        Watch mode reviews every message without being asked, so its authors are not askers;
        someone who asked privately (and posted nothing) is nobody's business.
        """
        return self.db.execute(
            "SELECT user_id, count(*) AS n FROM reviews WHERE channel_id = ? "
            "AND created_at >= ? AND created_at < ? AND user_id != '' "
            f"AND {SHOWN_IN_CHANNEL} AND surface NOT IN ('watch', 'tone') "
            "GROUP BY user_id ORDER BY n DESC, user_id",
            [channel_id, start, end],
        ).fetchall()

    def rule_pushback(self, channel_id: str, start: float, end: float) -> dict[str, dict]:
        """Per rule, how often people muted it or called a review that flagged it not helpful.

        A "not helpful" on a whole review counts against every rule that review flagged, when
        that review was public in the channel (a vote on a private one stays private); a mute
        changes the channel's reviews for everyone, so every mute counts.
        """
        rows = self.db.execute(
            "SELECT f.kind, f.rule, r.rules FROM feedback f "
            "LEFT JOIN reviews r ON r.id = f.review_id WHERE f.channel_id = ? "
            "AND f.created_at >= ? AND f.created_at < ? AND (f.kind = 'mute' "
            f"OR (f.kind = 'not_helpful' AND {SHOWN_IN_CHANNEL}))",
            [channel_id, start, end],
        ).fetchall()
        tally: dict[str, dict] = {}
        for kind, rule, rules_json in rows:
            rules = [rule] if rule else _rule_ids(rules_json)
            for name in dict.fromkeys(rules):
                counts = tally.setdefault(name, {"mute": 0, "not_helpful": 0})
                counts[kind] += 1
        return tally

    def user_reviews(self, user_id: str, *, limit: int = 10) -> list[dict]:
        """A person's latest reviews, newest first (for their Home tab)."""
        return list(
            self.db.query(
                "SELECT id, created_at, channel_id, surface, visibility, human_score, verdict, "
                "rules, playbook, draft, review_json FROM reviews WHERE user_id = ? "
                "ORDER BY created_at DESC LIMIT ?",
                [user_id, limit],
            )
        )

    def user_scores(self, user_id: str, start: float, end: float) -> list[tuple[float, int]]:
        """(created_at, human_score) of a person's reviews in [start, end), oldest first."""
        return self.db.execute(
            "SELECT created_at, human_score FROM reviews WHERE user_id = ? "
            f"AND created_at >= ? AND created_at < ? AND {NOT_TONE} "
            "ORDER BY created_at",
            [user_id, start, end],
        ).fetchall()

    def user_channels(self, user_id: str, *, since: float, limit: int = 10) -> list[str]:
        """The channels a person asked for reviews in since `since`, most recent first."""
        rows = self.db.execute(
            "SELECT channel_id, max(created_at) AS last FROM reviews WHERE user_id = ? "
            "AND created_at >= ? AND channel_id != '' GROUP BY channel_id "
            "ORDER BY last DESC LIMIT ?",
            [user_id, since, limit],
        ).fetchall()
        return [channel for channel, _ in rows]

    # -- digests posted ----------------------------------------------------------

    def claim_digest(
        self,
        channel_id: str,
        week_start: str,
        *,
        claimed_by: str,
        stale_after: float = 600.0,
        max_attempts: int = 5,
    ) -> str:
        """Take the right to post one channel's digest for one week, in any process.

        Returns "claimed" (first claim: post it), "recovering" (an earlier claim went quiet
        for `stale_after` seconds or failed: look for its message before posting again),
        "busy" (someone else is on it), "posted" (done) or "gave_up" (failed too often).
        """
        now = self.clock()
        with self._immediate() as tx:
            inserted = tx.execute(
                "INSERT INTO digests (channel_id, week_start, claimed_at, claimed_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [channel_id, week_start, now, claimed_by],
            ).rowcount
            if inserted == 1:
                return "claimed"
            claimed_at, posted_ts, attempts = tx.execute(
                "SELECT claimed_at, posted_ts, attempts FROM digests "
                "WHERE channel_id = ? AND week_start = ?",
                [channel_id, week_start],
            ).fetchone()
            if posted_ts:
                return "posted"
            if attempts >= max_attempts:
                return "gave_up"
            if (claimed_at or 0) > now - stale_after:
                return "busy"
            tx.execute(
                "UPDATE digests SET claimed_at = ?, claimed_by = ? "
                "WHERE channel_id = ? AND week_start = ?",
                [now, claimed_by, channel_id, week_start],
            )
            return "recovering"

    def mark_digest_posted(self, channel_id: str, week_start: str, ts: str) -> None:
        self.db.execute(
            "UPDATE digests SET posted_ts = ?, posted_at = ?, last_error = NULL "
            "WHERE channel_id = ? AND week_start = ?",
            [ts, self.clock(), channel_id, week_start],
        )

    def digest_failed(
        self, channel_id: str, week_start: str, error: str, *, claimed_at: float | None = None
    ) -> None:
        """Note a failed attempt; the claim goes stale and is retried after `stale_after`
        (sooner when `claimed_at` is set back: Slack said when to come back)."""
        self.db.execute(
            "UPDATE digests SET attempts = attempts + 1, last_error = ?, claimed_at = ? "
            "WHERE channel_id = ? AND week_start = ?",
            [error[:500], self.clock() if claimed_at is None else claimed_at, channel_id,
             week_start],
        )  # fmt: skip

    def digest_row(self, channel_id: str, week_start: str) -> dict | None:
        rows = list(
            self.db.query(
                "SELECT * FROM digests WHERE channel_id = ? AND week_start = ?",
                [channel_id, week_start],
            )
        )
        return rows[0] if rows else None

    # -- LLM cache, usage and budget (the review.ledger.LlmLedger protocol) -------

    def llm_cache_get(self, key: str) -> dict | None:
        row = self.db.execute("SELECT review_json FROM llm_cache WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    def llm_cache_put(self, key: str, review: dict) -> None:
        self.db.execute(
            "INSERT INTO llm_cache (key, created_at, review_json) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET created_at = excluded.created_at, "
            "review_json = excluded.review_json",
            [key, self.clock(), json.dumps(review, ensure_ascii=False)],
        )

    def record_llm_call(
        self,
        *,
        user_id: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cached: bool,
        outcome: str,
        request_id: str,
    ) -> None:
        self.db.execute(
            "INSERT INTO llm_calls (created_at, user_id, model, prompt_tokens, "
            "completion_tokens, cached, outcome, request_id) VALUES (?,?,?,?,?,?,?,?)",
            [
                self.clock(),
                user_id,
                model,
                prompt_tokens,
                completion_tokens,
                int(cached),
                outcome,
                request_id,
            ],
        )

    def llm_calls_since(self, user_id: str, since: float) -> int:
        """LLM reviews (distinct requests that reached the model) this person started."""
        row = self.db.execute(
            "SELECT COUNT(DISTINCT request_id) FROM llm_calls "
            "WHERE user_id = ? AND created_at >= ? AND cached = 0",
            [user_id, since],
        ).fetchone()
        return int(row[0] or 0)

    def usage_by_day(self, *, days: int | None = None) -> list[dict]:
        """Per UTC day, newest first: reviews stored, LLM reviews, calls, cache hits, tokens."""
        since = self.clock() - days * 86400 if days else 0.0
        day = self.backend.day("created_at")
        rows: dict[str, dict] = {}

        def row(d: str) -> dict:
            return rows.setdefault(
                d,
                {"day": d, "reviews": 0, "llm_reviews": 0, "calls": 0, "cache_hits": 0,
                 "failed_calls": 0, "prompt_tokens": 0, "completion_tokens": 0},
            )  # fmt: skip

        for d, n in self.db.execute(
            f"SELECT {day}, COUNT(*) FROM reviews WHERE created_at >= ? GROUP BY 1", [since]
        ).fetchall():
            row(d)["reviews"] = n
        for d, requests, calls, hits, failed, tin, tout in self.db.execute(
            f"""SELECT {day},
                COUNT(DISTINCT CASE WHEN cached = 0 THEN request_id END),
                SUM(CASE WHEN cached = 0 THEN 1 ELSE 0 END),
                SUM(CASE WHEN cached = 1 THEN 1 ELSE 0 END),
                SUM(CASE WHEN cached = 0 AND outcome NOT IN ('ok', 'bad_output', 'refusal')
                    THEN 1 ELSE 0 END),
                COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0)
            FROM llm_calls WHERE created_at >= ? GROUP BY 1""",
            [since],
        ).fetchall():
            r = row(d)
            r.update(
                llm_reviews=requests,
                calls=calls or 0,
                cache_hits=hits or 0,
                failed_calls=failed or 0,
                prompt_tokens=tin,
                completion_tokens=tout,
            )
        return [rows[d] for d in sorted(rows, reverse=True)]

    # -- durable work (bot.jobs) -------------------------------------------------
    # Portable SQL (`?` placeholders, ON CONFLICT): the same statements run on PostgreSQL.

    _JOB_OPEN = "state IN ('running', 'queued')"
    _JOB_FREE = "(lease_until IS NULL OR lease_until < ?)"

    def wait_for_locks(self, seconds: float) -> None:
        """How long this thread's writes wait on another writer's lock before failing
        (SQLite's busy_timeout; PostgreSQL's equivalent is lock_timeout)."""
        self.backend.lock_wait(seconds)

    def add_jobs(self, rows: list[dict], *, leased_by: str, lease_until: float) -> list[str]:
        """Record accepted work, leased to `leased_by`; returns the ids that were new (a
        retried event's id already there, from any process, is not)."""
        fresh = []
        with self._immediate() as tx:
            for row in rows:
                cursor = tx.execute(
                    "INSERT INTO jobs (id, kind, payload, state, attempts, run_after, "
                    "lease_until, leased_by, created_at, updated_at) "
                    "VALUES (?, ?, ?, 'running', 1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    [row["id"], row["kind"], row["payload"], row["now"], lease_until,
                     leased_by, row["now"], row["now"]],
                )  # fmt: skip
                if cursor.rowcount == 1:
                    fresh.append(row["id"])
        return fresh

    def checkpoint_job(self, job_id: str, payload: str) -> None:
        self.db.execute(
            "UPDATE jobs SET payload = ?, updated_at = ? WHERE id = ?",
            [payload, self.clock(), job_id],
        )

    def reschedule_job(
        self, job_id: str, *, run_after: float, lease_until: float, payload: str, attempts: int
    ) -> None:
        """The job waits (still leased to its process) until `run_after`."""
        self.db.execute(
            "UPDATE jobs SET state = 'queued', run_after = ?, lease_until = ?, payload = ?, "
            "attempts = ?, updated_at = ? WHERE id = ?",
            [run_after, lease_until, payload, attempts, self.clock(), job_id],
        )

    def take_job(self, job_id: str, leased_by: str, *, lease_until: float) -> bool:
        """Run a waiting job of ours now; False if another process took it over."""
        cursor = self.db.execute(
            "UPDATE jobs SET state = 'running', lease_until = ?, updated_at = ? "
            f"WHERE id = ? AND leased_by = ? AND {self._JOB_OPEN}",
            [lease_until, self.clock(), job_id, leased_by],
        )
        return cursor.rowcount == 1

    def finish_jobs(self, closes: list[tuple[str, str, str]]) -> None:
        """Close jobs, (id, state done|failed, error) each, in one transaction; their
        payloads (drafts, response_urls) are blanked."""
        now = self.clock()
        with self._immediate() as tx:
            for job_id, state, error in closes:
                tx.execute(
                    "UPDATE jobs SET state = ?, payload = NULL, lease_until = NULL, "
                    "last_error = ?, updated_at = ? WHERE id = ?",
                    [state, error[:200] or None, now, job_id],
                )

    def renew_job_leases(self, leased_by: str, *, lease_until: float) -> int:
        return self.db.execute(
            f"UPDATE jobs SET lease_until = ? WHERE leased_by = ? AND {self._JOB_OPEN} "
            "AND lease_until < ?",
            [lease_until, leased_by, lease_until],
        ).rowcount

    def claim_jobs(
        self, leased_by: str, *, now: float, lapsed_before: float, lease_until: float, limit: int
    ) -> list:
        """Take over due jobs nobody holds (their process died: the lease lapsed before
        `lapsed_before`), each by one process only; returns their rows (attempts counted)."""
        ids = [
            r[0]
            for r in self.db.execute(
                f"SELECT id FROM jobs WHERE {self._JOB_OPEN} AND run_after <= ? "
                f"AND {self._JOB_FREE} ORDER BY run_after LIMIT ?",
                [now, lapsed_before, limit],
            ).fetchall()
        ]
        claimed = []
        for job_id in ids:
            cursor = self.db.execute(
                "UPDATE jobs SET state = 'running', leased_by = ?, lease_until = ?, "
                f"attempts = attempts + 1, updated_at = ? WHERE id = ? AND {self._JOB_OPEN} "
                f"AND {self._JOB_FREE}",
                [leased_by, lease_until, now, job_id, lapsed_before],
            )
            if cursor.rowcount == 1:
                claimed.append(self.get_job(job_id))
        return claimed

    def get_job(self, job_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
        return rows[0] if rows else None

    def job_states(self) -> dict[str, int]:
        """How many jobs are in each state (benchmarks, tests)."""
        rows = self.db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
        return dict(rows)

    def purge_jobs(self, *, before: float) -> int:
        return self.db.execute(
            "DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at < ?", [before]
        ).rowcount

    def erase_old_jobs(self, *, before: float) -> int:
        """Close jobs accepted before `before` that are still open (every process stopped
        for longer than the retention): their drafts and response_urls go, like any
        review's words; their answers are long overdue and their response_urls expired."""
        return self.db.execute(
            "UPDATE jobs SET state = 'failed', payload = NULL, lease_until = NULL, "
            f"last_error = 'retention', updated_at = ? WHERE {self._JOB_OPEN} "
            "AND created_at < ?",
            [self.clock(), before],
        ).rowcount

    def probe_write(self) -> None:
        """One small real write, taken the way recording work is (the serialising write
        lock): raises while the store can't take one. On PostgreSQL a plain statement passes
        while another process holds the write lock, so it would call the store well too soon."""
        now = self.clock()
        with self._immediate() as tx:
            tx.execute(
                "INSERT INTO jobs (id, kind, state, attempts, run_after, created_at, updated_at) "
                "VALUES ('health-probe', 'probe', 'probe', 0, 0, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
                [now, now],
            )

    # ---- retention, asked before erasing (robust) -----------------------------------------

    def purgeable(self, retention_days: int) -> int:
        """How many reviews purge(retention_days) would erase now."""
        cutoff = self.clock() - retention_days * 86400
        row = self.db.execute(
            "SELECT COUNT(*) FROM reviews WHERE erased_at IS NULL AND created_at < ?", [cutoff]
        ).fetchone()
        return int(row[0])

    # -- conversations (DMs, the assistant panel, follow-ups in threads) ------------
    # Portable SQL only (`?` placeholders, ON CONFLICT): the PostgreSQL store runs it too.

    def save_conversation(
        self,
        channel_id: str,
        thread_ts: str,
        *,
        surface: str,
        state: dict,
        team_id: str = "",
        user_id: str = "",
        title: str = "",
        drafted_at: float | None = None,
    ) -> None:
        """Create or replace a conversation's state; its surface and creation time stay.
        `drafted_at` is when its draft was written (now by default): retention counts
        from there, however long the talk about it goes on."""
        now = self.clock()
        self.db.execute(
            "INSERT INTO conversations (channel_id, thread_ts, team_id, user_id, surface, "
            "title, state, created_at, updated_at, drafted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (channel_id, thread_ts) DO UPDATE SET state = excluded.state, "
            "title = excluded.title, updated_at = excluded.updated_at, "
            "drafted_at = excluded.drafted_at, user_id = excluded.user_id, "
            "team_id = excluded.team_id",
            [channel_id, thread_ts, team_id, user_id, surface, title,
             json.dumps(state, ensure_ascii=False), now, now, drafted_at or now],
        )  # fmt: skip

    def get_conversation(self, channel_id: str, thread_ts: str) -> dict | None:
        """The conversation in this thread (`state` parsed), or None."""
        row = self.db.execute(
            "SELECT channel_id, thread_ts, team_id, user_id, surface, title, state, created_at, "
            "updated_at FROM conversations WHERE channel_id = ? AND thread_ts = ?",
            [channel_id, thread_ts],
        ).fetchone()
        return _conversation_row(row) if row else None

    def user_conversations(self, user_id: str, *, limit: int = 5) -> list[dict]:
        """A person's latest conversations, newest first (their Home tab, "my last draft")."""
        rows = self.db.execute(
            "SELECT channel_id, thread_ts, team_id, user_id, surface, title, state, created_at, "
            "updated_at FROM conversations WHERE user_id = ? ORDER BY updated_at DESC LIMIT ?",
            [user_id, limit],
        ).fetchall()
        return [_conversation_row(row) for row in rows]

    def thread_review(self, channel_id: str, thread_ts: str) -> dict | None:
        """The latest review a mention put in this channel thread, text still kept."""
        rows = list(
            self.db.query(
                "SELECT * FROM reviews WHERE channel_id = ? AND thread_ts = ? "
                "AND surface = 'mention' AND visibility = 'public' AND draft IS NOT NULL "
                "ORDER BY id DESC LIMIT 1",
                [channel_id, thread_ts],
            )
        )
        return rows[0] if rows else None

    def forget_conversations_before(self, when: float) -> int:
        """Erase conversations whose draft was written before `when` (retention)."""
        return self.db.execute("DELETE FROM conversations WHERE drafted_at < ?", [when]).rowcount


_CONVERSATION_COLUMNS = (
    "channel_id", "thread_ts", "team_id", "user_id", "surface", "title", "state",
    "created_at", "updated_at",
)  # fmt: skip


def _conversation_row(row) -> dict:
    found = dict(zip(_CONVERSATION_COLUMNS, row, strict=True))
    found["state"] = json.loads(found["state"] or "{}")
    return found


def review_columns(review: Review, draft: str) -> dict:
    """The columns of a `reviews` row that come from the review and its draft."""
    return {
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
    }


def _rule_ids(rules_json: str | None) -> list[str]:
    """The rule ids a stored review flagged; a damaged value (a number, an object) names none."""
    rules = json.loads(rules_json or "[]")
    return [r for r in rules if isinstance(r, str)] if isinstance(rules, list) else []


def _erase_words(review_json: str) -> str:
    """A stored review with every piece of a person's text blanked; rule ids and scores stay."""
    data = json.loads(review_json)
    for finding in data.get("findings", []):
        finding["quote"] = ""
        finding["replacement"] = None
        finding["suggestion"] = ""  # an LLM finding's comment may quote the draft
    # strengths the model wrote ("ai-noted") may quote the draft; the rules' ones are fixed
    data["strengths"] = [s for s in data.get("strengths", []) if s.get("id") != "ai-noted"]
    rewrite = data.setdefault("rewrite", {})
    rewrite["text"] = ""
    rewrite["changes"] = []
    rewrite["facts_missing"] = []
    rewrite["facts_dropped"] = []
    data["summary"] = ""
    data["notes"] = []
    return json.dumps(data, ensure_ascii=False)
