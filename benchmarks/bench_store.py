"""The store at scale: 1,000,000 reviews across 200 channels, then one channel's digest and
one person's Home tab. Run by hand; prints figures.

    python benchmarks/bench_store.py                       # 1,000,000 reviews, 26 weeks
    python benchmarks/bench_store.py --reviews 200000 --skip-purge

What it measures:
- inserts/s through the Store's connection (executemany, 10,000 a transaction, WAL);
- one channel's digest (aggregate + Block Kit, the scheduler's own path, posted rewrites
  re-scored by the rules engine): median and worst of 20 runs (target < 200 ms);
- one person's Home tab (queries + Block Kit): median and worst of 20 (target < 100 ms);
- database size per million reviews, with every draft kept and after retention erased the
  words of reviews older than 30 days (then VACUUM);
- the query plans, to show each digest and Home query uses an index.

Drafts come from ../shared/data/corporate_messaging_tweets.csv when present (said when
not), reviewed by the real rules engine so each stored review has a real shape and size.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.digest.aggregate import digest_for  # noqa: E402
from bot.digest.week import last_full_week  # noqa: E402
from bot.review.playbooks.loader import PlaybookLibrary  # noqa: E402
from bot.review.reviewer import Reviewer  # noqa: E402
from bot.review.rules.engine import review as rules_review  # noqa: E402
from bot.slack.digest_blocks import digest_message  # noqa: E402
from bot.slack.home_blocks import home_view  # noqa: E402
from bot.slack.listeners.home import home_data  # noqa: E402
from bot.store.store import Store, review_columns  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "corporate_messaging_tweets.csv"
BUILT_IN = [
    "BUY NOW!!! Only 3 left — don't miss out #sale #deal #shop",
    "We're sorry about yesterday's outage. It was our mistake; here's what we changed.",
    "Our industry-leading solutions leverage synergy to deliver world-class value.",
    "What would you like to see in our next release? Tell us below.",
    "Like and share to win a free hoodie! Tag 3 friends!",
    "Thanks for the feedback, Sam — you're right, the checkout is slow. We're on it.",
]
SURFACES = ["command"] * 4 + ["mention"] * 3 + ["shortcut", "watch", "modal", "tone"]
FEEDBACK = ["helpful"] * 5 + ["not_helpful"] * 3 + ["mute"] * 2
DAY = 86400


def drafts(limit: int) -> list[str]:
    if not DATA.exists():
        print(f"(no {DATA}: using {len(BUILT_IN)} built-in drafts)")
        return BUILT_IN
    with DATA.open(encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f) if row["text"].strip()]
    print(f"drafts: {min(limit, len(texts))} from {DATA.name}")
    return texts[:limit]


def templates(library: PlaybookLibrary, count: int) -> list[dict]:
    """Real reviews of real drafts, as the columns record_review stores."""
    playbook = library.get(None)
    return [review_columns(rules_review(text, playbook), text) for text in drafts(count)]


def rows(n, *, channels, users, start, end, shapes, rng):
    span = end - start
    for i in range(n):
        user = rng.randrange(users)
        # people mostly post in a few channels of their own
        channel = (user * 7 + rng.choice((0, 0, 0, 1, 2))) % channels
        surface = rng.choice(SURFACES)
        yield {
            "created_at": start + span * i / n,
            "team_id": "T0BENCH",
            "channel_id": f"C{channel:08d}",
            "user_id": f"U{user:08d}",
            "surface": surface,
            "visibility": "private" if surface in ("command", "shortcut", "modal") else "public",
            "message_ts": "",
            "thread_ts": "",
            "rewrite_posted": 1 if rng.random() < 0.05 else 0,
            **rng.choice(shapes),
        }


def insert_reviews(store: Store, source, batch: int = 10_000) -> None:
    """executemany on the Store's connection, one transaction per batch.

    (sqlite-utils' insert_all manages ~4,000 rows/s here: it caps each statement at
    SQLite's 999 variables, 45 rows of 22 columns; plain executemany is ~5x faster.)
    """
    conn = store.db.conn
    columns = None
    chunk: list[tuple] = []
    for row in source:
        if columns is None:
            columns = list(row)
            sql = (
                f"INSERT INTO reviews ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
        chunk.append(tuple(row[c] for c in columns))
        if len(chunk) == batch:
            with conn:
                conn.executemany(sql, chunk)
            chunk = []
    if chunk:
        with conn:
            conn.executemany(sql, chunk)


def timed(fn, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times[0], statistics.median(times), max(times)


def size_mb(path: str) -> float:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--channels", type=int, default=200)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--weeks", type=int, default=26, help="how far back the reviews go")
    ap.add_argument("--db", help="database file (default: a temporary one, removed after)")
    ap.add_argument("--skip-purge", action="store_true", help="skip retention and VACUUM")
    args = ap.parse_args()

    library = PlaybookLibrary()
    shapes = templates(library, 400)
    rng = random.Random(5)
    tmp = None
    if args.db:
        path = args.db
    else:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "bench.db")
    now = time.time()
    start = now - args.weeks * 7 * DAY

    with Store(path) as store:
        t0 = time.perf_counter()
        insert_reviews(
            store,
            rows(args.reviews, channels=args.channels, users=args.users, start=start,
                 end=now, shapes=shapes, rng=rng),
        )  # fmt: skip
        elapsed = time.perf_counter() - t0
        print(f"inserted {args.reviews:,} reviews in {elapsed:.1f} s: "
              f"{args.reviews / elapsed:,.0f} inserts/s")  # fmt: skip
        feedback = [
            {
                "created_at": start + (now - start) * rng.random(),
                "review_id": rng.randrange(1, args.reviews + 1),
                "channel_id": f"C{rng.randrange(args.channels):08d}",
                "user_id": f"U{rng.randrange(args.users):08d}",
                "kind": rng.choice(FEEDBACK),
                "rule": "",
                "detail": "",
            }
            for _ in range(args.reviews // 50)
        ]
        store.db["feedback"].insert_all(feedback, batch_size=5000)
        channel = f"C{7 % args.channels:08d}"  # C00000007 at the default 200 channels
        store.update_channel_settings(channel, digest_on=True, timezone="Europe/London")
        store.mute_rule(channel, "hashtag-stuffing", user_id="U00000001")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        full = size_mb(path)
        print(f"database: {full:,.0f} MB for {args.reviews:,} reviews "
              f"({full * 1e6 / args.reviews:,.0f} MB per million, every draft kept)")  # fmt: skip

        week = last_full_week(now, "Europe/London")
        in_week = store.db.execute(
            "SELECT count(*) FROM reviews WHERE channel_id = ? AND created_at >= ? "
            "AND created_at < ?",
            [channel, week.start, week.end],
        ).fetchone()[0]

        t0 = time.perf_counter()
        for playbook in library.all():  # once per process: load, compile, first review
            rules_review("warm up", playbook)
        print(f"playbooks loaded and compiled (once per process): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms")  # fmt: skip

        def digest():
            return digest_message(digest_for(store, channel, week, Reviewer(library)))

        first, median, worst = timed(digest, 20)
        print(f"digest of {channel} ({in_week} reviews that week, 8-week trend): "
              f"first {first:.1f} ms, median {median:.1f} ms, worst {worst:.1f} ms "
              f"(target < 200 ms)")  # fmt: skip
        with Store(path) as fresh:  # a new connection: SQLite's page cache is cold
            other = f"C{123 % args.channels:08d}"
            t0 = time.perf_counter()
            digest_message(digest_for(fresh, other, week, Reviewer(library)))
            cold = (time.perf_counter() - t0) * 1000
        print(f"digest of {other} on a fresh connection (its pages not read yet): {cold:.1f} ms")
        user = "U00000001"
        mine = store.db.execute("SELECT count(*) FROM reviews WHERE user_id = ?", [user]).fetchone()

        def home():
            return home_view(home_data(store, library, user, now=now))

        first, median, worst = timed(home, 20)
        print(f"home tab of {user} ({mine[0]} reviews): first {first:.1f} ms, "
              f"median {median:.1f} ms, worst {worst:.1f} ms (target < 100 ms)")  # fmt: skip
        explain(store, channel, user, week)

        if not args.skip_purge:
            t0 = time.perf_counter()
            erased = store.purge(30)
            elapsed = time.perf_counter() - t0
            print(f"retention: erased the words of {erased:,} reviews in {elapsed:.1f} s "
                  f"({erased / max(elapsed, 1e-9):,.0f} reviews/s)")  # fmt: skip
            t0 = time.perf_counter()
            store.db.execute("VACUUM")
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            after = size_mb(path)
            print(f"after retention + VACUUM ({time.perf_counter() - t0:.1f} s): {after:,.0f} MB "
                  f"({after * 1e6 / args.reviews:,.0f} MB per million)")  # fmt: skip
            first, median, worst = timed(digest, 10)
            print(f"digest after retention: median {median:.1f} ms, worst {worst:.1f} ms")
    if tmp is not None:
        tmp.cleanup()


def explain(store: Store, channel: str, user: str, week) -> None:
    queries = {
        "rule_counts": (
            "SELECT j.value, count(DISTINCT r.id) FROM reviews r, json_each(r.rules) j "
            "WHERE r.channel_id = ? AND r.created_at >= ? AND r.created_at < ? "
            "AND r.surface IS NOT 'tone' GROUP BY j.value",
            [channel, week.start, week.end],
        ),
        "askers": (
            "SELECT user_id, count(*) FROM reviews WHERE channel_id = ? AND created_at >= ? "
            "AND created_at < ? AND user_id != '' AND surface NOT IN ('watch', 'tone') "
            "GROUP BY user_id",
            [channel, week.start, week.end],
        ),
        "channel_scores": (
            "SELECT created_at, human_score FROM reviews WHERE channel_id = ? AND "
            "created_at >= ? AND created_at < ? AND surface IS NOT 'tone'",
            [channel, week.start, week.end],
        ),
        "posted_public_rewrites": (
            "SELECT id FROM reviews r WHERE r.channel_id = ? AND r.created_at >= ? AND "
            "r.created_at < ? AND r.rewrite_posted = 1 AND r.visibility = 'public'",
            [channel, week.start, week.end],
        ),
        "rule_pushback": (
            "SELECT f.kind FROM feedback f LEFT JOIN reviews r ON r.id = f.review_id "
            "WHERE f.channel_id = ? AND f.created_at >= ? AND f.created_at < ? "
            "AND f.kind IN ('mute', 'not_helpful')",
            [channel, week.start, week.end],
        ),
        "user_reviews": (
            "SELECT id FROM reviews WHERE user_id = ? ORDER BY created_at DESC LIMIT 10",
            [user],
        ),
        "unerased (retention)": (
            "SELECT id FROM reviews WHERE erased_at IS NULL AND created_at < ? LIMIT 1000",
            [week.start],
        ),
    }
    print("query plans:")
    for name, (sql, params) in queries.items():
        plan = store.db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        print(f"  {name}: " + " | ".join(row[-1] for row in plan))


if __name__ == "__main__":
    main()
