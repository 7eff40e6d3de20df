"""The walk back over whole tail tokens that lets engine._without_tail search fewer
positions never changes the tail found: checked against the search over the whole
window, on drafts built from links, tags, sites, "at"/"on"/"via", punctuation and
whitespace of every kind ("\\x1c" and no-break spaces included)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules import engine

PARTS = st.sampled_from(
    ["word", "at", "on", "via", "that", "x.com", "https://a.b/c", "www.x.io", "#tag", "@bob",
     ":", "-", "—", ",", ".", " ", "  ", "\n", "\t", "\x1c", "\u00a0", "<https://q>", "<",
     ">", "ex-ample.co/p?q", "a.c", "foo#bar", "e@x.com", "!", "é", "1", "/"]
)  # fmt: skip
DRAFTS = st.lists(st.tuples(PARTS, st.sampled_from(["", " ", ""])), max_size=16).map(
    lambda parts: "".join(a + b for a, b in parts)
)


@settings(max_examples=3000, deadline=None)
@given(DRAFTS, st.data())
def test_tail_search_starts_no_later_than_the_tail(text, data):
    s = data.draw(st.integers(0, len(text)))
    e = data.draw(st.integers(s, len(text)))
    lo = max(s, e - 400)
    whole = engine._TAIL.search(text, lo, e)
    walked = engine._TAIL.search(text, engine._tail_from(text, lo, e), e)
    assert (whole and whole.span()) == (walked and walked.span())


def test_a_site_after_at_keeps_the_tags_before_it():
    text = "Read it #tag -at x.com"
    assert engine._without_tail(text, 0, len(text)) == (0, 7)
