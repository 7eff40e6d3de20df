"""Events API end to end: @mentions, watch mode, retried deliveries, and a Slack that is busy
or says no — signed event_callback JSON over real HTTP, replies read at the fake."""

from __future__ import annotations

import json

import pytest

from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.reviewer import Reviewer, ReviewRequest
from bot.store.store import Store
from tests.conftest import build, serve
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, rate_limited
from tests.slack.test_e2e_command import AD


@pytest.fixture
def store(store_target):
    """These tests run on both backends: the app's store is SQLite, then PostgreSQL."""
    with Store(store_target) as opened:
        yield opened


def _reviews(running_app) -> list[dict]:
    running_app.wait_idle()
    return list(running_app.app.deps.store.db["reviews"].rows)


def test_a_mention_is_reviewed_in_a_thread_under_it(running_app, slack_api):
    gate = slack_api.hold("chat.postMessage")
    event = sr.app_mention(AD)
    assert running_app.send(sr.event_callback(event)).status == 200  # acked before the reply
    slack_api.wait_held("chat.postMessage")
    gate.set()
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.ok
    assert reply.params["channel"] == DRAFTS
    assert reply.params["thread_ts"] == event["ts"]
    assert "BUY NOW" in reply.text
    [row] = _reviews(running_app)
    assert (row["surface"], row["visibility"]) == ("mention", "public")
    assert row["draft"] == AD  # the bot's own <@mention> is not part of the draft


def test_a_mention_in_a_thread_reviews_the_parent_message(running_app, slack_api):
    # the asker's own message (someone else's is reviewed privately: test_mention.py)
    parent = slack_api.add_message(DRAFTS, "HUGE SALE!!! Buy now, only 3 left!", user=ALICE)
    event = sr.app_mention("", thread_ts=parent["ts"])
    running_app.send(sr.event_callback(event))
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == parent["ts"]
    assert slack_api.calls("conversations.replies") or slack_api.calls("conversations.history")
    assert "Buy now" in reply.text or "HUGE SALE" in reply.text
    [row] = _reviews(running_app)
    assert row["draft"] == parent["text"]


def test_a_mention_with_a_draft_under_a_comment_reviews_it_as_a_reply(running_app, slack_api):
    comment = "Your app lost my order and support never answered. Terrible."
    reply_draft = "Per our policy, refunds take 30 days. Please read our FAQ."
    parent = slack_api.add_message(DRAFTS, comment, user=BOB)
    running_app.send(sr.event_callback(sr.app_mention(reply_draft, thread_ts=parent["ts"])))
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == parent["ts"]
    [row] = _reviews(running_app)
    assert row["draft"] == reply_draft
    reviewer = Reviewer(PlaybookLibrary())
    as_reply = reviewer.rules_review(ReviewRequest(reply_draft, in_reply_to=comment))
    alone = reviewer.rules_review(ReviewRequest(reply_draft))
    assert {f.rule for f in as_reply.findings} != {f.rule for f in alone.findings}, (
        "precondition: the engine judges this draft differently as a reply"
    )
    assert sorted(json.loads(row["rules"])) == sorted(f.rule for f in as_reply.findings)


def _watch(store, channel=DRAFTS):
    store.update_channel_settings(channel, watch=True, updated_by=ALICE)


def test_watch_mode_reviews_a_new_top_level_post_in_its_thread(running_app, slack_api, store):
    _watch(store)
    post = sr.human_message(AD, user=BOB)
    running_app.send(sr.event_callback(post))
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == post["ts"]
    [row] = _reviews(running_app)
    assert (row["surface"], row["user_id"]) == ("watch", BOB)


def test_watch_mode_ignores_bots_itself_edits_joins_and_thread_replies(
    running_app, slack_api, store
):
    _watch(store)
    original = sr.human_message("A perfectly fine question for you?", user=BOB)
    ignored = [
        sr.bot_message(AD),
        sr.own_message(AD),
        sr.own_message(AD, thread_ts=original["ts"]),
        sr.message_changed(original, AD),
        sr.channel_join(BOB),
        sr.human_message(AD, user=ALICE, thread_ts=original["ts"], parent_user_id=BOB),
    ]
    for event in ignored:
        assert running_app.send(sr.event_callback(event)).status == 200
    running_app.wait_idle()
    control = sr.human_message(AD, user=BOB)  # a real new post, sent last, is reviewed
    running_app.send(sr.event_callback(control))
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    slack_api.settle(quiet=0.3)
    [reply] = slack_api.calls("chat.postMessage")
    assert reply.params["thread_ts"] == control["ts"]
    assert len(_reviews(running_app)) == 1


def test_watch_mode_is_off_unless_turned_on(running_app, slack_api):
    running_app.send(sr.event_callback(sr.human_message(AD, user=BOB)))
    running_app.wait_idle()
    slack_api.settle(quiet=0.3)
    assert slack_api.calls("chat.postMessage") == []


def test_three_deliveries_of_one_event_make_exactly_one_reply(running_app, slack_api):
    delivery = sr.event_callback(sr.app_mention(AD))
    first = running_app.send(delivery)
    second = running_app.send(delivery, retry_num=1, retry_reason="http_timeout")
    third = running_app.send(delivery, retry_num=2, retry_reason="http_timeout")
    assert [first.status, second.status, third.status] == [200, 200, 200]
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    slack_api.settle(quiet=0.5)
    assert len(slack_api.calls("chat.postMessage")) == 1
    assert len(_reviews(running_app)) == 1


def test_a_retry_landing_on_another_process_still_makes_one_reply(running_app, slack_api, settings):
    """Two app instances (as two gunicorn workers) share one database; Slack's retry of an
    event reaches the other one."""
    with (
        Store(running_app.app.deps.store.path) as other_store,
        serve(build(settings, other_store), settings, slack_api) as other_app,
    ):
        delivery = sr.event_callback(sr.app_mention(AD))
        assert running_app.send(delivery).status == 200
        assert other_app.send(delivery, retry_num=1, retry_reason="http_timeout").status == 200
        slack_api.wait_for("chat.postMessage")
        running_app.wait_idle()
        other_app.wait_idle()
    slack_api.settle(quiet=0.5)
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_a_429_with_retry_after_is_waited_out_and_the_reply_arrives(running_app, slack_api):
    slack_api.script("chat.postMessage", rate_limited(retry_after=1))
    running_app.send(sr.event_callback(sr.app_mention(AD)))
    refused, accepted = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1.0  # honoured Retry-After
    assert accepted.params["thread_ts"] == refused.params["thread_ts"]
    running_app.wait_idle()
    assert len(slack_api.calls("chat.postMessage", ok=True)) == 1


def test_not_in_channel_ends_in_a_helpful_message_to_the_person(running_app, slack_api):
    slack_api.fail_next("chat.postMessage", "not_in_channel")
    running_app.send(sr.event_callback(sr.app_mention(AD)))
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()

    def to_alice(call) -> bool:
        if call.method == "chat.postEphemeral":
            return call.params["user"] == ALICE
        return call.method == "chat.postMessage" and call.params["channel"] == ALICE  # a DM

    told = [c for c in slack_api.calls(ok=True) if to_alice(c) and "/invite" in c.text]
    assert told, [(c.method, c.status, c.text[:80]) for c in slack_api.calls()]


def test_a_mention_with_pings_in_the_draft_pings_nobody_in_the_thread(running_app, slack_api):
    draft = "<!channel> <!here> @here please: BUY NOW!!! <!everyone> cc <@U0BOB>"
    running_app.send(sr.event_callback(sr.app_mention(draft)))
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    assert slack_api.ping_problems(allowed_mentions={ALICE}) == []
