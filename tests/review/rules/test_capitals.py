"""ALL-CAPS words (bot/review/rules/metrics/capitals.py and the caps_words metric): the
shouting quote is the very run the rewrite calms, acronyms break a run, and calming keeps
the capitals of weekdays, months and product names (and the date it touches)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules.engine import review
from bot.review.rules.metrics.capitals import _ONSETS, _SHORT_WORDS, _acronym
from tests.review.rules.few_rules import FEW_RULES, quotes

# ---- calming keeps the capital of weekdays, months and product names -------------------------


def test_calm_keeps_weekday_and_month_capitals_and_the_date_it_touches():
    r = review("BIG NEWS! Our SPRING SALE starts MONDAY 3 MARCH at 9AM.", FEW_RULES)
    assert r.rewrite.text == "Big news! Our spring sale starts Monday 3 March at 9AM."
    assert "“MARCH” → “March”" in r.rewrite.changes
    assert not any(c.startswith("kept") for c in r.rewrite.changes)  # the date is kept
    assert r.rewrite.facts_kept
    r = review("DOORS OPEN at 7pm on FRIDAY for the quiz night.", FEW_RULES)
    assert r.rewrite.text == "Doors open at 7pm on Friday for the quiz night."


def test_calm_leaves_may_the_verb_lower_case_but_not_the_month():
    assert review("YOU MAY WIN a hamper.", FEW_RULES).rewrite.text == "You may win a hamper."
    r = review("DOORS OPEN on 3 MAY at noon.", FEW_RULES)
    assert r.rewrite.text == "Doors open on 3 May at noon."


def test_calm_title_cases_a_product_name():
    r = review("Meet ZOOM MINI, the smallest speaker we've made. What would you play?", FEW_RULES)
    assert r.rewrite.text.startswith("Meet Zoom Mini, the smallest speaker")
    # A run the draft also writes in Title Case (not at a sentence start) is a name too.
    r = review("BIG NEWS: the GLOW LAMP is back. Our Glow Lamp dims itself.", FEW_RULES)
    assert r.rewrite.text == "Big news: the Glow Lamp is back. Our Glow Lamp dims itself."
    # Otherwise the words go lower case: "SALE" at a sentence start elsewhere is no name.
    r = review("Sale prices all week. HUGE SALE on now.", FEW_RULES)
    assert "huge sale" in r.rewrite.text.lower() and "Huge Sale" not in r.rewrite.text


# ---- the shouting quote is the run the rewrite calms -----------------------------------------


@pytest.mark.parametrize(
    "draft, run, calm",
    [
        ("HUGE SALE this weekend, come along.", "HUGE SALE", "Huge sale"),
        ("BIG NEWS: we open on the 4th.", "BIG NEWS", "Big news"),
        ("GIVEAWAY TIME 🎉 Winner picked on the 5th.", "GIVEAWAY TIME", "Giveaway time"),
        ("We are SO grateful. THANK YOU for coming.", "THANK YOU", "Thank you"),
        ("WE'RE HIRING! Come work with us.", "WE'RE HIRING", "We're hiring"),
    ],
)
def test_shouting_quotes_the_whole_run_the_rewrite_calms(draft, run, calm):
    r = review(draft, FEW_RULES)
    (finding,) = [f for f in r.findings if f.rule == "shouting" and f.quote[0] != "!"]
    assert finding.quote == run == draft[finding.start : finding.end]
    assert f"“{run}” → “{calm}”" in r.rewrite.changes


def test_shouting_still_lets_the_first_word_be_and_stops_at_acronyms():
    assert quotes(review("Our NEW range is in.", FEW_RULES), "shouting") == []
    r = review("The BBC liked our NEW range, a HUGE hit.", FEW_RULES)
    assert quotes(r, "shouting") == ["HUGE"]
    assert r.rewrite.text == "The BBC liked our NEW range, a huge hit."


# ---- _acronym's shortcuts read the word as its plain definition does ---------------------


def _plain_acronym(word: str) -> bool:
    letters = "".join(ch for ch in word if ch.isalpha())
    if len(letters) < 2 or not letters.isupper():
        return False
    vowels = set("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")
    if not vowels & set(letters):
        return True
    if len(letters) > 3 and not vowels & set(letters[:3]) and not letters.startswith(_ONSETS):
        return True
    return len(letters) <= 3 and letters not in _SHORT_WORDS


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="ABCHMNPRSTUVXYÉÖa'’-&9", max_size=7))
def test_acronym_is_its_plain_definition(word):
    assert _acronym(word) == _plain_acronym(word)
