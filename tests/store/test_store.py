"""The Store's contract, on both backends: every test here that takes `store_target` runs on
a SQLite file and on the real PostgreSQL server (tests/conftest.py)."""

import multiprocessing
import sqlite3
import threading

import pytest

from bot.store.errors import STORE_ERRORS, StoreUnavailable
from bot.store.store import MIGRATIONS, Store
from tests.fakes.seed import make_review


def test_migrations_apply_once_and_in_order(store_target):
    with Store(store_target) as store:
        assert store.applied_migrations() == sorted(name for name, _ in MIGRATIONS)
        assert store.migrated_now == [name for name, _ in MIGRATIONS]
    with Store(store_target) as store:  # reopening runs nothing twice
        assert len(store.applied_migrations()) == len(MIGRATIONS)
        assert store.migrated_now == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    Store(tmp_path / "s.db").close()
    mode = sqlite3.connect(tmp_path / "s.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_database_made_by_an_older_version_keeps_its_history(store_target):
    """A database migrated up to 003 by an older release gets 004 onwards, nothing twice."""
    old, new = MIGRATIONS[:3], MIGRATIONS[3:]
    MIGRATIONS[:] = old
    try:
        with Store(store_target, clock=lambda: 1000.0) as store:
            store.record_review(make_review(50), draft="kept", surface="slash", visibility="x")
    finally:
        MIGRATIONS[:] = old + new
    with Store(store_target, clock=lambda: 2000.0) as store:
        assert store.migrated_now == [name for name, _ in new]
        history = dict(store.db.execute("SELECT name, applied_at FROM migrations").fetchall())
        assert {history[name] for name, _ in old} == {1000.0}
        assert {history[name] for name, _ in new} == {2000.0}
        [row] = store.db["reviews"].rows
        assert row["draft"] == "kept" and row["llm_pending"] == 0  # 008's column, defaulted


def _claim(target, event_id, results):
    with Store(target) as store:
        results.put(store.first_sighting(event_id))


def test_first_sighting_is_exactly_once_across_processes(store_target):
    Store(store_target).close()
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_claim, args=(store_target, "Ev1", results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    results.close()
    results.join_thread()
    assert outcomes == [False, False, False, True]


def test_review_round_trip_and_feedback(store_target):
    with Store(store_target) as store:
        rid = store.record_review(
            make_review(70), draft="Act now!", surface="slash", visibility="ephemeral", user_id="U1"
        )
        row = store.get_review(rid)
        assert row["draft"] == "Act now!" and row["human_score"] == 70
        assert store.review_of(row) == make_review(70)
        store.add_feedback(kind="helpful", user_id="U2", review_id=rid, channel_id="C1")
        (fb,) = store.feedback_for(rid)
        assert fb["user_id"] == "U2" and fb["kind"] == "helpful" and fb["created_at"] > 0
        second = store.record_review(
            make_review(40), draft="100% off? 'Quoted'", surface="slash", visibility="x"
        )
        assert second == rid + 1
        assert store.get_review(second)["draft"] == "100% off? 'Quoted'"


def test_mute_and_unmute_are_per_channel(store_target):
    with Store(store_target) as store:
        store.mute_rule("C1", "urgency", user_id="U1")
        store.mute_rule("C1", "hashtags", user_id="U1")
        assert store.channel_settings("C1").muted_rules == ("hashtags", "urgency")
        assert store.channel_settings("C2").muted_rules == ()
        store.unmute_rule("C1", "urgency", user_id="U1")
        assert store.channel_settings("C1").muted_rules == ("hashtags",)
        store.update_channel_settings("C1", watch=True, updated_by="U1", team_id="T1")
        assert store.channel_settings("C1").watch is True
        assert store.channel_settings("C1").muted_rules == ("hashtags",)
        store.mute_rule("C1", "emoji", user_id="U2")  # a change that doesn't say the team
        assert store.channel_settings("C1").team_id == "T1"


def test_mutes_from_many_threads_and_stores_all_land(store_target):
    """Read-modify-write of a channel's settings is serialised: no mute is lost."""
    Store(store_target).close()
    rules = [f"rule-{i}" for i in range(8)]
    errors = []

    def mute(rule):
        try:
            with Store(store_target) as own:  # its own connections, as another process has
                own.mute_rule("C1", rule, user_id="U1")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=mute, args=(rule,)) for rule in rules]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with Store(store_target) as store:
        assert store.channel_settings("C1").muted_rules == tuple(sorted(rules))


def test_one_digest_claim_wins_among_racing_stores(store_target):
    Store(store_target).close()
    barrier = threading.Barrier(6)
    states = []

    def claim(n):
        with Store(store_target) as own:
            barrier.wait()
            states.append(own.claim_digest("C1", "2026-11-30", claimed_by=f"host{n}"))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(states) == ["busy"] * 5 + ["claimed"]
    with Store(store_target) as store:
        store.mark_digest_posted("C1", "2026-11-30", "1.2")
        assert store.claim_digest("C1", "2026-11-30", claimed_by="late") == "posted"


def test_purge_erases_text_and_keeps_stats(store_target):
    now = [1_000_000.0]
    with Store(store_target, clock=lambda: now[0]) as store:
        old = store.record_review(
            make_review(60), draft="old draft", surface="slash", visibility="x"
        )
        now[0] += 40 * 86400
        new = store.record_review(
            make_review(80), draft="new draft", surface="slash", visibility="x"
        )
        assert store.purge(30) == 1
        erased, kept = store.get_review(old), store.get_review(new)
        assert erased["draft"] is None and erased["rewrite"] is None
        assert erased["human_score"] == 60 and erased["rules"] == '["urgency"]'
        assert store.review_of(erased).findings[0].quote == ""
        assert kept["draft"] == "new draft"
        assert store.purge(30) == 0


def test_llm_cache_replaces_and_usage_counts_by_utc_day(store_target):
    day = 1_764_806_400.0  # 2025-12-04 00:00 UTC
    now = [day + 3600.5]
    with Store(store_target, clock=lambda: now[0]) as store:
        store.llm_cache_put("k", {"v": 1})
        store.llm_cache_put("k", {"v": 2})
        assert store.llm_cache_get("k") == {"v": 2} and store.llm_cache_get("x") is None
        store.record_review(make_review(50), draft="d", surface="slash", visibility="x")
        for cached, outcome, request in ((0, "ok", "r1"), (0, "timeout", "r1"), (1, "ok", "r2")):
            store.record_llm_call(
                user_id="U1", model="m", prompt_tokens=10, completion_tokens=5,
                cached=bool(cached), outcome=outcome, request_id=request,
            )  # fmt: skip
        now[0] = day - 1  # the day before, one second to midnight
        store.record_review(make_review(50), draft="d", surface="slash", visibility="x")
        assert store.llm_calls_since("U1", 0) == 1
        today, yesterday = store.usage_by_day()
        assert yesterday == {
            "day": "2025-12-03", "reviews": 1, "llm_reviews": 0, "calls": 0, "cache_hits": 0,
            "failed_calls": 0, "prompt_tokens": 0, "completion_tokens": 0,
        }  # fmt: skip
        assert today == {
            "day": "2025-12-04", "reviews": 1, "llm_reviews": 1, "calls": 2, "cache_hits": 1,
            "failed_calls": 1, "prompt_tokens": 30, "completion_tokens": 15,
        }  # fmt: skip
        assert all(type(v) is int for v in today.values() if v != today["day"])


def test_portable_sql_runs_on_both(store_target):
    """What other modules add (new tables as plain SQL with `?`): the same text on both."""
    with Store(store_target) as store:
        db = store.db
        db.execute(
            "CREATE TABLE chores (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, run_at REAL, "
            "attempts INTEGER NOT NULL DEFAULT 0, note TEXT)"
        )
        for note in ("50% off? it's 'quoted'", "plain"):
            db.execute(
                "INSERT INTO chores (kind, run_at, note) VALUES (?, ?, ?)",
                ["post", 1_796_400_000.25, note],
            )
        rows = db.execute(
            "SELECT id, run_at, note FROM chores WHERE note LIKE '%off?%' OR kind = ? ORDER BY id",
            ["nothing"],
        ).fetchall()
        assert [tuple(r) for r in rows] == [(1, 1_796_400_000.25, "50% off? it's 'quoted'")]
        db.execute("CREATE TABLE marks (name TEXT PRIMARY KEY, n INTEGER)")
        first = db.execute("INSERT INTO marks VALUES (?, ?) ON CONFLICT DO NOTHING", ["a", 1])
        again = db.execute("INSERT INTO marks VALUES (?, ?) ON CONFLICT DO NOTHING", ["a", 2])
        assert (first.rowcount, again.rowcount) == (1, 0)
        db.execute(
            "INSERT INTO marks VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = marks.n + 1",
            ["a", 0],
        )
        assert [dict(r) for r in db.query("SELECT * FROM marks")] == [{"name": "a", "n": 2}]
        assert db["chores"].insert({"kind": "x", "note": "?"}).last_pk == 3
        assert db["chores"].get(3)["note"] == "?" and db["chores"].count == 3
        with store._immediate() as tx:  # a write transaction: both statements or neither
            tx.execute("UPDATE chores SET attempts = attempts + 1 WHERE id = ?", [1])
        with pytest.raises(ZeroDivisionError), store._immediate() as tx:
            tx.execute("UPDATE chores SET attempts = attempts + 1 WHERE id = ?", [1])
            raise ZeroDivisionError
        assert db["chores"].get(1)["attempts"] == 1


def test_an_unreachable_postgres_is_one_clear_error_without_the_password():
    with pytest.raises(StoreUnavailable) as caught:
        Store("postgresql://socialway:s3cret-pw@127.0.0.1:1/app")
    message = str(caught.value)
    assert message.startswith("can't reach PostgreSQL at 127.0.0.1:1/app (")
    assert "s3cret" not in message and "\n" not in message


def test_digest_counts_read_only_rule_ids_even_from_damaged_rows(store_target):
    with Store(store_target, clock=lambda: 100.0) as store:
        for rules in ('["urgency", "hashtags"]', '[1, "urgency", {"x": 2}]', "5", '"urgency"'):
            rid = store.record_review(
                make_review(50), draft="d", surface="mention", visibility="public", channel_id="C1"
            )
            store.db.execute("UPDATE reviews SET rules = ? WHERE id = ?", [rules, rid])
        # a bare string is one rule id, as SQLite's json_each reads it; numbers are none
        assert store.rule_counts("C1", 0, 200) == [("urgency", 3), ("hashtags", 1)]
        assert [tuple(r) for r in store.channel_scores("C1", 0, 200)] == [(100.0, 50)] * 4


def test_a_postgres_restart_costs_no_request(postgres_url):
    """Connections the server dropped (a restart, a failover) are replaced, not used."""
    import psycopg

    with Store(postgres_url) as store:
        store.first_sighting("before")
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'socialway'"
            ).fetchone()[0]
        assert dropped >= 1
        assert store.first_sighting("after") is True
        assert store.first_sighting("before") is False
        with store._immediate() as tx:
            assert tx.execute("SELECT count(*) FROM seen_events").fetchone()[0] == 2


def test_sqlite_utils_ways_of_writing_work_on_both(store_target):
    """What a Store method may use besides plain SQL: lastrowid, scripts, table helpers."""
    with Store(store_target) as store:
        db = store.db
        db.executescript(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, at REAL);"
            "CREATE INDEX notes_at ON notes (at); -- a comment; with a semicolon\n"
            "CREATE TABLE tags (name TEXT PRIMARY KEY, uses INTEGER NOT NULL DEFAULT 0)"
        )
        first = db.execute("INSERT INTO notes (body, at) VALUES (?, ?)", ["a;b", 1.5])
        second = db.execute("INSERT INTO notes (body, at) VALUES (?, ?)", ["c", 2.5])
        assert (first.lastrowid, second.lastrowid) == (1, 2)
        assert second.fetchall() == []  # an INSERT gives no rows, as in SQLite
        tags = db["tags"]
        tags.insert({"name": "x", "uses": 1})
        tags.insert({"name": "x", "uses": 5}, ignore=True)
        assert tags.get("x")["uses"] == 1
        tags.insert({"name": "x", "uses": 7}, replace=True)
        tags.upsert({"name": "y", "uses": 2}, pk="name")
        tags.upsert({"name": "y", "uses": 3}, pk="name")
        assert [(r["name"], r["uses"]) for r in tags.rows] == [("x", 7), ("y", 3)]
        tags.delete("x")
        assert tags.count == 1 and tags.exists() and not db["nothing"].exists()
        assert db["notes"].insert({"body": "d", "at": 3.0}).last_pk == 3


def test_a_bounded_lock_wait_fails_fast_while_another_writer_holds_the_lock(store_target):
    """What an ack path needs: a write that gives up instead of waiting out a long one."""
    with Store(store_target) as store, Store(store_target) as other:
        holding, release = threading.Event(), threading.Event()

        def long_write():
            with other._immediate() as tx:
                tx.execute("INSERT INTO seen_events (event_id, seen_at) VALUES (?, ?)", ["x", 1])
                holding.set()
                release.wait(30)

        writer = threading.Thread(target=long_write)
        writer.start()
        try:
            assert holding.wait(10)
            store.backend.lock_wait(0.05)
            with pytest.raises(Exception) as caught, store._immediate() as tx:
                tx.execute("INSERT INTO seen_events (event_id, seen_at) VALUES (?, ?)", ["y", 2])
            assert isinstance(caught.value, STORE_ERRORS)
            assert "lock" in str(caught.value)
        finally:
            release.set()
            writer.join(10)
        store.backend.lock_wait(None)
        assert store.first_sighting("y") is True  # the refused write left nothing behind


def test_one_store_shared_by_many_threads(store_target):
    """The Bolt listener pool and the digest clock share one Store: more threads than
    PostgreSQL's pool has connections, every write kept, no id given twice."""
    with Store(store_target) as store:
        ids, errors = [], []

        def work(n):
            try:
                for i in range(10):
                    rid = store.record_review(
                        make_review(50), draft=f"d{n}-{i}", surface="slash", visibility="x"
                    )
                    store.first_sighting(f"E{n}-{i}")
                    store.mute_rule("C1", f"rule-{n}", user_id="U1")
                    ids.append(rid)
                    assert store.get_review(rid)["draft"] == f"d{n}-{i}"
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert len(set(ids)) == 240 and store.db["reviews"].count == 240
        assert store.db["seen_events"].count == 240
        assert len(store.channel_settings("C1").muted_rules) == 24


def test_both_backends_make_the_same_tables_and_columns(tmp_path, postgres_url):
    """The migrations give PostgreSQL what they give SQLite: every table, every column."""
    with Store(tmp_path / "s.db") as sqlite, Store(postgres_url) as pg:
        on_sqlite = {t: list(sqlite.db[t].columns_dict) for t in sqlite.db.table_names()}
        on_pg = {t: pg.backend.columns(t) for t in pg.db.table_names()}
    assert on_pg == on_sqlite


def test_a_failing_statement_is_a_store_error_that_quotes_no_data(store_target):
    with Store(store_target) as store:
        store.first_sighting("secret-event-id")
        with pytest.raises(STORE_ERRORS) as caught:
            store.db.execute("INSERT INTO seen_events VALUES (?, ?)", ["secret-event-id", 1.0])
        if store.backend.name == "postgres":
            assert caught.value.sqlstate == "23505"  # unique_violation
            assert str(caught.value).startswith("PostgreSQL: duplicate key value violates")
        assert "secret-event-id" not in str(caught.value)
        assert store.first_sighting("next") is True  # the connection is fine afterwards
