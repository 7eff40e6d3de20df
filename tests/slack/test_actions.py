"""The buttons under a review (bot/slack/listeners/actions.py), pressed over real HTTP as
Slack would: a vote on a review whose words retention erased leaves the message alone; only
the author posts a rewrite of their words (another tone of someone else's review is a copy
with no post button); another tone posts where the original would; the "Another tone" menu
only where the AI engine is there and allowed; a rewrite that changes nothing has nothing
to post."""

from __future__ import annotations

import copy

import pytest

from bot.slack import blocks as kit
from tests.fakes import slack_requests as sr
from tests.fakes.block_kit import elements, texts
from tests.fakes.openai_api import answer
from tests.fakes.slack_api import ALICE, BOB, DRAFTS

AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"
URL = "https://example.com/trails"
DRAFT = f"Our new trail guide is up: {URL}. Which route should we add next?"
BETTER = f"The trail guide is ready for you: {URL}. Which route would you like next?"
WARMER = f"Hello friends! Our trail guide is ready for you: {URL}. Which route next?"
CLEAN = "We shipped the new export today. What would you like next?"


def _mention(app, slack_api, text=AD, user=ALICE, *, llm=False):
    """A public review of `user`'s mention: (event, the review message as Slack holds it)."""
    event = sr.app_mention(text, user=user)
    slack_api.add_message(DRAFTS, event["text"], user=user, ts=event["ts"])
    app.send(sr.event_callback(event))
    method = "chat.update" if llm else "chat.postMessage"  # with the AI: its final version
    [reply] = slack_api.wait_for(method, timeout=10)
    app.wait_idle()
    return event, copy.deepcopy(reply.answer["message"])


# -- a vote on a review older than retention ----------------------------------------------


def test_a_vote_on_an_erased_review_is_noted_and_leaves_the_message(running_app, slack_api, store):
    _, message = _mention(running_app, slack_api)
    review_id = int(elements(message["blocks"])["feedback-helpful"]["value"])
    with store.db.conn:
        store.db.execute("UPDATE reviews SET created_at = created_at - 40 * 86400")
    assert store.purge(30) == 1

    url = running_app.response_url("vote")
    press = sr.block_actions(
        "feedback-helpful", blocks=message["blocks"], message=message, response_url=url
    )
    assert running_app.send(press).status == 200
    running_app.wait_idle()

    assert slack_api.calls("chat.update") == []  # the rewrite and its Post button stay
    [told] = slack_api.responses("vote")
    assert told.params["replace_original"] is False
    assert "Thanks — noted. This review is older than 30 days" in told.text
    assert [f["kind"] for f in store.feedback_for(review_id)] == ["helpful"]


def test_an_erased_finding_never_shows_its_rule_title_as_quoted_words(
    running_app, slack_api, store
):
    _, message = _mention(running_app, slack_api)
    review_id = int(elements(message["blocks"])["feedback-helpful"]["value"])
    with store.db.conn:
        store.db.execute("UPDATE reviews SET created_at = created_at - 40 * 86400")
    store.purge(30)
    erased = store.review_of(store.get_review(review_id))
    assert erased.findings and not any(f.quote for f in erased.findings)
    drawn = kit.review_message(erased, kit.MessageOptions(review_id=review_id, public=True))
    findings = [b["text"]["text"] for b in drawn["blocks"] if b["block_id"].startswith("finding-")]
    assert findings
    assert not any("“" in text or "”" in text for text in findings)
    assert "“" not in drawn["text"]  # nor in the notification text


# -- only the author posts their words --------------------------------------------------------


def test_only_the_author_can_post_the_rewrite_of_a_public_review(running_app, slack_api, store):
    event, message = _mention(running_app, slack_api)
    review_id = int(elements(message["blocks"])["post-rewrite"]["value"])
    url = running_app.response_url("bob")
    press = sr.block_actions(
        "post-rewrite", blocks=message["blocks"], message=message, user_id=BOB, response_url=url
    )
    running_app.send(press)
    running_app.wait_idle()
    assert len(slack_api.calls("chat.postMessage")) == 1  # only the review itself
    [told] = slack_api.responses("bob")
    assert "Only <@U0ALICE> can post this rewrite — it's their words." in told.text
    assert store.get_review(review_id)["rewrite_posted"] == 0

    mine = sr.block_actions("post-rewrite", blocks=message["blocks"], message=message)
    running_app.send(mine)
    _, posted = slack_api.wait_for("chat.postMessage", count=2)
    assert posted.params["thread_ts"] == event["ts"]
    assert "Suggested by Social Way for <@U0ALICE>" in posted.text


def test_only_the_author_of_a_watched_message_can_post_its_rewrite(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
    event = sr.human_message(AD, user=ALICE, channel=DRAFTS)
    running_app.send(sr.event_callback(event))
    [reply] = slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    message = copy.deepcopy(reply.answer["message"])
    url = running_app.response_url("bob")
    press = sr.block_actions(
        "post-rewrite", blocks=message["blocks"], message=message, user_id=BOB, response_url=url
    )
    running_app.send(press)
    running_app.wait_idle()
    assert len(slack_api.calls("chat.postMessage")) == 1
    assert "Only <@U0ALICE> can post" in slack_api.responses("bob")[0].text


def test_another_tone_of_someone_elses_review_is_a_copy_with_no_post_button(
    llm_app, slack_api, fake_llm, store
):
    fake_llm.script(answer(rewrite=BETTER), answer(rewrite=WARMER))
    _, message = _mention(llm_app, slack_api, DRAFT, llm=True)
    review_id = int(elements(message["blocks"])["post-rewrite"]["value"])
    url = llm_app.response_url("bob-tone")
    choose = sr.tone_choice(message, review_id, "warmer", response_url=url, user_id=BOB)
    llm_app.send(choose)
    _, toned = slack_api.wait_for_response(2, timeout=10, response_id="bob-tone")
    llm_app.wait_idle()
    assert WARMER in texts(toned.params["blocks"])  # Bob may read a warmer version...
    assert "post-rewrite" not in elements(toned.params["blocks"])  # ...but not post it
    assert "someone else's words" in toned.params["blocks"][0]["text"]["text"]
    tone_row = store.get_review(review_id + 1)
    assert (tone_row["surface"], tone_row["user_id"], tone_row["visibility"]) == (
        "tone",
        BOB,
        "personal",
    )


# -- another tone keeps the original's thread; its header fits ---------------------------------


def test_another_tone_posts_in_the_original_thread_under_a_header_that_fits(
    llm_app, slack_api, fake_llm, store
):
    fake_llm.script(answer(rewrite=BETTER), answer(rewrite=WARMER))
    event, message = _mention(llm_app, slack_api, DRAFT, llm=True)
    review_id = int(elements(message["blocks"])["post-rewrite"]["value"])
    url = llm_app.response_url("tone")
    choose = sr.tone_choice(message, review_id, "warmer", response_url=url)
    llm_app.send(choose)
    _, toned = slack_api.wait_for_response(2, timeout=10, response_id="tone")
    llm_app.wait_idle()
    assert store.get_review(review_id + 1)["thread_ts"] == event["ts"]  # the original's thread
    header = toned.params["blocks"][0]["text"]["text"]
    assert header.startswith("*A warmer version*")
    assert "/100" not in header  # the draft's score is not this version's
    post = elements(toned.params["blocks"])["post-rewrite"]
    assert post["text"]["text"] == "Post rewrite in thread"

    press = sr.block_actions("post-rewrite", blocks=toned.params["blocks"], response_url=url)
    llm_app.send(press)
    _, posted = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
    assert posted.params["thread_ts"] == event["ts"]  # where the original's would go
    assert "Hello friends!" in posted.params["text"]


# -- the menu and the post button only when they can do something ------------------------------


def test_no_another_tone_menu_without_an_ai_engine(running_app, slack_api):
    _, message = _mention(running_app, slack_api)
    actions = elements(message["blocks"])
    assert "another-tone" not in actions and "post-rewrite" in actions


def test_no_another_tone_menu_where_the_channel_keeps_drafts_from_the_ai(
    llm_app, slack_api, fake_llm, store
):
    store.update_channel_settings(DRAFTS, llm_allowed=False, updated_by=ALICE)
    _, message = _mention(llm_app, slack_api)
    assert "another-tone" not in elements(message["blocks"])
    assert fake_llm.calls == []
    store.update_channel_settings(DRAFTS, llm_allowed=True, updated_by=ALICE)
    fake_llm.script(answer(rewrite=BETTER))
    slack_api.reset()
    _, message = _mention(llm_app, slack_api, DRAFT, llm=True)
    assert "another-tone" in elements(message["blocks"])


@pytest.mark.parametrize(
    ("draft", "said"),
    [
        (CLEAN, "*Rewrite:* nothing to change."),
        # the rules can't drop "tag 3 friends" safely: no rewrite, and what to change
        (
            "Read <https://example.com/blog|our launch story> and tag 3 friends!",
            "none — the rules can't rewrite this safely. What to change: left",
        ),
    ],
)
def test_a_rewrite_that_changes_nothing_has_nothing_to_post(running_app, slack_api, draft, said):
    _, message = _mention(running_app, slack_api, draft)
    assert "post-rewrite" not in elements(message["blocks"])
    rewrite = next(b for b in message["blocks"] if b.get("block_id") == "review-rewrite")
    assert said in texts([rewrite])
