"""An @-mention in a thread asks for a review of the thread's first message. Of someone
else's message (or a bot's) the review is personal — for the asker only, with no "Post
rewrite" — as the message shortcut does; of one's own, it is public in the thread. Signed
Events API and interactivity requests over real HTTP; answers read at the fake."""

from __future__ import annotations

from tests.fakes import slack_requests as sr
from tests.fakes.block_kit import action_ids
from tests.fakes.slack_api import ALICE, BOB, DRAFTS

SALE = "HUGE SALE!!! Buy now, only 3 left! Don't miss out!!!"


def only_row(running_app) -> dict:
    running_app.wait_idle()
    [row] = running_app.app.deps.store.db["reviews"].rows
    return row


def test_a_mention_under_someone_elses_message_is_reviewed_for_the_asker_only(
    running_app, slack_api
):
    parent = slack_api.add_message(DRAFTS, SALE, user=BOB)
    running_app.send(sr.event_callback(sr.app_mention("", thread_ts=parent["ts"])))
    [answer] = slack_api.wait_for("chat.postEphemeral")
    assert (answer.params["user"], answer.params["channel"]) == (ALICE, DRAFTS)
    assert answer.params["thread_ts"] == parent["ts"]  # in the thread, seen by Alice only
    assert "someone else's words" in answer.text
    assert "post-rewrite" not in action_ids(answer.params["blocks"])
    assert "feedback-helpful" in action_ids(answer.params["blocks"])  # the rest is there
    row = only_row(running_app)
    assert (row["surface"], row["visibility"], row["draft"]) == ("mention", "personal", SALE)
    assert row["rewrite"]  # there was a rewrite to post: the button was left out on purpose
    slack_api.settle(quiet=0.2)
    assert slack_api.calls("chat.postMessage") == []  # nothing public about Bob's words


def test_a_vote_on_it_keeps_the_post_button_out_and_a_forged_post_is_refused(
    running_app, slack_api
):
    parent = slack_api.add_message(DRAFTS, SALE, user=BOB)
    running_app.send(sr.event_callback(sr.app_mention("", thread_ts=parent["ts"])))
    [answer] = slack_api.wait_for("chat.postEphemeral")
    review_id = str(only_row(running_app)["id"])
    blocks = answer.params["blocks"]

    url = running_app.response_url("R0VOTE")
    vote = sr.block_actions("feedback-helpful", blocks=blocks, response_url=url)
    assert running_app.send(vote).status == 200
    [redrawn] = slack_api.wait_for_response(response_id="R0VOTE")
    assert "Thanks for the feedback" in redrawn.sent_text()
    assert "post-rewrite" not in action_ids(redrawn.params["blocks"])

    # A post-rewrite click for this review (an old client, a crafted payload) posts nothing.
    button = {"type": "button", "action_id": "post-rewrite", "value": review_id}
    forged_blocks = [{"type": "actions", "elements": [button]}]
    url = running_app.response_url("R0POST")
    click = sr.block_actions("post-rewrite", blocks=forged_blocks, response_url=url)
    assert running_app.send(click).status == 200
    [refusal] = slack_api.wait_for_response(response_id="R0POST")
    assert "someone else's message" in refusal.sent_text()
    running_app.wait_idle()
    assert slack_api.calls("chat.postMessage") == []


def test_a_mention_under_ones_own_message_still_answers_in_the_thread_with_the_button(
    running_app, slack_api
):
    parent = slack_api.add_message(DRAFTS, SALE, user=ALICE)
    running_app.send(sr.event_callback(sr.app_mention("", thread_ts=parent["ts"])))
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == parent["ts"]
    assert "post-rewrite" in action_ids(reply.params["blocks"])
    assert only_row(running_app)["visibility"] == "public"
    assert slack_api.calls("chat.postEphemeral") == []


def test_a_mention_under_a_bots_message_is_personal_too(running_app, slack_api):
    parent = slack_api.add_message(DRAFTS, SALE, user="U0RELEASES", bot_id="B0OTHERBOT")
    running_app.send(sr.event_callback(sr.app_mention("", thread_ts=parent["ts"])))
    [answer] = slack_api.wait_for("chat.postEphemeral")
    assert "post-rewrite" not in action_ids(answer.params["blocks"])
    assert only_row(running_app)["visibility"] == "personal"


def test_ones_own_reply_under_someone_elses_comment_stays_public(running_app, slack_api):
    comment = "Your app lost my order and support never answered."
    parent = slack_api.add_message(DRAFTS, comment, user=BOB)
    own_reply = "Per our policy, refunds take 30 days. Please read our FAQ!!!"
    running_app.send(sr.event_callback(sr.app_mention(own_reply, thread_ts=parent["ts"])))
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == parent["ts"]
    row = only_row(running_app)
    assert (row["draft"], row["visibility"]) == (own_reply, "public")
