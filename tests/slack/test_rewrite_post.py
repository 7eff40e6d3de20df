"""What *Post rewrite* publishes, end to end over the fake Slack: a draft's mentions of
people and channels stay live entities in the posted text (channel links in the review
too; a review notifies no one),
a rewrite too long for blocks falls back to a shorter form instead of failing, and a long
one is posted in sections split between words, never inside an entity."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from bot.slack.text import escape
from tests.fakes import slack_requests as sr
from tests.fakes.block_kit import one_button
from tests.fakes.slack_api import ALICE, DRAFTS

BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"
# Pushy enough for the rules to rewrite it; a person and a channel mentioned as Slack does.
DRAFT = "HUGE NEWS!!! Thanks <@W333> for the idea, details are in <#C222>. Like and share to win!"


def _review(app, slack_api, draft=DRAFT):
    event = sr.app_mention(draft)
    app.send(sr.event_callback(event))
    [reply] = slack_api.wait_for("chat.postMessage")
    app.wait_idle()
    return reply.answer["message"]


def _post(app, slack_api, message, count=2):
    press = sr.block_actions("post-rewrite", blocks=message["blocks"], message=message)
    assert app.send(press).status == 200
    app.wait_idle()
    return slack_api.wait_for("chat.postMessage", count=count)


def _texts(blocks) -> str:
    out = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        out += [e.get("text", "") for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(out)


def test_mentions_stay_live_entities_in_the_review_rewrite_and_post(running_app, slack_api):
    message = _review(running_app, slack_api)
    rewrite = next(b for b in message["blocks"] if b.get("block_id") == "review-rewrite")
    shown = rewrite["text"]["text"]
    # A channel link is live; a person is named, not notified, by a review.
    assert "<#C222>" in shown and "@W333" in shown and "<@W333>" not in shown
    assert "Like and share" not in shown  # the rules did rewrite it
    posted = _post(running_app, slack_api, message)[-1]
    sent = posted.params["text"] + _texts(posted.blocks)
    assert "<@W333>" in sent and "<#C222>" in sent
    assert "@W333" not in sent.replace("<@W333>", "")  # never dead text beside the entity


def test_a_rewrite_too_long_for_blocks_is_posted_in_the_shorter_form(running_app, slack_api):
    message = _review(running_app, slack_api)
    slack_api.fail_next("chat.postMessage", "msg_blocks_too_long")
    refused, posted = _post(running_app, slack_api, message, count=3)[1:]
    assert refused.answer["error"] == "msg_blocks_too_long"
    assert posted.answer["ok"] and not posted.params.get("blocks")
    assert "<@W333>" in posted.params["text"] and "Suggested by Social Way" in posted.params["text"]


def test_posted_blocks_stay_well_under_slacks_12000_characters():
    long = ("Our spring trail guide covers every route in the valley. " * 400).strip()
    message = kit.rewrite_post(long, asker="U1")
    block_text = sum(len(b.get("text", {}).get("text", "")) for b in message.get("blocks", []))
    assert block_text < 12_000
    assert long.split()[-1] in message["text"] or "…" in message["text"]
    short = kit.rewrite_post("Thanks <@W333>!", asker="U1", draft="Thanks <@W333>!")
    assert short["blocks"] and "Thanks &lt;@W333&gt;!" in short["blocks"][0]["text"]["text"]
    # Only people the draft mentions are mentioned: an id it never had stays text.
    other = kit.rewrite_post("Thanks @W333 and @W444!", asker="U1", draft="Thanks @W333")
    assert "<@W333>" in other["text"] and "<@W444>" not in other["text"]


# -- sections split between words ------------------------------------------------------


def test_a_posted_rewrite_is_split_between_words_not_inside_an_entity():
    rewrite = "abcd " * 599 + "abc& more *bold words* here"  # "&amp;" would straddle 3,000
    sections = [b["text"]["text"] for b in kit.rewrite_post(rewrite, asker="U1")["blocks"][:-1]]
    assert len(sections) == 2
    assert all(not BROKEN_ENTITY.search(s) for s in sections)
    assert " ".join(sections).split() == escape(rewrite).split()


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
            "post-rewrite", blocks=one_button("post-rewrite", str(review_id)), response_url=url
        )
    )
    [posted] = slack_api.wait_for("chat.postMessage")
    sections = [b["text"]["text"] for b in posted.blocks if b["type"] == "section"]
    assert len(sections) == 2
    assert not any(BROKEN_ENTITY.search(s) for s in sections)
    assert " ".join(sections).split() == escape(text).split()
    assert json.dumps(posted.params).count("&amp;") >= 1
