"""Reading follow-up messages without an AI, and what Social Way says back (pure)."""

from __future__ import annotations

import pytest

from bot.review.conversation import (
    Conversation,
    Intent,
    find_rule,
    same_draft,
    understand,
    what_moved,
    why_answer,
)
from bot.review.llm.prompts import load_prompts
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review

PLAYBOOK = PlaybookLibrary().get(None)
V1 = "BUY NOW!!! Only 3 left. Our planner is 20% off at https://shop.example.com today."
V2 = "Our planner is 20% off at https://shop.example.com today. What would you plan first?"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("shorter", Intent("tone", "shorter")),
        ("Shorter please", Intent("tone", "shorter")),
        ("make it warmer", Intent("tone", "warmer")),
        ("Make my last draft warmer", Intent("tone", "warmer")),
        ("a bit more formal", Intent("tone", "more formal")),
        ("more playful!", Intent("tone", "more playful")),
        ("for X", Intent("platform", "x")),
        ("now for LinkedIn", Intent("platform", "linkedin")),
        ("on Instagram", Intent("platform", "instagram")),
        ("twitter", Intent("platform", "x")),
        ("as a reply to: You lost my order!", Intent("reply_to", "You lost my order!")),
        ("reply to: where is my refund?", Intent("reply_to", "where is my refund?")),
        ("why hard-sell?", Intent("why", "hard-sell")),
        ("Why “Only 3 left”?", Intent("why", "Only 3 left")),
        ("why is that pushy?", Intent("why", "is that pushy")),
        ("ignore urgency", Intent("ignore", "urgency")),
        ("don't flag hashtags here", Intent("ignore", "hashtags")),
        ("start over", Intent("start_over")),
        ("use the warm-support playbook", Intent("playbook", "warm-support")),
        ("playbook: warm-support", Intent("playbook", "warm-support")),
        ("Use code PLAN20 at checkout", Intent("draft", "Use code PLAN20 at checkout")),
        ("help", Intent("help")),
        ("thanks!", Intent("thanks")),
        ("Review a draft", Intent("ask_draft")),
        ("Check a reply to a customer", Intent("ask_reply")),
        ("review it", Intent("review_pending")),
        ("what's the weather?", Intent("unrelated", "what's the weather?")),
        ("tell me a joke", Intent("unrelated", "tell me a joke")),
        (
            "less salesy but keep the discount code",
            Intent("freeform", "less salesy but keep the discount code"),
        ),
        (
            "keep the link but drop the emoji",
            Intent("freeform", "keep the link but drop the emoji"),
        ),
        (V1, Intent("draft", V1)),
        ("Try our new planner today!", Intent("draft", "Try our new planner today!")),
        (
            "Keep calm and plan on: 20% off at https://x.co",
            Intent("draft", "Keep calm and plan on: 20% off at https://x.co"),
        ),
    ],
)
def test_understand(text, intent):
    assert understand(text, has_draft=True) == intent


SHIPPED_TONES = tuple(load_prompts().tones)  # what the "Another tone" menu lists


@pytest.mark.parametrize("tone", SHIPPED_TONES)
def test_every_tone_the_menu_lists_is_understood_by_its_name(tone):
    for said in (tone, f"make it {tone} please", f"a bit {tone}"):
        assert understand(said, has_draft=True, tones=SHIPPED_TONES) == Intent("tone", tone)


@pytest.mark.parametrize(
    ("text", "tone"),
    [("friendlier", "warmer"), ("more professional", "more formal"), ("funnier", "more playful"),
     ("cut it down", "shorter"), ("formal", "more formal"), ("playful", "more playful")],
)  # fmt: skip
def test_the_shipped_phrasings_still_name_their_tone(text, tone):
    for tones in ((), SHIPPED_TONES):
        assert understand(text, has_draft=True, tones=tones) == Intent("tone", tone)


def test_a_tone_a_team_adds_is_understood_by_its_name_and_more_x_also_as_x():
    tones = (*SHIPPED_TONES, "bolder", "more direct")
    assert understand("bolder", has_draft=True, tones=tones) == Intent("tone", "bolder")
    assert understand("Make it bolder!", has_draft=True, tones=tones) == Intent("tone", "bolder")
    assert understand("a bit more direct", has_draft=True, tones=tones) == Intent(
        "tone", "more direct"
    )
    assert understand("make it direct", has_draft=True, tones=tones) == Intent(
        "tone", "more direct"
    )
    assert understand("bolder", has_draft=True).kind == "draft"  # not offered: not a tone


def test_a_tone_a_team_removed_is_not_named_by_its_other_words():
    tones = tuple(t for t in SHIPPED_TONES if t != "more playful")
    assert understand("funnier", has_draft=True, tones=tones).kind != "tone"
    # Asked in words, it is still a request the AI can follow.
    said = "make it funnier please"
    assert understand(said, has_draft=True, tones=tones) == Intent("freeform", said)
    assert understand("friendlier", has_draft=True, tones=tones) == Intent("tone", "warmer")


def test_a_long_text_starting_with_why_is_a_draft_not_a_question():
    draft = (
        "Why do we plan? Because a week with a plan is a week you can enjoy. Our planner is "
        "20% off today: https://shop.example.com. What's the first thing you'd plan?"
    )
    assert understand(draft, has_draft=False).kind == "draft"


def test_what_moved_names_what_went_and_what_stayed():
    old, new = review(V1, PLAYBOOK), review(V2, PLAYBOOK)
    line = what_moved(old, new)
    assert line.startswith(f"{old.human_score} → {new.human_score}: ")
    assert "hard-sell call to action" in line and "urgency and scarcity" in line
    assert "gone" in line and "still" not in line


def test_what_moved_says_what_is_still_there():
    still = "Our planner is 20% off at https://shop.example.com today. Only 3 left."
    line = what_moved(review(V1, PLAYBOOK), review(still, PLAYBOOK))
    assert "still: urgency and scarcity" in line


@pytest.mark.parametrize(
    ("query", "rule"),
    [("hard-sell", "hard-sell"), ("hard sell", "hard-sell"), ("Urgency and scarcity", "urgency"),
     ("Only 3 left", "urgency"), ("is that pushy", "hard-sell"), ("", "hard-sell")],
)  # fmt: skip
def test_find_rule_by_id_title_quote_or_the_heaviest_finding(query, rule):
    assert find_rule(PLAYBOOK, query, review(V1, PLAYBOOK)).id == rule


def test_find_rule_gives_up_on_words_it_cannot_place():
    assert find_rule(PLAYBOOK, "the colour of the logo", review(V1, PLAYBOOK)) is None


def test_why_answer_gives_the_why_the_principle_the_words_and_examples():
    rule = PLAYBOOK.rule("hard-sell")
    text = why_answer(PLAYBOOK, rule, review(V1, PLAYBOOK))
    assert (rule.why in text and "Add value" in text.title()) or "add value" in text
    assert "“BUY NOW”" in text
    assert f"✗ flagged: “{' '.join(rule.fail[0].text.split())[:160]}”" in text
    assert "✓ fine:" in text


def test_same_draft_tells_a_version_from_a_new_text():
    assert same_draft(V1, V2)
    assert not same_draft(V1, "Lunch at noon, anyone?")


def test_conversation_state_round_trips_and_starts_over():
    convo = Conversation(draft=V1, platform="x", ignored=("urgency",), context_channel="C1")
    assert Conversation.from_dict(convo.to_dict()) == convo
    assert Conversation.from_dict({**convo.to_dict(), "unknown": 1}) == convo
    assert convo.fresh() == Conversation(context_channel="C1")


def test_a_long_text_is_a_draft_whatever_it_starts_with():
    long = "shorter " + "and then some more words " * 20
    assert understand(long, has_draft=True).kind == "draft"
    comment = "as a reply to: " + "it broke again " * 40
    assert understand(comment, has_draft=True).kind == "reply_to"
