"""The LLM engine inside the Slack app, end to end: the rules review at once, the LLM review
replacing it when ready; and model output that tries to ping a channel never does."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.review.factory import make_reviewer
from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from tests.conftest import llm_app_with_tone
from tests.fakes import slack_requests as sr
from tests.fakes.block_kit import block_ids, elements
from tests.fakes.openai_api import FakeOpenAI, answer, server_error
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, Answer

URL = "https://example.com/trails"
DRAFT = f"Our new trail guide is up: {URL}. Which route should we add next?"
BETTER = f"The trail guide is ready for you: {URL}. Which route would you like next?"
PINGING = f"Hey <!channel> and <!here>, the trail guide is ready: {URL}. Which route next?"


def test_a_mention_gets_the_rules_review_first_then_the_llm_update(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(delay=0.3, rewrite=BETTER))
    event = sr.app_mention(DRAFT)
    assert llm_app.send(sr.event_callback(event)).status == 200
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" in block_ids(first.blocks)  # "writing a more human version…"
    [update] = slack_api.wait_for("chat.update", timeout=10)
    assert update.params["ts"] == first.answer["ts"]
    assert "review-working" not in block_ids(update.blocks)
    assert BETTER in json.dumps(update.params["blocks"])
    assert first.at < update.at
    llm_app.wait_idle()
    [row] = llm_app.app.deps.store.db["reviews"].rows
    assert (row["engine"], row["rewrite"]) == ("llm", BETTER)
    assert len(fake_llm.calls) == 1


def test_a_slash_command_is_replaced_through_the_response_url(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(rewrite=BETTER))
    url = llm_app.response_url("cmd-llm")
    llm_app.send(sr.slash_command(DRAFT, response_url=url))
    first, second = slack_api.wait_for_response(2, timeout=10, response_id="cmd-llm")
    assert "review-working" in block_ids(first.blocks)
    assert second.params["replace_original"] is True
    assert BETTER in json.dumps(second.params["blocks"])


def test_when_the_llm_fails_the_rules_review_stays_with_a_note(llm_app, slack_api, fake_llm):
    fake_llm.script(*[server_error()] * 4)
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    assert "AI suggestions unavailable right now" in json.dumps(update.params["blocks"])
    llm_app.wait_idle()
    [row] = llm_app.app.deps.store.db["reviews"].rows
    assert row["engine"] == "rules"


def test_a_rules_only_channel_never_reaches_the_model(llm_app, slack_api, fake_llm, store):
    store.update_channel_settings(DRAFTS, llm_allowed=False, updated_by=ALICE)
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" not in block_ids(first.blocks)
    llm_app.wait_idle()
    assert not slack_api.calls("chat.update")
    assert fake_llm.calls == []


def test_a_rewrite_with_channel_pings_is_neutralised_before_slack(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(rewrite=PINGING, summary="Tell <!everyone>"))
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    sent = json.dumps(update.params)
    for token in ("<!channel>", "<!here>", "<!everyone>"):
        assert token not in sent
    assert "the trail guide is ready" in sent


def test_the_slack_rendering_of_a_pinging_llm_review_pings_no_one(store):
    with FakeOpenAI() as fake:
        fake.script(answer(rewrite=PINGING, strengths=["<!here> asks a question"]))
        settings = Settings(openai_base_url=fake.base_url, openai_api_key="sk-x")
        reviewer = make_reviewer(settings, store)
        try:
            review = reviewer.review(ReviewRequest(text=DRAFT, user=ALICE))
        finally:
            reviewer.close()
    assert review.engine == "llm"
    rendered = json.dumps(kit.review_message(review, kit.MessageOptions(review_id=1, public=True)))
    for token in ("<!channel>", "<!here>", "<!everyone>"):
        assert token not in rendered
    assert URL in rendered


# -- every surface: the rules review first, the LLM review second ------------------------------


def _ask_on(surface: str, app, slack_api, store, draft: str = DRAFT) -> str:
    """Ask for a review on `surface`; returns the fake's method its answers arrive by."""
    if surface == "watch":
        store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
        app.send(sr.event_callback(sr.human_message(draft, user=BOB)))
        return "chat.postMessage"
    if surface == "modal":
        app.send(sr.slash_command("", response_url=app.response_url()))
        [opened] = slack_api.wait_for("views.open")
        app.send(sr.view_submission(opened.params["view"], {"draft": draft}))
        return "chat.postEphemeral"
    if surface == "shortcut":
        message = slack_api.add_message(DRAFTS, draft, user=ALICE)
        app.send(sr.message_action(message, response_url=app.response_url()))
        return "response_url"
    app.send(sr.slash_command(draft, response_url=app.response_url()))
    return "response_url"


def test_watch_mode_gets_the_llm_review_by_chat_update(llm_app, slack_api, fake_llm, store):
    fake_llm.script(answer(rewrite=BETTER))
    _ask_on("watch", llm_app, slack_api, store)
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" in block_ids(first.blocks)
    [update] = slack_api.wait_for("chat.update", timeout=10)
    assert update.params["ts"] == first.answer["ts"]
    assert BETTER in json.dumps(update.params["blocks"])


def test_the_modal_review_is_followed_by_the_llm_review(llm_app, slack_api, fake_llm, store):
    fake_llm.script(answer(rewrite=BETTER))
    _ask_on("modal", llm_app, slack_api, store)
    first, second = slack_api.wait_for("chat.postEphemeral", count=2, timeout=10)
    assert "review-working" in block_ids(first.blocks)  # "…it will appear as a new message"
    assert "review-working" not in block_ids(second.blocks)
    assert BETTER in json.dumps(second.params["blocks"])
    assert second.params["user"] == ALICE


def test_the_shortcut_review_is_replaced_by_the_llm_review(llm_app, slack_api, fake_llm, store):
    fake_llm.script(answer(rewrite=BETTER))
    _ask_on("shortcut", llm_app, slack_api, store)
    first, second = slack_api.wait_for_response(2, timeout=10)
    assert "review-working" in block_ids(first.blocks)
    assert second.params["replace_original"] is True
    assert BETTER in json.dumps(second.params["blocks"])
    assert slack_api.calls("chat.postMessage") == []


def test_a_private_review_in_a_thread_says_in_thread_and_posts_only_on_a_click(
    llm_app, slack_api, fake_llm, store
):
    """The shortcut on one's own reply in a thread: the AI version's button says where it
    posts (the thread, as the first answer and a vote's redraw say); nothing is public
    until Alice clicks it."""
    fake_llm.script(answer(rewrite=BETTER))
    parent = slack_api.add_message(DRAFTS, "What should the trail guide cover?", user=BOB)
    reply = slack_api.add_message(DRAFTS, DRAFT, user=ALICE, thread_ts=parent["ts"])
    url = llm_app.response_url("thread-llm")
    llm_app.send(sr.message_action(reply, response_url=url))
    _, better = slack_api.wait_for_response(2, timeout=10, response_id="thread-llm")
    llm_app.wait_idle()
    assert better.params["replace_original"] is True  # private, in place of the first
    post = elements(better.params["blocks"])["post-rewrite"]
    assert post["text"]["text"] == "Post rewrite in thread"
    slack_api.settle(quiet=0.2)
    assert slack_api.calls("chat.postMessage") == []  # asked privately: nothing public yet

    press = sr.block_actions("post-rewrite", blocks=better.params["blocks"], response_url=url)
    llm_app.send(press)
    [posted] = slack_api.wait_for("chat.postMessage", timeout=10)
    assert posted.params["thread_ts"] == parent["ts"]  # where the label said
    assert BETTER.split(":")[0] in posted.params["text"]


@pytest.mark.parametrize("surface", ["command", "modal", "shortcut", "watch"])
def test_a_rules_only_channel_keeps_drafts_from_the_model_on_every_surface(
    llm_app, slack_api, fake_llm, store, surface
):
    store.update_channel_settings(DRAFTS, llm_allowed=False, updated_by=ALICE)
    method = _ask_on(surface, llm_app, slack_api, store)
    [first] = slack_api.wait_for(method)
    assert "review-working" not in block_ids(first.blocks)
    llm_app.wait_idle()
    slack_api.settle(quiet=0.3)
    assert fake_llm.calls == []
    assert len(slack_api.calls(method)) == 1  # no second, "better" answer
    [row] = store.db["reviews"].rows
    assert row["engine"] == "rules"


@pytest.mark.parametrize("allowed", [True, False])
def test_help_says_whether_this_channel_uses_the_ai_engine(llm_app, slack_api, store, allowed):
    store.update_channel_settings(DRAFTS, llm_allowed=allowed, updated_by=ALICE)
    llm_app.send(sr.slash_command("help", response_url=llm_app.response_url("help")))
    [said] = slack_api.wait_for_response(response_id="help")
    line = next(x for x in said.text.splitlines() if "AI rewrites" in x)
    assert ("*on* here" in line) is allowed and ("*off* here" in line) is not allowed
    assert "/socialway settings" in line


# -- when the first answer can't be replaced ---------------------------------------------------


def test_when_chat_update_fails_the_llm_review_is_posted_in_the_thread(
    llm_app, slack_api, fake_llm
):
    fake_llm.script(answer(rewrite=BETTER))
    slack_api.fail_next("chat.update", "message_not_found")  # the rules review was deleted
    event = sr.app_mention(DRAFT)
    llm_app.send(sr.event_callback(event))
    _, second = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
    assert not slack_api.calls("chat.update", ok=True)
    assert second.params["thread_ts"] == event["ts"]
    assert BETTER in json.dumps(second.params["blocks"])


def test_when_the_response_url_expires_the_llm_review_arrives_ephemerally(
    llm_app, slack_api, fake_llm
):
    fake_llm.script(answer(rewrite=BETTER))
    slack_api.script("response_url", Answer(), Answer(404, "expired_url"))
    url = llm_app.response_url("late")
    llm_app.send(sr.slash_command(DRAFT, response_url=url))
    [ephemeral] = slack_api.wait_for("chat.postEphemeral", timeout=10)
    assert ephemeral.params["user"] == ALICE
    assert BETTER in json.dumps(ephemeral.params["blocks"])
    first, refused = slack_api.responses("late")
    assert first.ok and refused.status == 404


# -- another tone ------------------------------------------------------------------------------


def test_another_tone_end_to_end_and_its_rewrite_can_be_posted(llm_app, slack_api, fake_llm, store):
    warmer = f"Hello friends! Our trail guide is ready for you: {URL}. Which route next?"
    fake_llm.script(answer(rewrite=BETTER), answer(rewrite=warmer))
    event = sr.app_mention(DRAFT)
    llm_app.send(sr.event_callback(event))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    llm_app.wait_idle()
    message = update.answer["message"]
    review_id = int(message["blocks"][-1]["elements"][0]["value"])
    url = llm_app.response_url("tone")
    choose = sr.tone_choice(message, review_id, "warmer", response_url=url)
    assert llm_app.send(choose).status == 200
    note, toned = slack_api.wait_for_response(2, timeout=10, response_id="tone")
    assert "Writing a warmer version" in note.text
    assert toned.params["replace_original"] is False  # the public review stays as it was
    assert warmer in json.dumps(toned.params["blocks"])
    assert len(fake_llm.calls) == 2 and "warmer" in fake_llm.calls[1].user_prompt
    llm_app.wait_idle()
    tone_row = store.db["reviews"].get(review_id + 1)
    assert (tone_row["surface"], tone_row["rewrite"]) == ("tone", warmer)
    [tone_feedback] = store.feedback_for(review_id)
    assert (tone_feedback["kind"], tone_feedback["detail"]) == ("tone", "warmer")

    post = sr.block_actions("post-rewrite", blocks=toned.params["blocks"], response_url=url)
    llm_app.send(post)
    _, posted = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
    assert warmer.split(":")[0] in posted.params["text"]  # the tone's rewrite, not the first one


def test_a_tone_added_to_the_prompts_folder_is_offered_and_written(
    settings, store, slack_api, fake_llm, tmp_path
):
    """The "Another tone" menu is read from the prompts' tones.txt: one line added there is
    one more choice, at the end, that the model is then asked for with its meaning."""
    direct = f"Which route should we add next to the trail guide? {URL}"
    fake_llm.script(answer(rewrite=BETTER), answer(rewrite=direct))
    tone = "more direct: Say the point first, then why it matters; no warm-up."
    with llm_app_with_tone(settings, store, slack_api, fake_llm, tmp_path, tone) as app:
        app.send(sr.event_callback(sr.app_mention(DRAFT)))
        [update] = slack_api.wait_for("chat.update", timeout=10)
        app.wait_idle()
        message = update.answer["message"]
        [menu] = [e for e in message["blocks"][-1]["elements"] if e["action_id"] == "another-tone"]
        review_id = int(message["blocks"][-1]["elements"][0]["value"])
        assert [o["text"]["text"] for o in menu["options"]] == [
            "Warmer",
            "Shorter",
            "More playful",
            "More formal",
            "More direct",
        ]
        assert menu["options"][-1]["value"] == f"{review_id}|more direct"

        url = app.response_url("direct")
        choose = sr.tone_choice(message, review_id, "more direct", response_url=url)
        assert app.send(choose).status == 200
        _, toned = slack_api.wait_for_response(2, timeout=10, response_id="direct")
        assert toned.params["blocks"][0]["text"]["text"] == "*A more direct version*"
        assert "Say the point first" in fake_llm.calls[1].user_prompt
