"""The digest through the real app over HTTP and the real digest poster.

The public weekly digest counts only reviews that were public in the channel, and pings
no one: reviews asked for privately (`/socialway <draft>`) or of someone else's message
(the message shortcut, "personal") leave no trace in it — no count, no score, no issue, no
name. `/socialway digest` previews it to the one person asking, claiming nothing."""

from __future__ import annotations

import json
import time

from bot.digest.week import week_at
from bot.slack.digest_clock import run_due
from tests.fakes import slack_requests as sr
from tests.fakes.seed import make_review
from tests.fakes.slack_api import ALICE, BOB, DRAFTS
from tests.fakes.slack_requests import slash_command

AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"


def _digest_on(store) -> None:
    store.update_channel_settings(
        DRAFTS, digest_on=True, digest_weekday=0, digest_hour=0, updated_by=BOB
    )


def _post_digest(running_app, slack_api) -> dict:
    """Run the digest clock just after this week ends; returns the digest as posted."""
    after_this_week = week_at(time.time(), "UTC").end + 3600
    before = len(slack_api.calls())
    run_due(running_app.app.deps.store, running_app.app.deps.clients, now=after_this_week)
    [post] = [c for c in slack_api.calls()[before:] if c.method == "chat.postMessage"]
    assert post.params["channel"] == DRAFTS
    return post


def _private_and_personal_reviews(running_app, slack_api, *, not_helpful=False) -> None:
    """Alice's private review of her draft, and her personal one of Bob's message; with
    `not_helpful`, she marks both "not helpful" (privately: they are ephemeral)."""
    url = running_app.response_url("private")
    running_app.send(sr.slash_command(AD, response_url=url, user_id=ALICE))
    [private] = slack_api.wait_for_response(response_id="private")
    bobs = slack_api.add_message(DRAFTS, "HUGE SALE!!! Act now, only 2 left!", user=BOB)
    url2 = running_app.response_url("personal")
    running_app.send(sr.message_action(bobs, user_id=ALICE, response_url=url2))
    [personal] = slack_api.wait_for_response(response_id="personal")
    running_app.wait_idle()
    if not_helpful:
        for answer, to in ((private, url), (personal, url2)):
            vote = sr.block_actions("feedback-not-helpful", blocks=answer.blocks, response_url=to)
            running_app.send(vote)
        running_app.wait_idle()


def test_private_and_personal_reviews_leave_no_trace_in_the_digest(running_app, slack_api, store):
    _digest_on(store)
    _private_and_personal_reviews(running_app, slack_api)
    assert {r["visibility"] for r in store.db["reviews"].rows} == {"private", "personal"}

    post = _post_digest(running_app, slack_api)
    sent = json.dumps(post.params, ensure_ascii=False)
    assert "no drafts reviewed" in post.text  # a quiet week, as far as the channel knows
    assert ALICE not in sent and BOB not in sent
    assert "hard-sell" not in sent and "Hard sell" not in sent


def test_public_reviews_are_counted_and_thanked_without_a_ping(running_app, slack_api, store):
    _digest_on(store)
    _private_and_personal_reviews(running_app, slack_api, not_helpful=True)
    assert [f["kind"] for f in store.db["feedback"].rows] == ["not_helpful"] * 2
    event = sr.app_mention("We're hiring! Come build with us.", user=BOB)
    slack_api.add_message(DRAFTS, event["text"], user=BOB, ts=event["ts"])
    running_app.send(sr.event_callback(event))
    running_app.wait_idle()
    bobs = next(r for r in store.db["reviews"].rows if r["visibility"] == "public")

    post = _post_digest(running_app, slack_api)
    sent = json.dumps(post.params, ensure_ascii=False)
    assert "*1 draft reviewed*" in sent  # Bob's public mention; Alice's two are not counted
    assert f"Average human score *{bobs['human_score']}*" in sent
    assert "Thank you* to the one person who asked" in sent
    assert "<@" not in sent  # a weekly digest @-mentions no one (a mention pings)
    assert ALICE not in sent and BOB not in sent
    assert "Worth retuning" not in sent  # her "not helpful"s on private reviews stay private


def test_digest_preview_is_private_and_not_counted(running_app, slack_api, store):
    store.record_review(make_review(40), draft="Act now!", surface="command",
                        visibility="private", channel_id=DRAFTS, user_id=ALICE)  # fmt: skip
    url = running_app.response_url("R0DIGEST")
    reply = running_app.send(slash_command("digest", response_url=url))
    assert reply.status == 200
    [answer] = slack_api.wait_for_response(response_id="R0DIGEST")
    assert answer.params["response_type"] == "ephemeral"
    assert "Only you can see this preview" in answer.sent_text()
    # The review was made this week; the digest covers last week: a quiet one.
    assert "A quiet week in <#C0DRAFTS>" in answer.sent_text()
    assert slack_api.calls("chat.postMessage") == []
    assert store.db.execute("SELECT count(*) FROM digests").fetchone()[0] == 0
