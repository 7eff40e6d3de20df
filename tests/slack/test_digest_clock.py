"""Exactly one digest per channel per week, whatever crashes or races, against the fake Slack."""

import threading
import time
from dataclasses import replace

import pytest

from bot.digest.week import last_full_week
from bot.slack import digest_clock, digest_post
from bot.slack.client import make_client
from bot.slack.digest_clock import run_due, start_background
from bot.slack.digest_post import EVENT_TYPE, STALE_AFTER, post_digest
from bot.store.store import Store
from tests.fakes.seed import Seeder
from tests.fakes.slack_api import DRAFTS, ELSEWHERE

DAY = 86400


def digests_in(slack_api, channel=DRAFTS):
    """The digest messages the fake Slack holds for `channel` (what people would see)."""
    return [
        m
        for m in slack_api.messages.get(channel, [])
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


@pytest.fixture
def clock():
    return [time.time()]  # real time, so the fake's message ts and the week agree


@pytest.fixture
def db(settings, clock, store_target):
    """A store (SQLite, then PostgreSQL) whose clock the test moves; a channel due now."""
    with Store(store_target, clock=lambda: clock[0]) as store:
        # Monday 00:00 in UTC: the digest of last week is due any time this week.
        store.update_channel_settings(
            DRAFTS, digest_on=True, digest_weekday=0, digest_hour=0, timezone="UTC"
        )
        week = last_full_week(clock[0], "UTC")
        seed = Seeder(store, clock)
        now = clock[0]
        seed.review(week.start + DAY, score=40, rules=("urgency",))
        seed.review(week.start + 2 * DAY, user="U0BOB", score=70, rules=("hard-sell",))
        clock[0] = now
        yield store


def test_due_digest_is_posted_once_with_its_stamp(db, settings, slack_api):
    client = make_client(settings)
    week = last_full_week(db.clock(), "UTC")
    [outcome] = run_due(db, client)
    assert outcome.state == "posted"
    assert run_due(db, client) == []  # posted: nothing more to do this week
    [call] = slack_api.calls("chat.postMessage")
    assert call.params["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"channel": DRAFTS, "week_start": week.key},
    }
    assert "2 drafts reviewed" in call.params["text"]
    assert db.digest_row(DRAFTS, week.key)["posted_ts"] == call.answer["ts"]
    assert len(digests_in(slack_api)) == 1


def test_not_due_before_the_channel_hour(db, settings, slack_api, clock):
    week = last_full_week(clock[0], "UTC")
    db.update_channel_settings(DRAFTS, digest_weekday=0, digest_hour=9)
    monday_0859 = week.end + 8 * 3600 + 59 * 60  # the Monday after `week`, 08:59 UTC
    assert run_due(db, make_client(settings), now=monday_0859) == []
    assert slack_api.calls("chat.postMessage") == []
    assert [o.state for o in run_due(db, make_client(settings), now=monday_0859 + 60)] == ["posted"]


def test_channels_without_digest_get_none(db, settings, slack_api):
    db.update_channel_settings(DRAFTS, digest_on=False)
    assert run_due(db, make_client(settings)) == []
    assert slack_api.calls() == []


def test_two_schedulers_racing_post_one_digest(db, settings, slack_api, clock):
    racers = 8
    barrier = threading.Barrier(racers)
    outcomes = []
    lock = threading.Lock()

    def scheduler():
        with Store(db.path, clock=lambda: clock[0]) as own_store:  # own connection
            client = make_client(settings)
            barrier.wait()
            result = run_due(own_store, client)
            with lock:
                outcomes.extend(result)

    threads = [threading.Thread(target=scheduler) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    states = sorted(o.state for o in outcomes)
    assert states.count("posted") == 1
    assert set(states) <= {"posted", "busy", "posted-before"}
    assert len(slack_api.calls("chat.postMessage")) == 1
    assert len(digests_in(slack_api)) == 1


def test_crash_between_claim_and_post(db, settings, slack_api, clock):
    week = last_full_week(clock[0], "UTC")
    assert db.claim_digest(DRAFTS, week.key, claimed_by="dead-process") == "claimed"
    # ...and that process died. While its claim is fresh, nobody else posts:
    client = make_client(settings)
    assert [o.state for o in run_due(db, client)] == ["busy"]
    assert slack_api.calls("chat.postMessage") == []
    clock[0] += STALE_AFTER + 1
    [outcome] = run_due(db, client)
    assert outcome.state == "posted"
    [history] = slack_api.calls("conversations.history")  # looked before posting again
    assert history.params["include_all_metadata"] in ("1", "true", True)
    assert len(digests_in(slack_api)) == 1
    assert run_due(db, client) == []


def test_crash_after_post_before_marking(db, settings, slack_api, clock):
    week = last_full_week(clock[0], "UTC")
    client = make_client(settings)
    assert db.claim_digest(DRAFTS, week.key, claimed_by="dead-process") == "claimed"
    posted = client.chat_postMessage(  # what the dead process got out before dying
        channel=DRAFTS, text="digest", metadata=digest_post.metadata(DRAFTS, week)
    )
    slack_api.add_message(DRAFTS, "someone talking after it")
    clock[0] += STALE_AFTER + 1
    [outcome] = run_due(db, client)
    assert (outcome.state, outcome.ts) == ("found", posted["ts"])
    assert len(slack_api.calls("chat.postMessage")) == 1  # only the dead process's post
    assert len(digests_in(slack_api)) == 1
    assert db.digest_row(DRAFTS, week.key)["posted_ts"] == posted["ts"]
    assert run_due(db, client) == []


def test_a_post_that_timed_out_but_landed_is_not_repeated(db, settings, slack_api, clock):
    client = make_client(replace(settings, slack_timeout=1.0))
    slack_api.slow_next("chat.postMessage", 1.5)  # lands after the client stopped waiting
    [outcome] = run_due(db, client)
    assert outcome.state == "failed"
    slack_api.wait_for("chat.postMessage")
    deadline = time.monotonic() + 5
    while not digests_in(slack_api) and time.monotonic() < deadline:
        time.sleep(0.05)
    clock[0] += STALE_AFTER + 1
    [outcome] = run_due(db, client)
    assert outcome.state == "found"
    assert len(digests_in(slack_api)) == 1


def test_a_refused_post_is_retried_later_then_given_up(db, settings, slack_api, clock):
    week = last_full_week(clock[0], "UTC")
    client = make_client(settings)
    slack_api.fail_next("chat.postMessage", "not_in_channel")
    [outcome] = run_due(db, client)
    assert (outcome.state, outcome.error) == ("failed", "slack: not_in_channel")
    assert run_due(db, client)[0].state == "busy"  # waits before trying again
    clock[0] += STALE_AFTER + 1
    assert run_due(db, client)[0].state == "posted"
    assert len(digests_in(slack_api)) == 1
    # A channel the bot is not in: a bounded number of tries, then it stops asking.
    db.update_channel_settings(ELSEWHERE, digest_on=True, digest_hour=0, timezone="UTC")
    for _ in range(digest_post.MAX_ATTEMPTS):
        clock[0] += STALE_AFTER + 1
        [outcome] = [o for o in run_due(db, client) if o.channel_id == ELSEWHERE]
        assert outcome.state == "failed"
    clock[0] += STALE_AFTER + 1
    assert [o.state for o in run_due(db, client)] == ["gave_up"]
    assert db.digest_row(ELSEWHERE, week.key)["last_error"] == "slack: not_in_channel"


def test_post_digest_for_an_explicit_week(db, settings, slack_api, clock):
    week = last_full_week(clock[0], "UTC").shifted(-3)  # a quiet week, posted by hand
    outcome = post_digest(db, make_client(settings), DRAFTS, week)
    assert outcome.state == "posted"
    [call] = slack_api.calls("chat.postMessage")
    assert call.params["text"].startswith("A quiet week in <#C0DRAFTS>")
    again = post_digest(db, make_client(settings), DRAFTS, week)
    assert again.state == "posted-before"
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_background_clock_purges_and_posts(db, settings, slack_api, clock):
    old = Seeder(db, clock).review(clock[0] - 45 * DAY, draft="an old draft")
    clock[0] = time.time()
    stop = threading.Event()
    thread = start_background(settings, db, make_client(settings), stop, tick=0.05)
    try:
        slack_api.wait_for("chat.postMessage", timeout=10)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert db.get_review(old)["draft"] is None  # retention ran (30 days by default)
    assert len(digests_in(slack_api)) == 1


def test_a_rate_limited_digest_is_tried_again_after_its_retry_after_not_ten_minutes(
    db, settings, slack_api, clock
):
    """Slack's 429 says when to come back: the claim waits that long (not STALE_AFTER), and
    the retry still looks in the channel's history first (exactly once stays)."""
    client = make_client(settings)
    slack_api.rate_limit_next("chat.postMessage", retry_after=30)
    [outcome] = run_due(db, client)
    assert outcome.state == "failed"
    assert run_due(db, client)[0].state == "busy"  # not before its Retry-After
    clock[0] += 31
    assert run_due(db, client)[0].state == "posted"
    assert len(slack_api.calls("conversations.history")) == 1  # looked before posting again
    assert len(digests_in(slack_api)) == 1


def test_a_digest_that_slack_failed_with_a_5xx_is_tried_again_at_the_next_tick(
    db, settings, slack_api, clock
):
    client = make_client(settings)
    slack_api.server_error_next("chat.postMessage", status=503)
    [outcome] = run_due(db, client)
    assert outcome.state == "failed" and "503" in outcome.error
    clock[0] += digest_clock.TICK + 1
    assert run_due(db, client)[0].state == "posted"
    assert len(digests_in(slack_api)) == 1
