"""Interactivity end to end: the message shortcut and the buttons on a review, pressed with
Slack-shaped `payload=` forms built from the blocks the app actually sent; then what the
store holds (who, when, which rule)."""

from __future__ import annotations

import json

import pytest

from bot.store.store import Store
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, ELSEWHERE
from tests.slack.test_e2e_command import AD


@pytest.fixture
def store(store_target):
    """These tests run on both backends: the app's store is SQLite, then PostgreSQL."""
    with Store(store_target) as opened:
        yield opened


def _value(blocks: list[dict], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                if element.get("type") == "static_select":
                    return element["options"][0]["value"]
                return element["value"]
    raise AssertionError(f"no {action_id} in the review's blocks")


def _public_review(running_app, slack_api):
    """Ask for a review with an @mention; returns (event, the reply as Slack stores it)."""
    event = sr.app_mention(AD)
    running_app.send(sr.event_callback(event))
    [reply] = slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    return event, reply.answer["message"]


def _private_review(running_app, slack_api, channel=DRAFTS, response_id="priv"):
    url = running_app.response_url(response_id)
    running_app.send(sr.slash_command(AD, response_url=url, channel_id=channel))
    [posted] = slack_api.wait_for_response(response_id=response_id)
    running_app.wait_idle()
    return url, posted


def test_the_message_shortcut_reviews_privately_for_the_invoker(running_app, slack_api):
    message = slack_api.add_message(DRAFTS, "HUGE SALE!!! Buy now, only 3 left!", user=BOB)
    url = running_app.response_url("short")
    action = sr.message_action(message, user_id=ALICE, response_url=url)
    assert running_app.send(action).status == 200
    [posted] = slack_api.wait_for_response(response_id="short")
    assert posted.params["response_type"] == "ephemeral"
    assert "Buy now" in posted.text or "HUGE SALE" in posted.text
    running_app.wait_idle()
    assert slack_api.calls("chat.postMessage") == []  # nothing in the channel
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert (row["surface"], row["user_id"], row["visibility"]) == ("shortcut", ALICE, "personal")
    assert row["draft"] == message["text"]


def test_helpful_and_not_helpful_are_recorded_with_who_and_when(running_app, slack_api, store):
    _, message = _public_review(running_app, slack_api)
    review_id = int(_value(message["blocks"], "feedback-helpful"))
    for user, action_id in ((ALICE, "feedback-helpful"), (BOB, "feedback-not-helpful")):
        press = sr.block_actions(action_id, blocks=message["blocks"], user_id=user, message=message)
        assert running_app.send(press).status == 200
        running_app.wait_idle()
    feedback = store.feedback_for(review_id)
    assert [(f["kind"], f["user_id"]) for f in feedback] == [
        ("helpful", ALICE),
        ("not_helpful", BOB),
    ]
    assert all(f["created_at"] > 0 and f["channel_id"] == DRAFTS for f in feedback)
    updates = slack_api.wait_for("chat.update", count=2)
    assert all(u.params["ts"] == message["ts"] for u in updates)
    assert "feedback" in updates[-1].text.lower()


def test_post_rewrite_posts_it_in_the_thread_attributed_to_the_asker(running_app, slack_api, store):
    event, message = _public_review(running_app, slack_api)
    review_id = int(_value(message["blocks"], "post-rewrite"))
    press = sr.block_actions("post-rewrite", blocks=message["blocks"], message=message)
    assert running_app.send(press).status == 200
    _, posted = slack_api.wait_for("chat.postMessage", count=2)
    running_app.wait_idle()
    row = store.get_review(review_id)
    assert posted.params["thread_ts"] == event["ts"]
    assert f"<@{ALICE}>" in posted.text
    first_line = row["rewrite"].split("\n")[0][:40]
    assert first_line and first_line.split()[0] in posted.text
    assert row["rewrite_posted"] == 1
    [fb] = store.feedback_for(review_id)
    assert (fb["kind"], fb["user_id"]) == ("post_rewrite", ALICE)


def test_two_quick_clicks_on_post_rewrite_post_it_once(running_app, slack_api, store):
    _, message = _public_review(running_app, slack_api)
    review_id = int(_value(message["blocks"], "post-rewrite"))
    url = running_app.response_url("twice")
    press = sr.block_actions(
        "post-rewrite", blocks=message["blocks"], message=message, response_url=url
    )
    gate = slack_api.hold("chat.postMessage")  # the first click's post is still in flight...
    assert running_app.send(press).status == 200
    slack_api.wait_held("chat.postMessage")
    assert running_app.send(press).status == 200  # ...when the second click arrives
    told = slack_api.wait_for_response(response_id="twice")
    gate.set()
    running_app.wait_idle()
    posts = slack_api.calls("chat.postMessage")
    assert len(posts) == 2  # the review itself, then the rewrite: once
    assert "already posted" in told[-1].text
    assert store.get_review(review_id)["rewrite_posted"] == 1
    assert [f["kind"] for f in store.feedback_for(review_id)] == ["post_rewrite"]


def test_post_rewrite_where_the_bot_is_not_a_member_says_how_to_invite_it(running_app, slack_api):
    url, posted = _private_review(running_app, slack_api, channel=ELSEWHERE, response_id="else")
    press = sr.block_actions(
        "post-rewrite", blocks=posted.blocks, channel_id=ELSEWHERE, response_url=url
    )
    running_app.send(press)
    refused = slack_api.wait_for("chat.postMessage")[0]
    assert refused.answer["error"] == "not_in_channel"
    told = slack_api.wait_for_response(count=2, response_id="else")[-1]
    assert "/invite" in told.text


def test_mute_a_rule_here_then_undo(running_app, slack_api, store):
    url, posted = _private_review(running_app, slack_api)
    review_id, rule = _value(posted.blocks, "mute-rule").split("|")
    choose = sr.block_actions(
        "mute-rule", blocks=posted.blocks, value=f"{review_id}|{rule}", response_url=url
    )
    assert running_app.send(choose).status == 200
    confirmation = slack_api.wait_for_response(count=2, response_id="priv")[-1]
    running_app.wait_idle()
    assert rule in store.channel_settings(DRAFTS).muted_rules

    # The next review in this channel leaves the muted rule out.
    _private_review(running_app, slack_api, response_id="again")
    rows = list(store.db["reviews"].rows)
    assert rule not in json.loads(rows[-1]["rules"])

    undo = sr.block_actions("unmute-rule", blocks=confirmation.blocks, response_url=url)
    assert running_app.send(undo).status == 200
    running_app.wait_idle()
    assert rule not in store.channel_settings(DRAFTS).muted_rules
    feedback = store.feedback_for(int(review_id))
    assert [(f["kind"], f["user_id"], f["rule"]) for f in feedback] == [
        ("mute", ALICE, rule),
        ("unmute", ALICE, rule),
    ]
    assert all(f["created_at"] > 0 for f in feedback)
