"""Retention erases people's words after DRAFT_RETENTION_DAYS and keeps what trends need."""

import json
from datetime import UTC, date, datetime

from bot.digest.aggregate import build_digest
from bot.digest.week import week_of
from bot.review.playbooks.loader import PlaybookLibrary
from bot.store.store import Store
from tests.fakes.seed import Seeder

DAY = 86400
WEEK = week_of(date(2026, 3, 25), "UTC")


def test_retention_erases_text_and_keeps_stats(store_target):
    clock = [datetime(2026, 3, 24, tzinfo=UTC).timestamp()]
    with Store(store_target, clock=lambda: clock[0]) as store:
        seed = Seeder(store, clock)
        ids = [
            seed.review(WEEK.start + DAY, score=40, rules=("urgency", "hard-sell"), posted=True),
            seed.review(WEEK.start + 2 * DAY, score=80, rules=("urgency",)),
        ]
        before = build_digest(store, "C0DRAFTS", WEEK, PlaybookLibrary())
        assert before.before_after is not None

        clock[0] = WEEK.end + 31 * DAY
        fresh = seed.review(clock[0] - DAY, draft="a draft from yesterday")
        assert store.purge(30) == 2

        for review_id in ids:
            row = store.get_review(review_id)
            assert row["draft"] is None and row["rewrite"] is None
            assert row["erased_at"] == clock[0]
            stored = json.loads(row["review_json"])
            assert "Act now" not in row["review_json"] and "Friday" not in row["review_json"]
            assert all(f["quote"] == "" and f["replacement"] is None for f in stored["findings"])
            assert stored["rewrite"] == {
                "text": "",
                "changes": [],
                "facts_kept": True,
                "facts_missing": [],
                "facts_dropped": [],  # push dropped on purpose: draft words too
            }
            assert stored["summary"] == "" and stored["notes"] == []
            assert store.review_of(row).human_score == row["human_score"]  # still loads
        assert json.loads(store.get_review(ids[0])["rules"]) == ["urgency", "hard-sell"]
        assert store.get_review(fresh)["draft"] == "a draft from yesterday"

        after = build_digest(store, "C0DRAFTS", WEEK, PlaybookLibrary())
        assert (after.reviewed, after.average, after.trend) == (
            before.reviewed,
            before.average,
            before.trend,
        )
        assert after.issues == before.issues
        assert after.before_after is None  # its words are gone, so nothing is quoted
        assert store.purge(30) == 0  # nothing left to erase


def test_retention_works_in_batches_and_clears_old_llm_answers(store_target):
    clock = [1_000_000_000.0]
    with Store(store_target, clock=lambda: clock[0]) as store:
        seed = Seeder(store, clock)
        for i in range(7):
            seed.review(clock[0] + i, draft=f"draft {i}")
        store.db["llm_cache"].insert({"key": "old", "created_at": clock[0], "review_json": "{}"})
        clock[0] += 40 * DAY
        store.db["llm_cache"].insert({"key": "new", "created_at": clock[0], "review_json": "{}"})
        assert store.purge(30, batch=3) == 7
        assert (
            store.db.execute("SELECT count(*) FROM reviews WHERE draft IS NOT NULL").fetchone()[0]
            == 0
        )
        assert [r["key"] for r in store.db["llm_cache"].rows] == ["new"]


def test_zero_days_erases_everything_older_than_now(store_target):
    clock = [1_000_000_000.0]
    with Store(store_target, clock=lambda: clock[0]) as store:
        review_id = Seeder(store, clock).review(clock[0])
        clock[0] += 1
        assert store.purge(0) == 1
        assert store.get_review(review_id)["human_score"] == 60


def test_retention_erases_model_text_that_may_quote_the_draft(store_target):
    from bot.review.core.model import Finding, Review, Rewrite, Strength

    clock = [1_000_000_000.0]
    secret = "sam@example.com ships Friday"
    review = Review(
        human_score=70,
        verdict="A few touches",
        findings=(
            Finding(
                rule="urgency",
                severity="warning",
                start=0,
                end=4,
                quote="Act now",
                why="People want to buy, not to be sold.",
                suggestion=f"Drop the rush in “{secret}”",  # an LLM comment quoting the draft
                penalty=0,
            ),
        ),
        strengths=(Strength("ai-noted", f"Names a date: “{secret}”"),),
        rewrite=Rewrite(text="Hi"),
        engine="llm",
        playbook="rules-of-engagement",
        playbook_version="1",
    )
    with Store(store_target, clock=lambda: clock[0]) as store:
        review_id = store.record_review(
            review, draft=secret, surface="command", visibility="private"
        )
        clock[0] += 40 * DAY
        assert store.purge(30) == 1
        row = store.get_review(review_id)
        assert "sam@example.com" not in row["review_json"]
        assert store.review_of(row).human_score == 70
