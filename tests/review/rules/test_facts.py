"""Facts a rewrite must keep, the fact check, and the rules rewrite itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookLibrary, load_playbook
from bot.review.rules.engine import review
from bot.review.rules.fact_check import (
    check_facts,
    extract,
    facts,
    missing_facts,
    missing_names,
    names,
    rewrite_facts,
    surely_kept,
)
from bot.review.rules.fact_check.piecewise import _CUT  # the property behind rewrite_facts
from tests.paths import FIXTURES

FIXTURES = FIXTURES / "playbooks"


@pytest.fixture(scope="module")
def pb():
    return load_playbook(FIXTURES / "basic.yml")


def kinds(text):
    found = facts(text)
    for f in found:
        assert text[f.start : f.end] == f.text
    return [(f.kind, f.text, f.value) for f in found]


def test_urls_lose_trailing_punctuation_but_keep_balanced_parens():
    assert kinds("see https://x.com/a.") == [("url", "https://x.com/a", "x.com/a")]
    assert kinds("(see https://x.com/a)") == [("url", "https://x.com/a", "x.com/a")]
    wiki = "https://en.wikipedia.org/wiki/Foo_(bar)"
    assert kinds(f"read {wiki}, ok?")[0][1] == wiki
    assert kinds("www.Example.com/Path!") == [("url", "www.Example.com/Path", "example.com/Path")]


def test_slack_markup():
    text = "Ping <@U123> or <@W9|sam> in <#C1|general>, see <https://y.com/b|label>, <!here>"
    assert kinds(text) == [
        ("mention", "<@U123>", "u123"),
        ("mention", "<@W9|sam>", "w9"),
        ("channel", "<#C1|general>", "c1"),
        ("url", "<https://y.com/b|label>", "y.com/b"),
        ("special", "<!here>", "here"),
    ]


def test_mentions_hashtags_emails():
    text = "Thanks @Sam_B! #Planner2026 rocks, mail support@example.com. Not a#tag, not &#39;"
    assert kinds(text) == [
        ("mention", "@Sam_B", "sam_b"),
        ("hashtag", "#Planner2026", "#planner2026"),
        ("email", "support@example.com", "support@example.com"),
        ("number", "39", "39"),
    ]


def test_prices_percentages_numbers():
    text = "Was $1,299.00, now €5 or 5 USD — 40% off, 3 left of 10k, £2.5m raised, 12 percent"
    assert [(k, v) for k, _, v in kinds(text)] == [
        ("price", "USD 1299"),
        ("price", "EUR 5"),
        ("price", "USD 5"),
        ("percent", "40%"),
        ("number", "3"),
        ("number", "10000"),
        ("price", "GBP 2500000"),
        ("percent", "12%"),
    ]


def test_dates_and_times():
    text = "May 21, 21 May 2026, 21/05/2026, 2026-05-21, Friday, tomorrow at 5pm, 17:30, noon"
    assert [(k, v) for k, _, v in kinds(text)] == [
        ("date", "5-21"),
        ("date", "2026-5-21"),
        ("date", "21/5/2026"),
        ("date", "2026/5/21"),
        ("date", "friday"),
        ("date", "tomorrow"),
        ("time", "17:00"),
        ("time", "17:30"),
        ("time", "12:00"),
    ]
    assert kinds("You may go") == []  # "may" alone is not a date


def test_check_facts_compares_values():
    original = "Now $1,299.00 until Friday 5pm: https://x.com/a. Ask @Sam #Planner, 40% off 3 items"
    same = (
        "From friday 17:00 it's $1299 at https://x.com/a/ — ask @sam #planner; 40 percent, 3 items"
    )
    assert check_facts(original, same) == []
    lost = "It's cheap now, ask Sam."
    assert check_facts(original, lost) == [
        "$1,299.00",
        "Friday",
        "5pm",
        "https://x.com/a",
        "@Sam",
        "#Planner",
        "40%",
        "3",
    ]
    assert check_facts("<@U123> see <https://y.com/b|label>", "@U123 https://y.com/b") == []
    assert check_facts("", "anything") == []


def test_number_kept_by_value_in_another_form():
    assert check_facts("only 3 left", "3% of stock") == []  # the 3 is still stated
    assert check_facts("10,000 likes", "10k likes") == []


# ---- the rules rewrite -------------------------------------------------------------------


def test_rewrite_removes_swaps_tidies_and_lists_changes(pb):
    r = review("Act now, only 3 left!", pb)
    assert r.rewrite.text == "Only 3 left!"
    assert r.rewrite.changes == (
        "removed “Act now”",
        "left “only 3 left” for you: Say when the offer ends, plainly.",  # it carries a fact
    )
    assert r.rewrite.facts_kept and r.rewrite.facts_missing == ()


def test_rewrite_calms_shouting_but_keeps_acronyms_and_runs(pb):
    r = review("FLASH SALE at the NASA shop today!!! Prices are 40% OFF.", pb)
    assert r.rewrite.text == "Flash sale at the NASA shop today! Prices are 40% off."
    assert "“FLASH SALE” → “Flash sale”" in r.rewrite.changes
    assert "“!!!” → “!”" in r.rewrite.changes
    assert r.rewrite.facts_kept


def test_rewrite_never_drops_a_fact(pb):
    r = review("Grab it today only at https://x.com/a", pb)
    assert "today" in r.rewrite.text  # "today only" -> "" would drop a date: skipped
    assert any(c.startswith("kept “today only”") for c in r.rewrite.changes)
    assert r.rewrite.facts_kept


def test_rewrite_trims_hashtags_to_platform_norm_and_says_so(pb):
    text = "Our planner is out https://x.com/p #planner #paper #goals #organized"
    r = review(text, pb, platform="x")
    assert r.rewrite.text == "Our planner is out https://x.com/p #planner #paper"
    assert r.rewrite.changes == ("removed hashtags #goals #organized",)
    assert r.rewrite.facts_kept  # trimmed on purpose, listed in changes


def test_inline_hashtags_keep_their_words(pb):
    r = review("Love #one #two and #three #four ideas here", pb, platform="threads")
    assert r.rewrite.text == "Love #one two and three four ideas here"


def test_rewrite_of_clean_draft_is_the_draft(pb):
    text = "What would you like us to build next?"
    r = review(text, pb)
    assert r.rewrite.text == text and r.rewrite.changes == () and r.rewrite.facts_kept


def test_swap_keeps_capital_at_sentence_start(pb):
    r = review("Leverage it. Hurry, the doors open at 9am.", pb)
    assert r.rewrite.text == "Use it. The doors open at 9am."


# ---- the incremental fact check gives exactly the slow path's answer -----------------------

# Pieces chosen to sit next to each other in every awkward way: numbers and what may follow
# them across a space, ordinals, "of", "per cent", month and day words, currency signs,
# links, handles, emails, hashtags, Slack markup, odd spaces and non-ASCII digits.
FACT_PIECES = st.sampled_from(
    ["5", "12", "2024", "1,299.00", "$", "£", "€ ", "k", "m", "bn", "usd", "dollars", "%",
     "per", "cent", "percent", "pm", "a.m.", "am", "th", "st", "of", "March", "mar.", "sept",
     "Monday", "tues", "today", "noon", ",", ".", ":", "/", "-", "30", "10:45", "3/4/24",
     "https://x.co/a(b)", "www.acme.com.", "@bob", "bo@b.co", "#tag", "#1", "<@U1>",
     "<https://x|a b>", "word", "Acme", "FREE", " ", " ", "  ", "\n", "\t", "\u00a0", "٣",
     "é", "!", "?", "5 of march", "12th of Sept, 2024", "5 per cent", "March 5th, 2024",
     "$ 5 k", "5 usd", "5 %", "5 pm", "10 a.m.", "Mon 5", "3rd Of", "PER cent", "2nd\tof",
     "1st\nmay", "22nd June", "3rd of may", "Www.x.co", "HTTPS://X.CO/Ab", "İ", "\u212a", "BILLION",
     "$5 bn", "5 BN"]
)  # fmt: skip
FACT_TEXT = st.lists(FACT_PIECES, max_size=30).map("".join)
FACT_WORDS = st.lists(FACT_PIECES, max_size=12).map(" ".join)


# A number, what stands right after it, then a word: every way its other branches go on.
NUMBERS = ["5", "12", "1,299.00", "1,000,0000", "$5", "2024"]
AFTER_NUMBERS = ["", " ", "  ", "\u00a0", "\x1c", ".", ",", "%", "-", "/", ":", "th", "\t"]
WORDS_AFTER = ["usd", "USD", "euro", "pounds", "dollar", "cad", "gbp", "aud", "percent",
               "per cent", "pm", "PM", "a.m.", "p.m.", "am", "of March", "March", "may", "Jun",
               "aug", "sep", "oct", "Nov", "dec", "Feb", "apr", "k", "K", "\u212a", "\u017f",
               "u\u017fd", "%", "friends", "likes", "x", "a", "p", "é", "٣", "!", "", "5",
               " "]  # fmt: skip


@pytest.mark.parametrize("number", NUMBERS)
def test_a_plain_number_is_what_the_whole_numeric_regex_finds(number):
    _slack, number_start, numeric, _word_date = extract._scans()
    for after in AFTER_NUMBERS:
        for word in WORDS_AFTER:
            text = number + after + word
            for m in number_start.finditer(text):
                plain = extract._plain_number(text, m.start())
                if plain is not None:
                    n = numeric.match(text, m.start())
                    assert (n.lastgroup, n.group()) == ("number", plain), text


def _fact_tuples(found):
    return [(f.kind, f.value, f.start, f.end, f.text) for f in found]


@settings(max_examples=600, deadline=None)
@given(text=FACT_TEXT)
def test_facts_split_at_cuts_are_the_facts_of_the_pieces(text):
    if "<" in text:
        return  # Slack markup is never split (rewrite_facts extracts it in full)
    whole = _fact_tuples(facts(text))
    pieces = _split_at_cuts(text)
    assert pieces == whole


def _split_at_cuts(text):
    found, start = [], 0
    for m in _CUT.finditer(text):
        found += [
            (k, v, s + start, e + start, t)
            for k, v, s, e, t in _fact_tuples(facts(text[start : m.start()]))
        ]
        start = m.end()
    return found + [
        (k, v, s + start, e + start, t) for k, v, s, e, t in _fact_tuples(facts(text[start:]))
    ]


# What stands either side of a whitespace a fact may span: after a number, a currency sign,
# an ordinal, "of" or "per"; before a digit, after a month, "." or ",".
BEFORE_SPACE = ["5", "$5", "£", "12th", "3rd", "March", "mar.", "sept", "of", "per", "x!", "5,",
                "May 5,"]  # fmt: skip
AFTER_SPACE = (
    "aAbBkKmMpPdDsSuU.%5 é\u212a\u017f!"  # "\u212a" Kelvin and "\u017f" long s fold to k, s
)
SECOND = "mMnNsSdDuUrR.5 "
TAILS = ["", "d", "t 2024", ".m.", "cent", "ch 3"]


@pytest.mark.parametrize("before", BEFORE_SPACE)
def test_a_cut_beside_a_number_or_a_month_splits_no_fact(before):
    for space in (" ", "\n", "\u00a0"):
        for a in AFTER_SPACE:
            for b in SECOND:
                for tail in TAILS:
                    text = before + space + a + b + tail
                    assert _split_at_cuts(text) == _fact_tuples(facts(text)), text


@st.composite
def _original_and_rewrite(draw):
    original = draw(FACT_TEXT)
    spans = sorted(
        draw(st.lists(st.tuples(st.integers(0, len(original)), st.integers(0, 8)), max_size=4))
    )
    out, edits, pos = [], [], 0
    for s, length in spans:
        if s < pos:
            continue
        e = min(len(original), s + length)
        out.append(original[pos:s])
        out.append(draw(st.sampled_from(["", " ", "!", "5", "of", "x", ", ", "March 3"])))
        edits.append((s, e))
        pos = e
    out.append(original[pos:])
    rewrite = "".join(out)
    if draw(st.booleans()):
        rewrite = rewrite.strip()
    hint = draw(st.sampled_from(["edits", "none", "wrong"]))
    if hint == "none":
        edits = None
    elif hint == "wrong":
        edits = draw(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=3))
    return original, rewrite, edits


@settings(max_examples=800, deadline=None)
@given(case=_original_and_rewrite())
def test_rewrite_facts_equal_a_full_extraction(case):
    original, rewrite, edits = case
    found = facts(original)
    assert _fact_tuples(rewrite_facts(original, found, rewrite, edits)) == _fact_tuples(
        facts(rewrite)
    )
    slow = [f.text for f in missing_facts(found, rewrite)]
    assert [
        f.text for f in missing_facts(found, rewrite, original_text=original, edits=edits)
    ] == slow
    with_names = slow + [f.text for f in missing_names(original, rewrite, found)]
    assert check_facts(original, rewrite, original_facts=found, edits=edits) == with_names
    assert check_facts(original, rewrite) == with_names


@st.composite
def _recased(draw):
    """A draft, a rewrite of it (stretches replaced by any fact-ish pieces, maybe one
    stretch re-cased as calming capitals does, maybe stripped), and some of the draft's
    facts (a rewrite asks only about those not dropped on purpose)."""
    original = draw(st.one_of(FACT_TEXT, FACT_WORDS))
    spans = sorted(
        draw(st.lists(st.tuples(st.integers(0, len(original)), st.integers(0, 8)), max_size=4))
    )
    out, pos = [], 0
    for s, length in spans:
        if s >= pos:
            out += [original[pos:s], draw(st.lists(FACT_PIECES, max_size=3).map("".join))]
            pos = min(len(original), s + length)
    rewrite = "".join(out) + original[pos:]
    if rewrite and draw(st.booleans()):
        s = draw(st.integers(0, len(rewrite) - 1))
        e = draw(st.integers(s, len(rewrite)))
        case = draw(st.sampled_from([str.lower, str.upper]))
        rewrite = rewrite[:s] + case(rewrite[s:e]) + rewrite[e:]
    if draw(st.booleans()):
        rewrite = rewrite.strip()
    found = facts(original)
    keep = draw(st.lists(st.booleans(), min_size=len(found), max_size=len(found)))
    some = [f for f, k in zip(found, keep, strict=True) if k]
    return original, rewrite, draw(st.sampled_from([found, some]))


@settings(max_examples=1500, deadline=None)
@given(case=_recased())
def test_facts_surely_kept_are_facts_of_the_rewrite(case):
    original, rewrite, found = case
    if surely_kept(original, found, rewrite):
        have = {(f.kind, f.value) for f in facts(rewrite)}
        assert all((f.kind, f.value) in have for f in found)
        if len(found) == len(facts(original)):
            assert missing_facts(found, rewrite) == []


def test_facts_away_from_the_edits_are_surely_kept():
    original = "NEW GOAL! 3,000,000 likes at https://acme.com on March 5, 2024 at 5 pm. #sale"
    found = facts(original)
    assert surely_kept(
        original,
        found,
        "New goal! 3,000,000 likes at https://acme.com on March 5, 2024 at 5 pm. #sale",
    )
    assert not surely_kept(
        original,
        found,
        "New goal! 3,000,000 likes at https://acme.com on March 5, 2024 at 5. #sale",
    )
    assert not surely_kept(
        original, found, "New goal! 3,000,000 likes at https://acme.com on March 5, 2024 at 5 pm."
    )
    # Slack markup's label may hold spaces: a "5" between cuts inside it is no fact.
    assert not surely_kept("! 5 y", facts("! 5 y"), "<https://x|! 5 y>")
    # Only case changed ("2 BILLION" calmed): the facts are the same, but a link's path
    # keeps its case, and "Www." is no link.
    assert surely_kept("2 BILLION 5 PM", facts("2 BILLION 5 PM"), "2 billion 5 pm")
    assert not surely_kept(
        "see https://x.co/Ab", facts("see https://x.co/Ab"), "see https://x.co/ab"
    )
    assert not surely_kept("go www.x.co now", facts("go www.x.co now"), "go Www.x.co now")


def test_rewrite_facts_reuse_the_unchanged_text():
    original = (
        "Visit https://acme.com now!!! Only 3 left, 40% off on March 5, 2024 at 5pm. #sale @bob"
    )
    rewrite = "Visit https://acme.com now! 40% off on March 5, 2024 at 5pm. #sale @bob"
    edits = [(26, 29), (30, 43)]
    assert rewrite_facts(original, facts(original), rewrite, edits) == facts(rewrite)
    assert check_facts(original, rewrite, edits=edits) == ["3"]


# ---- names: products, places, people ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Meet Aurora, our new running shoe from Nimbus Labs, in our Leeds shop on Friday.",
            ["Aurora", "Nimbus Labs", "Leeds"],
        ),
        ("We love the new iPhone, and PayPal works too. — Maya", ["iPhone", "PayPal", "Maya"]),
        ("Donate to Children's Hospital, thanks Sam!", ["Children's Hospital", "Sam"]),
        ("Nestlé makes it. The app crashed on Monday. I'm sorry.", []),  # sentence starts
        ("You Won't Believe What This Celebrity Did Next", []),  # a headline in Title Case
        ("Ask @Sam about #Planner at https://x.com/Aurora on 12th of Sept", []),
    ],
)
def test_names_are_capitalised_words_that_dont_start_a_sentence(text, expected):
    assert [f.text for f in names(text, facts(text))] == expected


def test_a_rewrite_that_drops_a_product_name_is_caught():
    original = "Meet Aurora, our new running shoe from Nimbus Labs, in Leeds on Friday at 6pm."
    moved = "Aurora is here: the new running shoe from nimbus labs, in leeds, Friday at 6pm."
    assert check_facts(original, moved) == []  # moved to a sentence start, or lower-cased
    dropped = "Our new running shoe is out on Friday at 6pm in Leeds."
    assert check_facts(original, dropped) == ["Aurora", "Nimbus Labs"]


def test_a_bait_sentence_that_names_a_prize_keeps_the_name_and_says_what_to_change():
    # A name is a fact, not push: the sentence can't go whole, so its bait is listed.
    draft = "Our new mugs are in. Like, share and tag 3 friends to win a Nimbus Mug!!"
    rewrite = review(draft, PlaybookLibrary().get(None)).rewrite  # the default playbook
    assert "Nimbus Mug" in rewrite.text and rewrite.facts_kept
    assert "Like, share" not in rewrite.text
    assert any(c.startswith("left “tag 3 friends” for you") for c in rewrite.changes)
