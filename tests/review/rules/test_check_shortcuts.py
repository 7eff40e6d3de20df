"""The shortcuts of the metric checks and the context conditions answer as the plain code
they stand in for, on random drafts built from the pieces that decide the answers."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules import conditions

WHEN_BITS = st.sampled_from(
    ["Monday", "Sunday", "today", "Today", "day", "March", "May", "June", "uary", "ember",
     "Octob", "tomorrow", "Tonight", "is", "are", "out", "now", "live", "here", "new",
     "New", "episode", " ", ",", ".", ":", "3", "12", "٣", "30", "am", "pm", "a.m.", "p.m.",
     "a", "m", "Leeds", "Priya", "x", "%", "/", "https://t.co/1", "_", "é", "\n", "out now",
     "is out", "are here", "now live", "new episode", "9:30", "18:30", "6pm", "10.30 a.m."]
)  # fmt: skip
WHEN_TEXTS = st.lists(WHEN_BITS, max_size=30).map("".join)

PLAIN_DETAIL = re.compile(
    r"(" + conditions._WHEN + r")|\d+(?:[.,:]\d+)*%?|(?<=[a-z,] )[A-Z][a-z]+\b"
)
PLAIN_WHEN = re.compile(conditions._WHEN)


def _found(rx, text):
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


def _plain_described(text, spans, over):
    """described() as it was: every detail scanned, with no look for a when first."""
    if conditions.words_besides(text, spans) <= over:
        return False
    found = when = 0
    for m in PLAIN_DETAIL.finditer(text):
        if not any(s <= m.start() < e for s, e in spans) and not conditions._in_link(
            text, m.start()
        ):
            found += 1
            when = when or m.group(1) is not None
            if found >= 2 and when:
                return True
    return False


@settings(max_examples=1500, deadline=None)
@given(WHEN_TEXTS)
def test_a_draft_said_to_hold_no_when_holds_none(text):
    assert _found(conditions._DETAIL, text) == _found(PLAIN_DETAIL, text)
    if not conditions._may_say_when(text):
        assert PLAIN_WHEN.search(text) is None


@settings(max_examples=500, deadline=None)
@given(WHEN_TEXTS, st.integers(0, 60), st.integers(0, 12), st.integers(0, 6))
def test_described_answers_as_the_full_scan(text, s, width, over):
    spans = [(min(s, len(text)), min(s + width, len(text)))]
    assert conditions.described(text, spans, over) == _plain_described(text, spans, over)


WORD_BITS = st.sampled_from(
    ["word", "x", " ", "  ", "\n", "\t", "\u00a0", "#tag", "#", "@name", "@", "https://a.b",
     "http://c", "www.d.e", "hashtag#x", "!!", "—", "é"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(WORD_BITS, max_size=30).map("".join), st.lists(st.integers(0, 20), max_size=4))
def test_own_words_over_answers_as_the_full_count(text, limits):
    words = text.split()
    own = len(words) - sum(w.startswith(conditions._NOT_WORDS) for w in words)
    seen = conditions.Seen(text)  # one draft, several rules' limits: the count is kept
    for most in limits:
        assert seen.own_words_over(most) == (own > most)
