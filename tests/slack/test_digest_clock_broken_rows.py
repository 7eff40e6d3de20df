"""A digest that breaks while it is being built (a corrupt stored row, a bug) is one of the
week's attempts like any refused post: counted, logged without secrets or stored words,
given up after `MAX_ATTEMPTS`, and the other channels' digests still go out."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time

import pytest

from bot.digest.week import last_full_week
from bot.slack import digest_post
from bot.slack.client import make_client
from bot.slack.digest_clock import run_due, start_background
from bot.slack.digest_post import STALE_AFTER
from bot.store.store import Store
from tests.conftest import BOT_TOKEN
from tests.fakes.seed import Seeder
from tests.fakes.slack_api import ALICE, DRAFTS

DAY = 86400
TEAM = "C0TEAMNEWS"  # a healthy channel whose digest must go out whatever DRAFTS does
LATE = "C0LATECOMER"
SECRET_DRAFT = "Our unannounced merger with Initech closes Friday"


@pytest.fixture
def clock():
    return [time.time()]


@pytest.fixture
def db(settings, clock, slack_api):
    """Two channels due now, each with last week's reviews; DRAFTS holds one row that the
    digest can't read (set by `corrupt`)."""
    slack_api.add_channel(TEAM, "team-news", members=[ALICE])
    with Store(settings.db_path, clock=lambda: clock[0]) as store:
        now = clock[0]
        week = last_full_week(now, "UTC")
        seed = Seeder(store, clock)
        for channel in (DRAFTS, TEAM):
            store.update_channel_settings(
                channel, digest_on=True, digest_weekday=0, digest_hour=0, timezone="UTC"
            )
            seed.review(week.start + DAY, channel=channel, score=40, rules=("urgency",))
        store.broken = seed.review(week.start + 2 * DAY, draft=SECRET_DRAFT, score=50)
        clock[0] = now
        yield store


def corrupt(settings, review_id: int, rules: str) -> None:
    """Write `rules` into one stored review, as a damaged file or another program might."""
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute("UPDATE reviews SET rules = ? WHERE id = ?", [rules, review_id])
    conn.close()


def posted_to(slack_api, channel: str) -> list:
    return [c for c in slack_api.calls("chat.postMessage") if c.params.get("channel") == channel]


def test_a_database_error_while_building_counts_as_an_attempt_and_is_capped(
    db, settings, slack_api, clock, caplog
):
    corrupt(settings, db.broken, '["urgency", ')  # malformed JSON: SQLite's json_each refuses
    week = last_full_week(clock[0], "UTC")
    client = make_client(settings)
    caplog.set_level(logging.INFO, logger="bot.slack.digest_post")

    outcomes = {o.channel_id: o for o in run_due(db, client)}
    assert outcomes[TEAM].state == "posted"  # the healthy channel is not held up
    assert outcomes[DRAFTS].state == "failed"
    assert outcomes[DRAFTS].error == "unexpected OperationalError: malformed JSON"
    row = db.digest_row(DRAFTS, week.key)
    assert (row["attempts"], row["last_error"]) == (1, outcomes[DRAFTS].error)
    assert [o.state for o in run_due(db, client)] == ["busy"]  # waits before trying again

    for attempt in range(2, digest_post.MAX_ATTEMPTS + 1):
        clock[0] += STALE_AFTER + 1
        assert [o.state for o in run_due(db, client)] == ["failed"]
        assert db.digest_row(DRAFTS, week.key)["attempts"] == attempt
    for _ in range(3):  # then it stops asking, however long the clock runs this week
        clock[0] += STALE_AFTER + 1
        assert [o.state for o in run_due(db, client)] == ["gave_up"]
    assert db.digest_row(DRAFTS, week.key)["attempts"] == digest_post.MAX_ATTEMPTS
    assert posted_to(slack_api, DRAFTS) == []
    assert len(posted_to(slack_api, TEAM)) == 1
    # Each retry looked in the channel's history first (the claim was a failed one).
    assert len(slack_api.calls("conversations.history")) == digest_post.MAX_ATTEMPTS - 1

    failures = [r for r in caplog.records if "not posted" in r.getMessage()]
    assert len(failures) == digest_post.MAX_ATTEMPTS
    assert all(r.levelno == logging.ERROR for r in failures)
    assert "aggregate.py" in failures[0].getMessage()  # where it broke, for whoever fixes it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert BOT_TOKEN not in logged and SECRET_DRAFT not in logged


def test_a_damaged_list_of_rules_is_left_out_and_the_digest_still_goes_out(
    db, settings, slack_api, clock
):
    # A review whose stored rules are a bare number, with a "not helpful" on it, both inside
    # the week the digest covers: the number names no rule, so it is neither counted as an
    # issue nor rendered as one's title (it once reached the renderer as an int).
    corrupt(settings, db.broken, "5")
    now = clock[0]
    week = last_full_week(now, "UTC")
    Seeder(db, clock).feedback(week.start + 3 * DAY, "not_helpful", review_id=db.broken)
    clock[0] = now  # the Seeder moved the store's clock to the vote; the digest runs now

    outcomes = {o.channel_id: o for o in run_due(db, make_client(settings))}
    assert outcomes[DRAFTS].state == "posted"
    assert outcomes[TEAM].state == "posted"
    [post] = posted_to(slack_api, DRAFTS)
    [issues] = [b for b in post.params["blocks"] if b.get("block_id") == "digest-issues"]
    assert "*1. urgency* — in 1 draft" in issues["text"]["text"]  # the healthy review only
    assert "*2." not in issues["text"]["text"]
    assert db.rule_counts(DRAFTS, week.start, week.end) == [("urgency", 1)]
    assert db.rule_pushback(DRAFTS, week.start, week.end) == {}


def test_a_bug_while_building_is_counted_and_logged_with_where_it_broke_not_what(
    db, settings, slack_api, clock, caplog
):
    # A score stored as words (SQLite keeps any type in any column): adding up the week's
    # scores breaks. Which exception that is doesn't matter; what the test pins down is that
    # the attempt is counted, the log names where it broke but no stored words, and the
    # other channel's digest still goes out.
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute("UPDATE reviews SET human_score = ? WHERE id = ?", [SECRET_DRAFT, db.broken])
    conn.close()
    week = last_full_week(clock[0], "UTC")
    caplog.set_level(logging.INFO, logger="bot.slack.digest_post")

    outcomes = {o.channel_id: o for o in run_due(db, make_client(settings))}
    assert outcomes[DRAFTS].state == "failed"
    assert re.fullmatch(r"unexpected [A-Za-z]+", outcomes[DRAFTS].error)  # a type, no message
    assert outcomes[TEAM].state == "posted"
    assert db.digest_row(DRAFTS, week.key)["attempts"] == 1
    [failure] = [r for r in caplog.records if "not posted" in r.getMessage()]
    assert "bot/digest/aggregate.py" in failure.getMessage()  # where it broke, for a fixer
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_DRAFT not in logged and "Initech" not in logged


def test_the_clock_keeps_running_and_stops_trying_a_broken_digest(db, settings, slack_api, clock):
    corrupt(settings, db.broken, '{"urgency"')
    week = last_full_week(clock[0], "UTC")
    stop = threading.Event()
    thread = start_background(settings, db, make_client(settings), stop, tick=0.02)
    try:
        assert wait_until(lambda: posted_to(slack_api, TEAM))  # the healthy channel's digest
        for attempt in range(1, digest_post.MAX_ATTEMPTS + 1):
            assert wait_until(lambda n=attempt: attempts(db, week) >= n), attempt
            clock[0] += STALE_AFTER + 1  # the failed claim goes stale: the next try is due
        tries_when_given_up = len(slack_api.calls("conversations.history"))
        # A channel switched on now is still served: the clock is alive and going round.
        slack_api.add_channel(LATE, "late", members=[ALICE])
        db.update_channel_settings(LATE, digest_on=True, digest_hour=0, timezone="UTC")
        assert wait_until(lambda: posted_to(slack_api, LATE))
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert attempts(db, week) == digest_post.MAX_ATTEMPTS
    assert len(slack_api.calls("conversations.history")) == tries_when_given_up
    assert posted_to(slack_api, DRAFTS) == []
    assert len(posted_to(slack_api, TEAM)) == 1


def attempts(store: Store, week) -> int:
    row = store.digest_row(DRAFTS, week.key)
    return row["attempts"] if row else 0


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
