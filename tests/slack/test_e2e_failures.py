"""When something breaks, the person still hears back: an expired response_url, a message
Slack finds too long, a review that can't be made, a database that fails mid-request —
each ends in a message to the person (and a log line with the reference, never a token).
Also: retried watch-mode deliveries, huge drafts on every surface, and the message shortcut
on someone else's message, which never puts anything in the channel."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, Answer, block_kit_problems
from tests.slack.test_e2e_command import AD, _huge_draft


def _told_alice(slack_api, words: str) -> list:
    """Private messages to Alice (ephemeral, DM or response_url) that contain `words`."""

    def private(call) -> bool:
        if call.method == "chat.postEphemeral":
            return call.params.get("user") == ALICE
        if call.method == "chat.postMessage":
            return call.params.get("channel") == ALICE
        return call.method == "response_url"

    return [c for c in slack_api.calls(ok=True) if private(c) and words in c.text]


def _finding_blocks(call) -> int:
    return sum(1 for b in call.blocks if b.get("block_id", "").startswith("finding-"))


# -- an answer always arrives ---------------------------------------------------------------


def test_an_expired_response_url_still_gets_the_review_to_the_person(running_app, slack_api):
    slack_api.script("response_url", Answer(404, "expired_url"))
    url = running_app.response_url("expired")
    running_app.send(sr.slash_command(AD, response_url=url))
    [ephemeral] = slack_api.wait_for("chat.postEphemeral")
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == (DRAFTS, ALICE)
    assert ephemeral.ok and "BUY NOW" in ephemeral.text
    [refused] = slack_api.responses("expired")
    assert refused.status == 404


def test_a_response_url_that_answers_500_once_is_retried(running_app, slack_api):
    slack_api.server_error_next("response_url")
    running_app.send(sr.slash_command(AD, response_url=running_app.response_url("blip")))
    failed, delivered = slack_api.wait_for_response(count=2, response_id="blip")
    assert (failed.status, delivered.status) == (500, 200)
    assert failed.params == delivered.params  # the same review, sent again by the retry handler
    running_app.wait_idle()
    assert slack_api.calls("chat.postEphemeral") == []  # no fallback was needed


@pytest.mark.parametrize("surface", ["mention", "command"])
def test_msg_too_long_is_answered_with_the_compact_review(running_app, slack_api, surface):
    if surface == "mention":
        slack_api.fail_next("chat.postMessage", "msg_too_long")
        running_app.send(sr.event_callback(sr.app_mention(AD)))
        full, compact = slack_api.wait_for("chat.postMessage", count=2)
        assert compact.params["thread_ts"] == full.params["thread_ts"]
    else:
        slack_api.script("response_url", Answer(400, "msg_too_long"))
        running_app.send(sr.slash_command(AD, response_url=running_app.response_url("long")))
        full, compact = slack_api.wait_for_response(count=2, response_id="long")
    assert not full.ok and compact.ok
    assert "BUY NOW" in compact.text
    assert 0 < _finding_blocks(compact) < _finding_blocks(full)
    running_app.wait_idle()
    assert running_app.app.deps.store.db["reviews"].count == 1


@pytest.mark.parametrize("by", [BOB, ALICE])
def test_msg_too_long_keeps_the_intro_line(running_app, slack_api, by):
    """The compact review still says whose words these are: for someone else's message,
    that it is for the asker only and has no post button; for one's own reply, that it was
    reviewed against the comment it answers."""
    comment = "Your app lost my order and support never answered."
    if by == BOB:  # a mention under Bob's words: reviewed privately, in the thread
        method, intro = "chat.postEphemeral", "someone else's words"
        parent = slack_api.add_message(DRAFTS, AD, user=BOB)
        mention = sr.app_mention("", thread_ts=parent["ts"])
    else:  # Alice's reply under Bob's comment: public, against that comment
        method, intro = "chat.postMessage", "reviewed against the comment it answers"
        parent = slack_api.add_message(DRAFTS, comment, user=BOB)
        mention = sr.app_mention(AD, thread_ts=parent["ts"])
    slack_api.fail_next(method, "msg_too_long")
    running_app.send(sr.event_callback(mention))
    full, compact = slack_api.wait_for(method, count=2)
    assert not full.ok and compact.ok
    assert 0 < _finding_blocks(compact) < _finding_blocks(full)  # the compact form
    assert intro in full.text
    assert intro in compact.text
    running_app.wait_idle()


def test_a_review_that_cannot_be_made_says_why(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, playbook="no-such-playbook", updated_by=ALICE)
    url = running_app.response_url("nopb")
    running_app.send(sr.slash_command(AD, response_url=url))
    [said] = slack_api.wait_for_response(response_id="nopb")
    assert "couldn't review" in said.text and "no-such-playbook" in said.text
    running_app.wait_idle()
    assert store.db["reviews"].count == 0


def test_a_store_that_refuses_writes_still_gets_the_review_out_with_one_log_line(
    running_app, slack_api, store, caplog
):
    caplog.set_level(logging.DEBUG)  # every logger, slack_sdk's request logging included
    store.db.execute(  # the database refuses the next review: a failure nobody planned for
        "CREATE TRIGGER refuse_reviews BEFORE INSERT ON reviews "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    delivery = sr.event_callback(sr.app_mention(AD))
    running_app.send(delivery)
    running_app.wait_idle()
    [review] = slack_api.calls("chat.postMessage", ok=True)  # delivered, not apologised for
    assert "Reads like an ad" in review.text and not _told_alice(slack_api, "Sorry")
    assert not [b for b in review.blocks if b["type"] == "actions"]  # no review to act on
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 1 and "disk trouble" in failures[0].getMessage()
    assert not any(r.exc_info for r in failures)  # one line, no traceback
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text


# -- retries, pings, size and privacy on every surface -----------------------------------------


def test_a_retried_watch_event_makes_one_reply(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
    delivery = sr.event_callback(sr.human_message(AD, user=BOB))
    for retry in (None, 1, 2):
        signing = {"retry_num": retry, "retry_reason": "http_timeout"} if retry else {}
        assert running_app.send(delivery, **signing).status == 200
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    slack_api.settle(quiet=0.3)
    assert len(slack_api.calls("chat.postMessage")) == 1
    assert store.db["reviews"].count == 1


PINGS = "<!channel> <!here> @here <!everyone> <!subteam^S0TEAM|@comms> cc <@U0999> BUY NOW!!!"


def test_pings_in_a_draft_reach_no_one_in_the_review_or_the_posted_rewrite(running_app, slack_api):
    running_app.send(sr.event_callback(sr.app_mention(PINGS)))
    [review] = slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    message = review.answer["message"]
    press = sr.block_actions("post-rewrite", blocks=message["blocks"], message=message)
    running_app.send(press)
    _, posted = slack_api.wait_for("chat.postMessage", count=2)
    running_app.wait_idle()
    assert "rewrite-credit" in json.dumps(posted.params["blocks"])  # the rewrite went out
    assert posted.params["text"]  # with its plain-text fallback, checked below too
    # The review notifies no one; the posted rewrite is the author's own words, so it
    # mentions the person the draft mentioned (only them), and never broadcasts.
    assert "<@U0999>" not in review.sent_text()
    assert slack_api.ping_problems(allowed_mentions={ALICE, "U0999"}) == []


def _reviewed_on(surface: str, running_app, slack_api, store, draft: str):
    """Ask for a review of `draft` on `surface`; returns the first answer the fake received."""
    if surface == "mention":
        running_app.send(sr.event_callback(sr.app_mention(draft)))
        return slack_api.wait_for("chat.postMessage", timeout=20)[0]
    if surface == "watch":
        store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
        running_app.send(sr.event_callback(sr.human_message(draft, user=BOB)))
        return slack_api.wait_for("chat.postMessage", timeout=20)[0]
    message = slack_api.add_message(DRAFTS, draft, user=BOB)
    url = running_app.response_url("short")
    running_app.send(sr.message_action(message, response_url=url))
    return slack_api.wait_for_response(response_id="short", timeout=20)[0]


@pytest.mark.parametrize("surface", ["mention", "watch", "shortcut"])
def test_a_huge_draft_fits_block_kit_on_every_surface(running_app, slack_api, store, surface):
    answer = _reviewed_on(surface, running_app, slack_api, store, _huge_draft())
    assert answer.ok, answer.answer  # the full form, first time: not the too-long fallback
    assert block_kit_problems(answer.params) == []
    assert "findings-more" in json.dumps(answer.params["blocks"])  # summarised, not cut off


def test_the_shortcut_on_someone_elses_message_never_posts_in_the_channel(
    running_app, slack_api, store
):
    review = _reviewed_on("shortcut", running_app, slack_api, store, AD)  # Bob's message
    actions = {e.get("action_id") for b in review.blocks for e in b.get("elements", [])}
    assert "post-rewrite" not in actions and "feedback-helpful" in actions
    running_app.wait_idle()
    [row] = store.db["reviews"].rows
    assert row["visibility"] == "personal"
    assert slack_api.calls("chat.postMessage") == []


def test_the_shortcut_on_your_own_message_can_post_its_rewrite(running_app, slack_api, store):
    message = slack_api.add_message(DRAFTS, AD, user=ALICE)
    url = running_app.response_url("mine")
    running_app.send(sr.message_action(message, user_id=ALICE, response_url=url))
    [review] = slack_api.wait_for_response(response_id="mine")
    running_app.wait_idle()
    press = sr.block_actions("post-rewrite", blocks=review.blocks, response_url=url)
    running_app.send(press)
    [posted] = slack_api.wait_for("chat.postMessage")
    assert posted.ok and posted.params["channel"] == DRAFTS
