"""Talking to Social Way over real signed HTTP: a DM draft, follow-ups in its thread, the
assistant panel, and follow-ups in a mention's thread — answers read at the fake Slack."""

from __future__ import annotations

import json
import re

from bot.review.rules.fact_check import check_facts
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, BOB, BOT_USER_ID, DRAFTS

DRAFT = (
    "BUY NOW!!! Our really amazing planner is 20% off at https://shop.example.com today "
    "only. Don't miss out, only 3 left!"
)
V2 = "Our planner is 20% off at https://shop.example.com today. What would you plan first with it?"
DM = sr.dm_channel(ALICE)


def unknown_markup(slack_api) -> list[str]:
    """Every `<…>` sent that Slack would read as a control sequence it doesn't know."""
    known = re.compile(r"<(?:[@#][A-Z0-9]+|!\w[^>]*|(?:https?://|mailto:)[^>]*)(?:\|[^>]*)?>")
    found = [m for c in slack_api.calls() for m in re.findall(r"<[^<>]*>", c.text)]
    return [m for m in found if not known.fullmatch(m)]


def posts(slack_api, channel=None):
    return [
        c
        for c in slack_api.calls("chat.postMessage", ok=True)
        if channel is None or c.params["channel"] == channel
    ]


def talk(running_app, slack_api, event, count):
    """Deliver `event`, wait until the app has made `count` posts in all; the last post."""
    assert running_app.send(sr.event_callback(event)).status == 200
    slack_api.wait_for("chat.postMessage", count=count)
    running_app.wait_idle()
    return posts(slack_api)[count - 1]


def test_a_dm_draft_gets_one_review_in_its_thread(running_app, slack_api):
    event = sr.dm_message(DRAFT)
    reply = talk(running_app, slack_api, event, 1)
    assert (reply.params["channel"], reply.params["thread_ts"]) == (DM, event["ts"])
    assert "BUY NOW" in reply.text and "Reads like an ad" in reply.text
    assert "shorter" in reply.text  # says what can be asked next
    slack_api.settle()
    assert len(posts(slack_api)) == 1
    assert not slack_api.calls("chat.postEphemeral")
    assert all(c.params["channel"] == DM for c in slack_api.calls("chat.postMessage"))
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert (row["surface"], row["visibility"], row["channel_id"]) == ("dm", "personal", DM)
    actions = next(b for b in reply.blocks if b["type"] == "actions")["elements"]
    assert {e["action_id"] for e in actions} == {"feedback-helpful", "feedback-not-helpful"}


def test_shorter_in_the_thread_keeps_every_fact(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    reply = talk(running_app, slack_api, sr.dm_message("shorter", thread_ts=first["ts"]), 2)
    assert reply.params["thread_ts"] == first["ts"]
    assert "A shorter version" in reply.text
    quoted = next(b for b in reply.blocks if b.get("block_id") == "conversation-rewrite")
    text = "\n".join(
        line.removeprefix("> ") for line in quoted["text"]["text"].split("\n")[1:]
    ).replace("&amp;", "&")
    assert len(text) < len(DRAFT)
    for fact in ("20%", "https://shop.example.com", "today", "planner"):
        assert fact in text
    # "only 3 left" is push, not a fact: it goes on purpose, and the answer says so
    assert check_facts(DRAFT, text) == ["3"] and "on purpose" in reply.text
    assert "BUY NOW" not in text and "really" not in text
    assert "Kept every fact" in reply.text


def test_a_second_version_says_what_moved(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    reply = talk(running_app, slack_api, sr.dm_message(V2, thread_ts=first["ts"]), 2)
    header = next(b for b in reply.blocks if b.get("block_id") == "review-header")
    line = header["text"]["text"]
    assert "→" in line and "gone" in line
    assert "hard-sell call to action" in line.lower()
    rows = list(running_app.app.deps.store.db["reviews"].rows)
    before, after = rows[0]["human_score"], rows[1]["human_score"]
    assert f"{before} → {after}" in line and after > before


def test_why_names_the_rules_why_and_its_examples(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    reply = talk(running_app, slack_api, sr.dm_message("why hard-sell?", thread_ts=first["ts"]), 2)
    playbook = running_app.app.deps.playbooks.get(None)
    rule = playbook.rule("hard-sell")
    assert rule.why.strip() in reply.text
    assert "“BUY NOW”" in reply.text  # the words it flagged in this draft
    assert "✗ flagged" in reply.text and "✓ fine" in reply.text


def test_a_retried_delivery_gets_one_answer(running_app, slack_api):
    delivery = sr.event_callback(sr.dm_message(DRAFT))
    assert running_app.send(delivery).status == 200
    assert running_app.send(delivery, retry_num=1, retry_reason="http_timeout").status == 200
    slack_api.wait_for("chat.postMessage")
    running_app.wait_idle()
    slack_api.settle(quiet=0.5)
    assert len(posts(slack_api)) == 1


def test_the_bots_own_messages_edits_and_joins_get_no_answer(running_app, slack_api):
    own = sr.own_dm_message("Reads like an ad · 28/100")
    edited = sr.message_changed(sr.dm_message(DRAFT), "BUY NOW!!!")
    edited["channel"], edited["channel_type"] = DM, "im"
    titled = sr.assistant_title_changed(thread_ts=own["ts"], title="BUY NOW!!!")
    other_bot = {**sr.bot_message("BUY NOW!!!", channel=DM), "channel_type": "im"}
    mine = sr.own_dm_message("A version", thread_ts=own["ts"])
    for event in (own, edited, titled, other_bot, mine):
        assert running_app.send(sr.event_callback(event)).status == 200
    running_app.wait_idle()
    slack_api.settle(quiet=0.3)
    assert posts(slack_api) == []


def test_a_dm_never_posts_in_a_channel(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    asks = ["for LinkedIn", "ignore urgency", "help", "what's the weather?", "warmer"]
    for n, text in enumerate(asks):
        talk(running_app, slack_api, sr.dm_message(text, thread_ts=first["ts"]), n + 2)
    slack_api.settle()
    assert unknown_markup(slack_api) == []  # "<rule>" in our help would vanish in Slack
    assert {c.params["channel"] for c in slack_api.calls("chat.postMessage")} == {DM}
    assert not slack_api.calls("chat.postEphemeral")
    assert slack_api.ping_problems() == []


def test_a_top_level_request_in_the_dm_applies_to_the_latest_draft(running_app, slack_api):
    talk(running_app, slack_api, sr.dm_message(DRAFT), 1)
    request = sr.dm_message(f"<@{BOT_USER_ID}> for x")  # a mention of the bot is not words
    reply = talk(running_app, slack_api, request, 2)
    assert reply.params["thread_ts"] == request["ts"]
    assert "For X" in reply.text


def test_without_an_ai_engine_a_warmer_version_says_so_plainly(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    reply = talk(running_app, slack_api, sr.dm_message("warmer", thread_ts=first["ts"]), 2)
    assert "needs the AI engine" in reply.text and "shorter" in reply.text


def test_something_unrelated_gets_a_friendly_line(running_app, slack_api):
    question = sr.dm_message("what's the weather?")
    reply = talk(running_app, slack_api, question, 1)
    assert "I review brand posts" in reply.text
    assert not list(running_app.app.deps.store.db["reviews"].rows)


# -- the assistant panel ----------------------------------------------------------------


def test_a_new_assistant_thread_gets_a_greeting_and_suggested_prompts(running_app, slack_api):
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    greeting = talk(running_app, slack_api, started, 1)
    assert (greeting.params["channel"], greeting.params["thread_ts"]) == (DM, thread_ts)
    assert "Paste a draft" in greeting.text
    [prompts] = slack_api.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts.ok
    titles = [p["title"] for p in prompts.params["prompts"]]
    assert titles == ["Review a draft", "Check a reply to a customer", "Make my last draft warmer"]


def test_an_assistant_message_sets_status_and_title_then_answers(running_app, slack_api):
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    talk(running_app, slack_api, started, 1)
    reply = talk(running_app, slack_api, sr.dm_message(DRAFT, thread_ts=thread_ts), 2)
    assert reply.params["thread_ts"] == thread_ts and "BUY NOW" in reply.text
    [status] = slack_api.calls("assistant.threads.setStatus")
    [title] = slack_api.calls("assistant.threads.setTitle")
    assert status.ok and title.ok and status.at < reply.at
    assert title.params["title"].startswith("BUY NOW!!! Our really amazing planner")


def test_the_channel_in_view_picks_the_muted_rules(running_app, slack_api):
    running_app.app.deps.store.mute_rule(DRAFTS, "hard-sell", user_id=BOB)
    started = sr.assistant_thread_started(in_view=DRAFTS)
    thread_ts = started["assistant_thread"]["thread_ts"]
    talk(running_app, slack_api, started, 1)
    talk(running_app, slack_api, sr.dm_message(DRAFT, thread_ts=thread_ts), 2)
    moved = sr.assistant_thread_context_changed(thread_ts=thread_ts, in_view="C0OTHER")
    assert running_app.send(sr.event_callback(moved)).status == 200
    running_app.wait_idle()
    talk(running_app, slack_api, sr.dm_message(DRAFT + " ", thread_ts=thread_ts), 3)
    first, second = list(running_app.app.deps.store.db["reviews"].rows)
    assert "hard-sell" not in first["rules"] and "hard-sell" in second["rules"]
    assert first["channel_id"] == DM  # kept as the DM's, never the channel's


def test_assistant_reviews_never_reach_a_channel_digest(running_app, slack_api):
    store = running_app.app.deps.store
    started = sr.assistant_thread_started(in_view=DRAFTS)
    thread_ts = started["assistant_thread"]["thread_ts"]
    talk(running_app, slack_api, started, 1)
    talk(running_app, slack_api, sr.dm_message(DRAFT, thread_ts=thread_ts), 2)
    talk(running_app, slack_api, sr.dm_message(DRAFT + "!"), 3)
    now = store.clock()
    for channel in (DRAFTS, DM):
        assert store.channel_scores(channel, 0, now + 1) == []
        assert store.askers(channel, 0, now + 1) == []


# -- a mention's thread -------------------------------------------------------------------


def test_the_asker_can_follow_up_in_a_mention_thread(running_app, slack_api):
    mention = sr.app_mention(DRAFT)
    talk(running_app, slack_api, mention, 1)
    follow = sr.human_message(V2, thread_ts=mention["ts"])
    reply = talk(running_app, slack_api, follow, 2)
    assert (reply.params["channel"], reply.params["thread_ts"]) == (DRAFTS, mention["ts"])
    assert "→" in reply.text


def test_others_and_small_talk_in_a_mention_thread_are_left_alone(running_app, slack_api):
    mention = sr.app_mention(DRAFT)
    talk(running_app, slack_api, mention, 1)
    for event in (
        sr.human_message("shorter", user=BOB, thread_ts=mention["ts"]),
        sr.human_message("thanks!", thread_ts=mention["ts"]),
        sr.human_message("Lunch at noon, anyone?", thread_ts=mention["ts"]),
    ):
        assert running_app.send(sr.event_callback(event)).status == 200
    running_app.wait_idle()
    slack_api.settle(quiet=0.3)
    assert len(posts(slack_api)) == 1


# -- memory: the Home tab ---------------------------------------------------------------


def test_the_home_tab_lists_recent_conversations(running_app, slack_api):
    talk(running_app, slack_api, sr.dm_message(DRAFT), 1)
    talk(running_app, slack_api, sr.dm_message("for linkedin"), 2)  # same draft, new thread
    opened = {"type": "app_home_opened", "user": ALICE, "channel": DM, "tab": "home"}
    running_app.send(sr.event_callback({**opened, "event_ts": sr.new_ts()}))
    [published] = slack_api.wait_for("views.publish")
    shown = [b for b in published.blocks if b.get("block_id") == "home-conversations"]
    assert shown and "a direct message" in shown[0]["text"]["text"]
    assert shown[0]["text"]["text"].count("BUY NOW!!! Our really amazing") == 1
    assert "direct message" in published.text  # how to use it mentions DMs


def test_after_retention_the_conversation_forgets_the_draft(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    running_app.app.deps.store.purge(0)  # DRAFT_RETENTION_DAYS reached for everything
    reply = talk(running_app, slack_api, sr.dm_message("shorter", thread_ts=first["ts"]), 2)
    assert "Paste a draft first" in reply.text
    assert DRAFT not in reply.text


def test_a_reply_to_a_customer_is_checked_against_their_comment(running_app, slack_api):
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    talk(running_app, slack_api, started, 1)
    steps = [
        ("Check a reply to a customer", "as a reply to:"),
        ("as a reply to: Third time this month your app ate my draft. Ridiculous.", "Got the"),
        ("We apologize for any inconvenience. Per our policy, drafts are kept 24 hours.", "/100"),
    ]
    for n, (text, expected) in enumerate(steps):
        reply = talk(running_app, slack_api, sr.dm_message(text, thread_ts=thread_ts), n + 2)
        assert expected in reply.text
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert {"reply-no-thanks", "reply-no-acknowledgement"} <= set(json.loads(row["rules"]))


def test_a_draft_that_starts_like_a_request_is_still_reviewed(running_app, slack_api):
    reply = talk(running_app, slack_api, sr.dm_message("Why wait? Our sale ends Friday."), 1)
    assert "/100" in reply.text
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert row["draft"] == "Why wait? Our sale ends Friday."


def test_help_says_you_can_dm_it(running_app, slack_api):
    url = running_app.response_url("help")
    running_app.send(sr.slash_command("help", response_url=url))
    [answer] = slack_api.wait_for_response(response_id="help")
    assert "direct message" in answer.text and "shorter" in answer.text


def test_why_about_words_nothing_flagged_says_so(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    reply = talk(running_app, slack_api, sr.dm_message("why “planner”?", thread_ts=first["ts"]), 2)
    assert "Nothing flagged “planner”" in reply.text and "hard-sell" in reply.text


def test_another_playbook_rereviews_the_draft(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    ask = sr.dm_message("use the warm-support playbook", thread_ts=first["ts"])
    reply = talk(running_app, slack_api, ask, 2)
    assert "With " in reply.text and "→" in reply.text
    first_row, second_row = running_app.app.deps.store.db["reviews"].rows
    assert (first_row["playbook"], second_row["playbook"]) == (
        "rules-of-engagement",
        "warm-support",
    )


def test_ignore_a_rule_for_this_conversation_and_a_platform(running_app, slack_api):
    first = sr.dm_message(DRAFT)
    talk(running_app, slack_api, first, 1)
    ignored = talk(
        running_app, slack_api, sr.dm_message("ignore urgency", thread_ts=first["ts"]), 2
    )
    assert "Urgency and scarcity" in ignored.text and "→" in ignored.text
    linkedin = talk(running_app, slack_api, sr.dm_message("for LinkedIn", thread_ts=first["ts"]), 3)
    assert "For LinkedIn" in linkedin.text
    rows = list(running_app.app.deps.store.db["reviews"].rows)
    assert "urgency" in rows[0]["rules"] and "urgency" not in rows[1]["rules"]
    assert rows[1]["platform"] == "linkedin"
    assert running_app.app.deps.store.channel_settings(DM).muted_rules == ()  # not the DM's


def test_a_refused_status_or_title_never_stops_the_answer(running_app, slack_api):
    slack_api.fail_next("assistant.threads.setStatus", "not_allowed_token_type")
    slack_api.server_error_next("assistant.threads.setTitle", times=5)
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    talk(running_app, slack_api, started, 1)
    reply = talk(running_app, slack_api, sr.dm_message(DRAFT, thread_ts=thread_ts), 2)
    assert "BUY NOW" in reply.text and reply.params["thread_ts"] == thread_ts


def test_a_rate_limited_answer_is_waited_out_and_sent_once(running_app, slack_api):
    slack_api.rate_limit_next("chat.postMessage", retry_after=1)
    event = sr.dm_message(DRAFT)
    assert running_app.send(sr.event_callback(event)).status == 200
    refused, sent = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
    running_app.wait_idle()
    assert (refused.status, sent.status) == (429, 200)
    assert len(posts(slack_api)) == 1 and sent.params["thread_ts"] == event["ts"]


def test_slack_markup_in_a_dm_draft_never_pings_anyone(running_app, slack_api):
    first = sr.dm_message("<!channel> BUY NOW!!! <@U0BOB> says it's 20% off today only")
    talk(running_app, slack_api, first, 1)
    for n, text in enumerate(["shorter", "why <!here>?", "ignore <!channel>"]):
        talk(running_app, slack_api, sr.dm_message(text, thread_ts=first["ts"]), n + 2)
    assert slack_api.ping_problems() == []
