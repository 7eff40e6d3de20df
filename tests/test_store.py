"""The Store: migrations once, dedupe across processes, settings, feedback, retention."""

import multiprocessing
import sqlite3

from bot.store import MIGRATIONS, Store
from tests.fakes.seed import make_review


def test_migrations_apply_once_and_in_order(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.applied_migrations() == sorted(name for name, _ in MIGRATIONS)
    with Store(path) as store:  # reopening runs nothing twice
        assert len(store.applied_migrations()) == len(MIGRATIONS)
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def _claim(path, event_id, results):
    with Store(path) as store:
        results.put(store.first_sighting(event_id))


def test_first_sighting_is_exactly_once_across_processes(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_claim, args=(path, "Ev1", results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    results.close()
    results.join_thread()
    assert outcomes == [False, False, False, True]


def test_review_round_trip_and_feedback(tmp_path):
    with Store(tmp_path / "s.db") as store:
        rid = store.record_review(
            make_review(70), draft="Act now!", surface="slash", visibility="ephemeral", user_id="U1"
        )
        row = store.get_review(rid)
        assert row["draft"] == "Act now!" and row["human_score"] == 70
        assert store.review_of(row) == make_review(70)
        store.add_feedback(kind="helpful", user_id="U2", review_id=rid, channel_id="C1")
        (fb,) = store.feedback_for(rid)
        assert fb["user_id"] == "U2" and fb["kind"] == "helpful" and fb["created_at"] > 0


def test_mute_and_unmute_are_per_channel(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.mute_rule("C1", "urgency", user_id="U1")
        store.mute_rule("C1", "hashtags", user_id="U1")
        assert store.channel_settings("C1").muted_rules == ("hashtags", "urgency")
        assert store.channel_settings("C2").muted_rules == ()
        store.unmute_rule("C1", "urgency", user_id="U1")
        assert store.channel_settings("C1").muted_rules == ("hashtags",)
        store.update_channel_settings("C1", watch=True, updated_by="U1")
        assert store.channel_settings("C1").watch is True
        assert store.channel_settings("C1").muted_rules == ("hashtags",)


def test_purge_erases_text_and_keeps_stats(tmp_path):
    now = [1_000_000.0]
    with Store(tmp_path / "s.db", clock=lambda: now[0]) as store:
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
