"""The rules rewrite (bot/review/rules/rewrite.py) fixes what it flags when it safely can, and
otherwise says so: names and acronyms keep their case, nothing inside quotes, code or
Slack entities is edited, no orphan markup, grammar repaired after a cut, and push goes
only when every fact of its sentence is push (bot/review/rules/fact_check/)."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli.render import rewrite_lines
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules import rewrite as rewrite_module
from bot.review.rules.engine import review
from bot.review.rules.fact_check import check
from tests.review.rules.few_rules import FEW_RULES

PB = PlaybookLibrary().get()


def rewrite(text: str, **kw):
    return review(text, PB, **kw).rewrite


@pytest.mark.parametrize(
    ("draft", "kept", "calmed"),
    [
        ("BIG NEWS FROM KPMG TODAY. What should we cover next?", "KPMG", "big news from"),
        ("HUGE SALE AT THE UPS STORE this week. Which mug?", "UPS Store", "huge sale at the"),
        ("We spoke with AARADHY SINGH and it was SO GOOD. Join us?", "Aaradhy Singh", "so good"),
    ],
)
def test_calming_shouting_keeps_names_and_acronyms(draft, kept, calmed):
    text = rewrite(draft).text
    assert kept in text
    assert calmed in text.lower() and calmed.upper() not in text


def test_nothing_inside_quotes_or_code_is_edited():
    draft = "The customer said “your app is BROKEN!!” and we fixed it. Run `BUY NOW` to test."
    rw = rewrite(draft)
    assert "“your app is BROKEN!!”" in rw.text and "`BUY NOW`" in rw.text
    assert any("inside a quotation, code or a Slack link" in c for c in rw.changes)


def test_slack_entities_and_codes_are_never_edited():
    draft = "Thanks <@W333>! Use code SAVE40 in <#C222|deals>. What will you pick?"
    rw = rewrite(draft)
    for kept in ("<@W333>", "SAVE40", "<#C222|deals>"):
        assert kept in rw.text


def test_a_passage_long_finding_never_takes_a_sentence_with_it():
    rw = rewrite("Mr. Kentucky Fried Chicken. #TBT http://t.co/ykPITdqegL", platform="x")
    assert rw.text.startswith("Mr. Kentucky Fried Chicken.")


def test_a_removal_takes_its_markup_along_and_leaves_no_orphan():
    rw = rewrite("Great mugs are in. *Buy now!* Which colour do you like?")
    assert rw.text == "Great mugs are in. Which colour do you like?"


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (
            "Meet our new planner, an industry-leading tool. Which page do you use most?",
            "Meet our new planner, a tool. Which page do you use most?",
        ),
        (
            "Our new mugs are here and act now! Which colour do you like?",
            "Our new mugs are here! Which colour do you like?",
        ),
        (
            "We love our community, so like and share! What should we make next?",
            "We love our community! What should we make next?",
        ),
        (
            "It is an amazing, best-in-class product. What do you think?",
            "It is an amazing product. What do you think?",
        ),
    ],
)
def test_grammar_is_repaired_after_a_cut(draft, expected):
    assert rewrite(draft).text == expected


def test_an_order_leading_a_clause_goes_with_it_and_the_link_stays():
    draft = "The silky creme is here. Shop now to strengthen and hydrate your skin: https://t.co/x"
    rw = rewrite(draft)
    assert rw.text == "The silky creme is here. https://t.co/x"
    assert rw.facts_kept


def test_a_sentence_of_bait_goes_whole_even_without_a_swap():
    rw = rewrite("What’s one product you can’t live without? Comment below! 💙")
    assert rw.text == "What’s one product you can’t live without? 💙"


def test_a_bait_sentence_with_a_phone_number_stays():
    # "Call now on …" is an order, but the number is a fact, not push: it can't go.
    draft = "You may claim your phone upgrade. Call now on 0207 153 9153. Offer ends 26th July."
    rw = rewrite(draft)
    assert "0207 153 9153" in rw.text
    assert check(draft, rw.text, review(draft, PB).findings, PB).missing == ()


def test_push_in_a_removed_sentence_is_said_to_have_gone_on_purpose():
    draft = "Our new mugs are in. Tag 3 friends and share this post to win!"
    rw = rewrite(draft)
    assert rw.text == "Our new mugs are in."
    assert any("its 3 went with it on purpose" in c for c in rw.changes)
    assert rw.facts_dropped == ("3",)
    checked = check(draft, rw.text, review(draft, PB).findings, PB)
    assert checked.ok and [i.text for i in checked.dropped] == ["3"]


def test_when_the_rules_cant_rewrite_it_they_say_so_and_list_what_to_change():
    draft = "Read <https://example.com/blog|our launch story> and tag 3 friends!"
    r = review(draft, PB)
    assert r.rewrite.text.split() == draft.split()  # nothing safe to change
    lines = rewrite_lines(r, draft, lambda text, _style: text)
    assert lines[0] == "Rewrite: none — the rules can't rewrite this safely."
    assert lines[1] == "What to change:" and lines[2].strip().startswith("• left")


def test_an_ai_rewrite_that_changed_nothing_is_not_called_a_rules_failure():
    from dataclasses import replace

    from bot.review.core.model import Rewrite

    draft = "Our trail guide is up. Which route should we add next?"
    r = replace(
        review(draft, PB),
        engine="llm",
        rewrite=Rewrite(text=draft, changes=("smoothed the wording",)),
    )
    assert rewrite_lines(r, draft, lambda text, _style: text) == ["Rewrite: nothing to change."]


def test_a_reply_the_rules_cant_edit_lists_the_warnings_it_leaves():
    # No words to swap or drop, yet a warning a person should act on: it is listed.
    # (A stock line to a complaint: no thanks, no acknowledgement, nothing from the comment.)
    draft = "@115719 How can we help? ^HSB"
    r = review(draft, PB, in_reply_to="@Ask_Spectrum my internet is down again")
    left = [f.rule for f in r.findings if f.severity in ("warning", "problem")]
    assert left == ["reply-no-thanks", "reply-no-acknowledgement", "stock-reply"]
    lines = rewrite_lines(r, draft, lambda text, _style: text)
    assert lines[0] == "Rewrite: none — the rules can't rewrite this safely."
    assert len([line for line in lines if line.strip().startswith("• left ")]) == len(left)
    assert lines[2].strip().startswith("• left it for you: ")


# ---- a rewrite that changes nothing still says what to do ------------------------------------


def test_unchanged_rewrite_names_what_it_left():
    draft = "Tickets for the fair are on sale. Grab yours today at https://example.com/fair!"
    r = review(draft, FEW_RULES)
    assert r.rewrite.text == draft
    assert r.rewrite.changes == (
        "left “Grab yours today” for you: Say what the reader gets, then leave the link.",
    )
    r = review("Order yours here: https://shop.example.com/planners", FEW_RULES)
    assert r.rewrite.changes[0].startswith("left “Order yours” for you:")
    # Warnings too, when the draft comes back unchanged.
    r = review("Tag a friend who needs a coffee today ☕ We're open till 6.", FEW_RULES)
    assert r.rewrite.changes == (
        "left “Tag a friend who” for you: Ask a real question instead of asking for likes.",
    )


# ---- shortcuts answer as the plain code ------------------------------------------------------

EDITED_PIECES = st.sampled_from(
    ["Like and share!", "Tag 3 friends.", "ONLY 3 LEFT", "Buy now", " at 5 pm", " $1,299",
     "#sale #deal #win #free #love #new", " https://acme.com", " March 5", "BIG NEWS", " ",
     ". ", "!!!", "\n", "Comment below", " 10,000 likes", " @bob", " We ", "our ", "you",
     " Acme", "2 BILLION", " today", "5", "?", "Order today:", "<@U1>", "“quoted 5”",
     " act now ", " ACT NOW ", " 5 ", "March", " 2024", " shop now ", "usd", " of "]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITED_PIECES, max_size=16).map("".join))
def test_the_fact_check_shortcut_answers_as_a_full_extraction(draft):
    """rules_rewrite skips extracting the rewrite's facts when fact_check.surely_kept says
    they are all there: the rewrite is the same as with a full extraction every time."""
    fast = review(draft, PB).rewrite
    with mock.patch.object(rewrite_module, "surely_kept", lambda *_: False):
        assert review(draft, PB).rewrite == fast
