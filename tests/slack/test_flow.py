"""One review from ask to answer (bot/slack/flow.py), end to end over real HTTP: the real
Bolt app, the fake Slack Web API and the fake OpenAI server on loopback, a real SQLite
store. The rules answer never waits behind AI calls; there is no posting while the AI
writes; a vote during the AI step survives the AI update.

Ordering is proved by holding the fake LLM's answers (`FakeOpenAI.hold`) and reading the
order of the calls the fake Slack recorded — never by wall-clock thresholds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import build, serve
from tests.fakes import slack_requests as sr
from tests.fakes.block_kit import action_ids, block_ids, one_button
from tests.fakes.openai_api import answer
from tests.fakes.slack_api import BOB, DRAFTS

AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"
BETTER = "Our sale is on at https://shop.example.com for $20, and 3 are left. Which would you pick?"


@pytest.fixture
def llm_app(settings, store, slack_api, fake_llm):
    """The app with the LLM engine on: 2 work threads, 2 AI threads; a held LLM call does
    not time out while the test looks."""
    settings = replace(
        settings,
        openai_api_key="sk-test-flow",
        openai_base_url=fake_llm.base_url,
        llm_timeout=20,
        workers=2,
        llm_workers=2,
    )
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


def _message(slack_api, ts: str) -> dict:
    return next(m for m in slack_api.messages[DRAFTS] if m["ts"] == ts)


# -- the rules answer never waits behind AI calls --------------------------------------


def test_every_rules_answer_arrives_before_any_ai_answer(llm_app, slack_api, fake_llm):
    release = fake_llm.hold()
    asks = 6  # three times the work threads, with every AI call held
    for n in range(asks):
        url = llm_app.response_url(f"busy{n}")
        assert llm_app.send(sr.slash_command(f"{AD} #{n}", response_url=url)).status == 200
    firsts = slack_api.wait_for_response(asks, timeout=15)  # while every AI call is held
    assert all("review-working" in block_ids(c.blocks) for c in firsts)
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


# -- no posting while the AI writes; the posted text is the stored one -----------------


def test_post_rewrite_waits_for_the_ai_version(llm_app, slack_api, fake_llm, store):
    release = fake_llm.hold()
    fake_llm.script(answer(rewrite=BETTER))
    llm_app.send(sr.event_callback(sr.app_mention(AD)))
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" in block_ids(first.blocks)
    assert "post-rewrite" not in action_ids(first.blocks)  # the rules rewrite isn't the final one
    [row] = store.db["reviews"].rows
    url = llm_app.response_url("early")
    stale = sr.block_actions(
        "post-rewrite",
        blocks=one_button("post-rewrite", str(row["id"])),
        message=_message(slack_api, first.answer["ts"]),
        response_url=url,
    )
    llm_app.send(stale)
    [note] = slack_api.wait_for_response(response_id="early")
    assert "still being written" in note.text
    release.set()
    [final] = slack_api.wait_for("chat.update", timeout=20)
    llm_app.wait_idle(20)
    assert "post-rewrite" in action_ids(final.blocks) and "review-working" not in block_ids(
        final.blocks
    )
    message = _message(slack_api, first.answer["ts"])
    llm_app.send(sr.block_actions("post-rewrite", blocks=message["blocks"], message=message))
    posted = slack_api.wait_for("chat.postMessage", 2)[-1]
    llm_app.wait_idle()
    assert store.get_review(row["id"])["rewrite"] == BETTER
    assert BETTER in posted.params["text"]  # the stored rewrite is the one posted
    assert len(slack_api.calls("chat.postMessage")) == 2


# -- a vote while the AI writes survives the AI update ---------------------------------


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
    assert "review-feedback" in block_ids(voted.blocks) and "review-working" in block_ids(
        voted.blocks
    )
    assert "post-rewrite" not in action_ids(voted.blocks)
    release.set()
    llm_app.wait_idle(20)
    final = slack_api.calls("chat.update")[-1]
    assert "review-working" not in block_ids(final.blocks)
    assert "👍 1" in final.text and BETTER.split(",")[0] in final.text
    shown = _message(slack_api, first.answer["ts"])
    assert any(b.get("block_id") == "review-feedback" for b in shown["blocks"])
