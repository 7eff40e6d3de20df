"""Regexes written to open with one character class (so the regex engine skips ahead to
where a match can start) find exactly what their plain forms find; the letter count the
bait-sentence check uses is re's [^\\W_]."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules import comment, conditions, matcher, rewrite
from bot.review.rules.fact_check import verbatim
from bot.review.rules.metrics import measures

PIECES = ["a", "W", "w", "ww", "www.", "WwW.", ":", "://", "/", "@", "#", "<", ".", "..", "!",
          "?", "…", '"', "'", "”", "’", ")", "]", " ", "\n", "\t", "\x1c", "\u00a0", "Mr", "3",
          "12", ":30", "pm", "am", "Monday", "March", "today", "t", "Leeds", "Priya", ", ", "%",
          "é", "٣", "_", "ß", "Ⅻ", "RT @x", "R", "«", "»", "‘", "“", "kind", "Best", "ſ", "K",
          "—", "~", "^", "regards", "all the best", "CHEERS", "-", "SAVE40", "A1B2", "/", "#",
          "X", "9", "  ", " -", "!!!", "!", "iPhone", "Ça", "’s", "'t", "PayPal"]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)

PLAIN_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|\n")
PLAIN_MAYBE_NOT_PROSE = re.compile(r"[@#<]|://|www\.", re.IGNORECASE)

PLAIN_QUOTED = re.compile(
    r'“[^”\n]{1,400}”|"[^"\n]{1,400}"|«[^»\n]{1,400}»'
    r"|(?<!\w)['‘](?=\S)[^'‘’\n]{1,80}(?<=\S)['’](?!\w)"
    r"|(?-i:\bRT) @\w+[^\n]{1,400}"
)
PLAIN_SIGN_START = re.compile(
    r"[\^*/~\-–—]|\b(?:kind|best|warm|regards|cheers|sincerely|warmly|all the best)\b", re.I
)

PLAIN_RUNS = re.compile(r"[ -]{2,}")
PLAIN_BANGS = re.compile(r"!+")
PLAIN_CODE = re.compile(r"(?<![\w@#/.:-])(?=[A-Z0-9]{0,19}\d)[A-Z][A-Z0-9]{3,19}(?![\w@/-])")
PLAIN_QUOTE = re.compile(r'“([^”\n]{2,400})”|(?<![\w"])"([^"\n]{2,400})"(?![\w"])')
PLAIN_SENTENCE_END_SPACED = re.compile(r"([.!?…]+[\"'”’)\]]*(?=\s|$)|\n)[ \t]*")


def _found(rx, text):
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_the_class_first_forms_find_what_the_plain_forms_find(text):
    assert _found(rewrite._SENTENCE_END, text) == _found(PLAIN_SENTENCE_END, text)
    assert _found(conditions._QUOTED, text) == _found(PLAIN_QUOTED, text)
    assert _found(comment._SIGN_START, text) == _found(PLAIN_SIGN_START, text)
    assert _found(matcher._RUNS, text) == _found(PLAIN_RUNS, text)
    assert _found(measures._BANGS, text) == _found(PLAIN_BANGS, text)
    assert _found(verbatim._CODE, text) == _found(PLAIN_CODE, text)
    assert _found(verbatim._QUOTE, text) == _found(PLAIN_QUOTE, text)
    if PLAIN_CODE.search(text):  # the code scan's trigger never misses a code
        assert verbatim._CAPITAL_DIGIT.search(text)
    assert _found(rewrite._SENTENCE_END_SPACED, text) == _found(PLAIN_SENTENCE_END_SPACED, text)
    assert bool(rewrite._MAYBE_NOT_PROSE.search(text)) == bool(PLAIN_MAYBE_NOT_PROSE.search(text))


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_alnum_count_is_res_letters_and_digits(text):
    assert rewrite._alnum_count(text) == len(re.findall(r"[^\W_]", text))
