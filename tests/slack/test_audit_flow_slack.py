"""Audit defects in the review flow, end to end over real HTTP (the real Bolt app, the fake
Slack Web API and the fake OpenAI server on loopback, a real SQLite store).

Ordering is proved by holding the fake LLM's answers (`FakeOpenAI.hold`) and reading the
order of the calls the fake Slack recorded — never by wall-clock thresholds."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from bot.review.reviewer import ReviewRequest
from bot.slack.text import escape
from tests.conftest import build, serve
from tests.fakes import slack_requests as sr
from tests.fakes.openai_api import answer
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, ELSEWHERE, slow

AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"
BETTER = "Our sale is on at https://shop.example.com for $20, and 3 are left. Which would you pick?"
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


@pytest.fixture
def llm_app(settings, store, slack_api, fake_llm):
    """The app with the LLM engine on: 2 work threads, 2 AI threads; a held LLM call does
    not time out while the test looks."""
    settings = replace(
        settings,
        openai_api_key="sk-test-audit",
        openai_base_url=fake_llm.base_url,
        llm_timeout=20,
        workers=2,
        llm_workers=2,
    )
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


@pytest.fixture
def impatient_app(settings, store, slack_api):
    """The app with a 1-second Slack timeout, so a slow fake answer is a read timeout."""
    settings = replace(settings, slack_timeout=1.0)
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


def _ids(call) -> list[str]:
    return [b.get("block_id", "") for b in call.blocks]


def _action_ids(call) -> list[str]:
    return [e.get("action_id") for b in call.blocks for e in b.get("elements", [])]


def _button(action_id: str, value: str) -> list[dict]:
    """The blocks of a (stale) message with one button, as a client could still send it."""
    element = {"type": "button", "action_id": action_id, "value": value}
    element["text"] = {"type": "plain_text", "text": "Post rewrite"}
    return [{"type": "actions", "block_id": "review-actions", "elements": [element]}]


def _message(slack_api, ts: str) -> dict:
    return next(m for m in slack_api.messages[DRAFTS] if m["ts"] == ts)


# -- 1. long texts keep their length -------------------------------------------------------


def test_a_long_draft_shows_most_of_its_rewrite_not_an_ellipsis(running_app, slack_api):
    draft = "HUGE SALE!!! " + "We walked along the river and talked about the week. " * 95
    running_app.send(sr.slash_command(draft, response_url=running_app.response_url("long")))
    [answer_] = slack_api.wait_for_response(response_id="long")
    [rewrite] = [b for b in answer_.blocks if b.get("block_id") == "review-rewrite"]
    shown = rewrite["text"]["text"]
    assert len(shown) > 2500 and shown.endswith("…")
    assert "river and talked" in shown


# -- 2. the rules answer never waits behind AI calls ---------------------------------------


def test_every_rules_answer_arrives_before_any_ai_answer(llm_app, slack_api, fake_llm):
    release = fake_llm.hold()
    asks = 6  # three times the work threads, with every AI call held
    for n in range(asks):
        url = llm_app.response_url(f"busy{n}")
        assert llm_app.send(sr.slash_command(f"{AD} #{n}", response_url=url)).status == 200
    firsts = slack_api.wait_for_response(asks, timeout=15)  # while every AI call is held
    assert all("review-working" in _ids(c) for c in firsts)
    assert not [c for c in firsts if c.params.get("replace_original")]
    release.set()
    slack_api.wait_for(
        "response_url", 2 * asks, timeout=30, where=lambda c: c.response_id.startswith("busy")
    )
    llm_app.wait_idle(30)
    answers = slack_api.responses()
    rules = [i for i, c in enumerate(answers) if not c.params.get("replace_original")]
    better = [i for i, c in enumerate(answers) if c.params.get("replace_original")]
    assert len(rules) == len(better) == asks
    assert max(rules) < min(better)
    assert fake_llm.max_in_flight <= 2  # the AI pool is bounded by SOCIALWAY_LLM_WORKERS


# -- 3. no posting while the AI writes; the posted text is the stored one ------------------


def test_post_rewrite_waits_for_the_ai_version(llm_app, slack_api, fake_llm, store):
    release = fake_llm.hold()
    fake_llm.script(answer(rewrite=BETTER))
    llm_app.send(sr.event_callback(sr.app_mention(AD)))
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" in _ids(first)
    assert "post-rewrite" not in _action_ids(first)  # the rules rewrite isn't the final one
    [row] = store.db["reviews"].rows
    url = llm_app.response_url("early")
    stale = sr.block_actions(
        "post-rewrite",
        blocks=_button("post-rewrite", str(row["id"])),
        message=_message(slack_api, first.answer["ts"]),
        response_url=url,
    )
    llm_app.send(stale)
    [note] = slack_api.wait_for_response(response_id="early")
    assert "still being written" in note.text
    release.set()
    [final] = slack_api.wait_for("chat.update", timeout=20)
    llm_app.wait_idle(20)
    assert "post-rewrite" in _action_ids(final) and "review-working" not in _ids(final)
    message = _message(slack_api, first.answer["ts"])
    llm_app.send(sr.block_actions("post-rewrite", blocks=message["blocks"], message=message))
    posted = slack_api.wait_for("chat.postMessage", 2)[-1]
    llm_app.wait_idle()
    assert store.get_review(row["id"])["rewrite"] == BETTER
    assert BETTER in posted.params["text"]  # the stored rewrite is the one posted
    assert len(slack_api.calls("chat.postMessage")) == 2


# -- 4. a vote while the AI writes survives the AI update -----------------------------------


def test_a_vote_during_the_ai_step_keeps_both_lines(llm_app, slack_api, fake_llm, store):
    release = fake_llm.hold()
    fake_llm.script(answer(rewrite=BETTER))
    llm_app.send(sr.event_callback(sr.app_mention(AD)))
    [first] = slack_api.wait_for("chat.postMessage")
    message = _message(slack_api, first.answer["ts"])
    vote = sr.block_actions(
        "feedback-helpful", blocks=message["blocks"], message=message, user_id=BOB
    )
    llm_app.send(vote)
    [voted] = slack_api.wait_for("chat.update")
    assert "review-feedback" in _ids(voted) and "review-working" in _ids(voted)
    assert "post-rewrite" not in _action_ids(voted)
    release.set()
    llm_app.wait_idle(20)
    final = slack_api.calls("chat.update")[-1]
    assert "review-working" not in _ids(final)
    assert "👍 1" in final.text and BETTER.split(",")[0] in final.text
    shown = _message(slack_api, first.answer["ts"])
    assert any(b.get("block_id") == "review-feedback" for b in shown["blocks"])


# -- 5. the digest can't be switched on where the bot can't post ----------------------------


def _submit_settings(running_app, slack_api, channel: str, flags: str):
    url = running_app.response_url(f"settings-{channel}")
    running_app.send(sr.slash_command("settings", response_url=url, channel_id=channel))
    opened = slack_api.wait_for("views.open", where=lambda c: channel in c.sent_text())[-1]
    view = opened.answer["view"]
    return running_app.send(sr.view_submission(view, {"flags": flags, "weekday": "0"}))


def test_a_digest_switched_on_where_the_bot_is_absent_is_refused(running_app, slack_api, store):
    refused = _submit_settings(running_app, slack_api, ELSEWHERE, "digest")
    assert refused.status == 200
    body = refused.json()
    assert body["response_action"] == "errors"
    assert "/invite @Social Way" in body["errors"]["flags"]
    assert "digest" in body["errors"]["flags"]
    running_app.wait_idle()
    assert not store.channel_settings(ELSEWHERE).digest_on
    saved = _submit_settings(running_app, slack_api, DRAFTS, "digest")
    assert saved.status == 200 and not saved.body.strip()
    running_app.wait_idle()
    assert store.channel_settings(DRAFTS).digest_on


# -- 6. watch mode reviews a draft posted with its image ------------------------------------


def test_watch_mode_reviews_a_file_share_with_text(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
    with_image = sr.human_message(AD)
    with_image.update(subtype="file_share", files=[{"id": "F0IMAGE", "name": "sale.png"}])
    just_image = sr.human_message("")
    just_image.update(subtype="file_share", files=[{"id": "F0OTHER", "name": "cat.png"}])
    broadcast = sr.human_message(AD, thread_ts=with_image["ts"])
    broadcast["subtype"] = "thread_broadcast"
    for event in (just_image, broadcast, with_image):
        running_app.send(sr.event_callback(event))
        running_app.wait_idle()
    [review] = slack_api.calls("chat.postMessage")
    assert review.params["thread_ts"] == with_image["ts"]
    assert [r["surface"] for r in store.db["reviews"].rows] == ["watch"]


# -- 7. a timed-out delivery is never delivered twice ----------------------------------------


def test_a_timed_out_mention_answer_is_looked_for_not_posted_again(impatient_app, slack_api):
    slack_api.script("chat.postMessage", slow(2.5))  # lands on Slack's side, answer too late
    impatient_app.send(sr.event_callback(sr.app_mention(AD)))
    slack_api.wait_for("chat.postMessage", timeout=10)
    impatient_app.wait_idle(15)
    calls = slack_api.settle()
    said = " ".join(c.text for c in calls)
    assert "something went wrong" not in said and "may not have arrived" not in said
    [look] = [c for c in calls if c.method == "conversations.replies"]  # found its stamp there
    assert look.params["include_all_metadata"] in (True, "true", "1", 1)
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1


def test_a_timed_out_response_url_is_not_sent_again_another_way(impatient_app, slack_api):
    slack_api.script("response_url", slow(2.5))
    url = impatient_app.response_url("slow")
    impatient_app.send(sr.slash_command(AD, response_url=url))
    slack_api.wait_for_response(response_id="slow", timeout=10)
    impatient_app.wait_idle(15)
    calls = slack_api.settle()
    first, again = [c for c in calls if c.method != "auth.test"]  # no ephemeral, no DM
    assert (first.method, again.method) == ("response_url", "response_url")
    assert again.params["replace_original"] is True  # it replaces what landed: one answer


# -- 8. code blocks are not reviewed ------------------------------------------------------------


def test_a_code_block_is_neither_flagged_nor_left_as_an_empty_fence(running_app, slack_api, store):
    draft = "```\nBUY NOW\n```\nOur new API is live. Buy now, only 3 left!"
    running_app.send(sr.slash_command(draft, response_url=running_app.response_url("code")))
    [answer_] = slack_api.wait_for_response(response_id="code")
    running_app.wait_idle()
    assert "```" not in answer_.text
    assert "BUY NOW" not in answer_.text
    [row] = store.db["reviews"].rows
    assert row["draft"] == "Our new API is live. Buy now, only 3 left!"
    assert "```" not in row["rewrite"]


# -- 9. a long rewrite is posted in sections split between words --------------------------------


def test_a_posted_rewrite_never_splits_an_entity(running_app, slack_api, store):
    reviewer = running_app.app.deps.reviewer
    rules = reviewer.rules_review(ReviewRequest(text=AD))
    text = "abcd " * 599 + "abc& more words"  # "&amp;" would straddle character 3,000
    review = replace(rules, rewrite=replace(rules.rewrite, text=text))
    review_id = store.record_review(
        review,
        draft=AD,
        surface="command",
        visibility="private",
        channel_id=DRAFTS,
        user_id=ALICE,
    )
    url = running_app.response_url("post")
    running_app.send(
        sr.block_actions(
            "post-rewrite", blocks=_button("post-rewrite", str(review_id)), response_url=url
        )
    )
    [posted] = slack_api.wait_for("chat.postMessage")
    sections = [b["text"]["text"] for b in posted.blocks if b["type"] == "section"]
    assert len(sections) == 2
    assert not any(BROKEN_ENTITY.search(s) for s in sections)
    assert " ".join(sections).split() == escape(text).split()
    assert json.dumps(posted.params).count("&amp;") >= 1
