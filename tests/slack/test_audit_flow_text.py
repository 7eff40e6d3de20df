"""Cutting escaped text to Slack's limits, and code blocks left out of what is reviewed
(audit defects 1, 8 and 9): pure functions, checked by property."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.slack import blocks as kit
from bot.slack.text import WORD_JOINER, escape, escaped_chunks, escaped_within, normalise, plain

BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
PIECES = st.sampled_from([*"ab &<>@\n*_~`", "here", "@here", "&amp;", WORD_JOINER])
WORDS = st.lists(PIECES, max_size=120).map("".join)


def _back(limit: int) -> int:
    return min(40, (limit - 1) // 10)


@given(st.one_of(st.text(max_size=600), WORDS.map(lambda t: t * 3)), st.integers(1, 400))
def test_escaped_within_is_the_longest_clean_prefix_that_fits(text, limit):
    whole = escape(text)
    out = escaped_within(text, limit)
    assert len(out) <= limit
    if len(whole) <= limit:
        assert out == whole
        return
    assert out.endswith("…")
    kept = out[:-1]
    assert whole.startswith(kept)  # a prefix of the escaped whole, nothing rebuilt
    assert not BROKEN_ENTITY.search(kept)  # never cut inside &amp; &lt; &gt;
    room = limit - 1
    assert len(kept) >= room - 5 - 2 * _back(limit)  # not much shorter than allowed


def test_a_long_text_keeps_nearly_all_of_its_room():
    text = "We walked along the river & talked about the week. " * 100  # 5,100 characters
    out = escaped_within(text, 2700)
    assert 2650 <= len(out) <= 2700 and out.endswith("…")
    assert out[:-1].endswith(("river", "talked", "the", "week.", "We", "walked", "along", "&amp;"))
    assert len(escaped_within("x" * 600, 200)) == 200  # a long quote: 199 + "…", not "…"
    assert escaped_within("a" * 50, 1) == "…" and escaped_within("abc", 0) == ""


@given(st.one_of(st.text(max_size=900), WORDS.map(lambda t: t * 8)), st.integers(20, 300))
def test_escaped_chunks_split_at_breaks_and_never_inside_an_entity(text, limit):
    chunks = escaped_chunks(text, limit)
    assert "".join(chunks) == escape(text)
    for chunk in chunks:
        assert 0 < len(chunk) <= limit or chunks == [""]
        assert not BROKEN_ENTITY.search(chunk)
    for chunk in chunks[:-1]:
        assert len(chunk) >= limit - limit // 5 - 5


def test_a_posted_rewrite_is_split_between_words_not_inside_an_entity():
    rewrite = "abcd " * 599 + "abc& more *bold words* here"  # "&amp;" would straddle 3,000
    sections = [b["text"]["text"] for b in kit.rewrite_post(rewrite, asker="U1")["blocks"][:-1]]
    assert len(sections) == 2
    assert all(not BROKEN_ENTITY.search(s) for s in sections)
    assert " ".join(sections).split() == escape(rewrite).split()


def test_code_blocks_are_left_out_of_what_is_reviewed():
    source = "```\nBUY NOW\n```\nOur new API is live &amp; <https://api.example|docs>"
    n = normalise(source)
    assert n.text == "Our new API is live & docs (https://api.example)"
    start = n.text.index("API")
    assert source[slice(*n.to_source(start, start + 3))] == "API"
    start = n.text.index("docs")
    assert source[slice(*n.to_source(start, start + 4))] == "<https://api.example|docs>"
    assert plain("Try ```pip install x``` today") == "Try today"
    assert plain("Intro\n```\ncode\n```\nOutro") == "Intro\nOutro"
    assert plain("an unclosed ``` fence stays") == "an unclosed ``` fence stays"


@given(st.text(alphabet=st.sampled_from(list("ab`<>|&;\n x")), max_size=80))
def test_offsets_stay_in_bounds_and_ordered_with_code_blocks(source):
    n = normalise(source)
    assert len(n.origin) == len(n.text) + 1 and list(n.origin) == sorted(n.origin)
    for i in range(len(n.text)):
        s, e = n.to_source(i, i + 1)
        assert 0 <= s < e <= len(source)
