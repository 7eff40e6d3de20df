"""Conversations with the AI engine on (a fake OpenAI server): the better review replaces
the rules one in the DM thread, other tones and free-form requests go to the model with
the draft, its review and the last rewrite, and every answer is verified like a rewrite."""

from __future__ import annotations

import json

from tests.conftest import llm_app_with_tone
from tests.fakes import slack_requests as sr
from tests.fakes.openai_api import answer
from tests.fakes.slack_api import ALICE

CODE_DRAFT = "BUY NOW!!! 20% off every planner with code PLAN20 at https://shop.example.com"
LESS_SALESY = "Our planners are 20% off with code PLAN20: https://shop.example.com. Which one?"
DROPS_CODE = "Our planners are on offer at https://shop.example.com. Which one would you pick?"
DM = sr.dm_channel(ALICE)


def _start(llm_app, slack_api, fake_llm) -> dict:
    """A DM draft, its rules review and its AI update; returns the draft's event."""
    fake_llm.script(answer(rewrite=LESS_SALESY))
    first = sr.dm_message(CODE_DRAFT)
    assert llm_app.send(sr.event_callback(first)).status == 200
    slack_api.wait_for("chat.update", timeout=10)
    llm_app.wait_idle()
    return first


def test_the_ai_review_replaces_the_rules_one_in_the_dm_thread(llm_app, slack_api, fake_llm):
    first = _start(llm_app, slack_api, fake_llm)
    [review] = slack_api.calls("chat.postMessage")
    [update] = slack_api.calls("chat.update")
    assert review.params["thread_ts"] == first["ts"]
    assert update.params["ts"] == review.answer["ts"]
    assert LESS_SALESY in json.dumps(update.params["blocks"])
    [row] = llm_app.app.deps.store.db["reviews"].rows
    assert (row["engine"], row["llm_pending"]) == ("llm", 0)


def test_a_free_form_request_goes_to_the_model_with_the_last_rewrite(llm_app, slack_api, fake_llm):
    first = _start(llm_app, slack_api, fake_llm)
    fake_llm.script(answer(rewrite=LESS_SALESY))
    ask = sr.dm_message("less salesy but keep the discount code", thread_ts=first["ts"])
    llm_app.send(sr.event_callback(ask))
    placeholder = slack_api.wait_for("chat.postMessage", count=2)[-1]
    update = slack_api.wait_for("chat.update", count=2, timeout=10)[-1]
    llm_app.wait_idle()
    call = fake_llm.calls[-1]
    assert "less salesy but keep the discount code" in call.user_prompt
    assert LESS_SALESY in call.user_prompt  # the last rewrite travels with the request
    assert "Writing a new version" in placeholder.text
    assert update.params["ts"] == placeholder.answer["ts"]
    assert "PLAN20" in json.dumps(update.params["blocks"])


def test_a_version_that_drops_a_fact_is_set_aside(llm_app, slack_api, fake_llm):
    first = _start(llm_app, slack_api, fake_llm)
    fake_llm.script(answer(rewrite=DROPS_CODE), answer(rewrite=DROPS_CODE))
    llm_app.send(sr.event_callback(sr.dm_message("warmer", thread_ts=first["ts"])))
    update = slack_api.wait_for("chat.update", count=2, timeout=10)[-1]
    llm_app.wait_idle()
    shown = json.dumps(update.params["blocks"])
    assert DROPS_CODE not in shown
    assert "set aside" in shown and "The rules version" in shown


def test_without_a_draft_a_request_asks_for_one(llm_app, slack_api, fake_llm):
    llm_app.send(sr.event_callback(sr.dm_message("make it warmer")))
    [reply] = slack_api.wait_for("chat.postMessage")
    llm_app.wait_idle()
    assert "Paste a draft first" in reply.text
    assert fake_llm.calls == []


def test_make_my_last_draft_warmer_in_a_new_panel_thread(llm_app, slack_api, fake_llm):
    _start(llm_app, slack_api, fake_llm)  # a draft in the DM earlier
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    llm_app.send(sr.event_callback(started))
    slack_api.wait_for("assistant.threads.setSuggestedPrompts")
    llm_app.wait_idle()
    warm = "Hello friends! Our planners are 20% off with code PLAN20: https://shop.example.com"
    fake_llm.script(answer(rewrite=warm))
    ask = sr.dm_message("Make my last draft warmer", thread_ts=thread_ts)
    llm_app.send(sr.event_callback(ask))
    update = slack_api.wait_for("chat.update", count=2, timeout=10)[-1]
    llm_app.wait_idle()
    assert "A warmer version" in update.text and "PLAN20" in update.text
    assert "Tone: make the rewrite warmer" in fake_llm.calls[-1].user_prompt
    assert CODE_DRAFT in fake_llm.calls[-1].user_prompt  # the last draft, from the DM
    statuses = [c.params["status"] for c in slack_api.calls("assistant.threads.setStatus")]
    assert statuses == ["is reviewing your draft…", "is writing…"]


def test_a_tone_added_to_tones_txt_is_understood_when_typed(
    settings, store, slack_api, fake_llm, tmp_path
):
    """The "Another tone" menu lists prompts/tones.txt; a follow-up typed in a DM reads the
    same list, so a tone a team adds there is written when asked for in words too."""
    tone = "bolder: Confident and direct; lead with the offer, no hedging."
    bold = "20% off every planner with code PLAN20 at https://shop.example.com. Which one?"
    with llm_app_with_tone(settings, store, slack_api, fake_llm, tmp_path, tone) as app:
        first = _start(app, slack_api, fake_llm)
        fake_llm.script(answer(rewrite=bold))
        app.send(sr.event_callback(sr.dm_message("make it bolder please", thread_ts=first["ts"])))
        placeholder = slack_api.wait_for("chat.postMessage", count=2)[-1]
        update = slack_api.wait_for("chat.update", count=2, timeout=10)[-1]
        app.wait_idle()
    assert "Writing a bolder version" in placeholder.text
    assert update.params["ts"] == placeholder.answer["ts"]
    assert "A bolder version" in update.text and "PLAN20" in update.text
    assert "Tone: make the rewrite bolder. Confident and direct" in fake_llm.calls[-1].user_prompt
    assert len(slack_api.calls("chat.postMessage")) == 2  # not reviewed as a new draft
