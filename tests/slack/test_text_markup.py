"""Slack markup normalised for review (with offsets back, code blocks left out) and user
text escaped for display, cut to Slack's limits without breaking an entity."""

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.text import (
    WORD_JOINER,
    clip,
    escape,
    escaped_chunks,
    escaped_within,
    mention,
    normalise,
    plain,
)

BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
PIECES = st.sampled_from([*"ab &<>@\n*_~`", "here", "@here", "&amp;", WORD_JOINER])
WORDS = st.lists(PIECES, max_size=120).map("".join)


def test_user_and_channel_mentions_become_readable():
    assert plain("hi <@U123> and <@U9|sam>") == "hi @U123 and @sam"
    assert plain("see <#C1|general> or <#C2>") == "see #general or #C2"
    assert plain("for <!subteam^S1|@design>") == "for @design"


def test_broadcasts_become_plain_words():
    assert plain("<!channel> <!here> <!everyone>") == "@channel @here @everyone"


def test_links_keep_their_url_visible_so_facts_survive():
    assert plain("<https://x.example/a|our shop>") == "our shop (https://x.example/a)"
    assert plain("<https://x.example/a>") == "https://x.example/a"
    assert plain("<https://x.example|x.example>") == "https://x.example"
    assert plain("<mailto:sam@example.com|sam@example.com>") == "sam@example.com"


def test_entities_are_decoded():
    assert plain("Tom &amp; Jerry &lt;3 &gt;") == "Tom & Jerry <3 >"


def test_entities_inside_links_are_decoded_so_the_url_still_works():
    # Slack sends a link's `&` as `&amp;` inside the angle brackets too
    assert plain("<https://s.example/?a=1&amp;b=2>") == "https://s.example/?a=1&b=2"
    assert plain("<https://s.example/?a=1&amp;b=2|Tom &amp; Jerry>") == (
        "Tom & Jerry (https://s.example/?a=1&b=2)"
    )
    assert plain("<@U9|sam &lt;3>") == "@sam <3"


def test_offsets_map_back_to_the_slack_text():
    source = "Hi <@U1|sam> &amp; BUY NOW at <https://s.example|shop>!"
    n = normalise(source)
    start = n.text.index("BUY NOW")
    s, e = n.to_source(start, start + len("BUY NOW"))
    assert source[s:e] == "BUY NOW"
    start = n.text.index("@sam")
    s, e = n.to_source(start, start + 4)
    assert source[s:e] == "<@U1|sam>"
    start = n.text.index("&")
    assert source[slice(*n.to_source(start, start + 1))] == "&amp;"
    start = n.text.index("shop")
    s, e = n.to_source(start, len(n.text) - 1)
    assert source[s:e] == "<https://s.example|shop>"


def test_offsets_of_plain_text_are_identity():
    n = normalise("no markup here")
    assert n.text == "no markup here"
    assert n.to_source(3, 9) == (3, 9)
    assert n.to_source(0, 0) == (0, 0)
    assert n.to_source(14, 99) == (14, 14)


def test_escape_makes_markup_inert():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_escape_breaks_bare_broadcasts():
    out = escape("hey @here and @Channel, @everyone!")
    assert "@here" not in out and "@Channel" not in out and "@everyone" not in out
    assert out.replace(WORD_JOINER, "") == "hey @here and @Channel, @everyone!"
    assert escape("email me@heretofore.example") == "email me@heretofore.example"


def test_clip_and_escaped_within():
    assert clip("abcdef", 10) == "abcdef"
    assert clip("abcdef", 4) == "abc…"
    out = escaped_within("<" * 100, 50)
    assert len(out) <= 50 and out.endswith("…")
    kept = out[:-1]  # no half entity before the cut: what's left decodes to a prefix
    assert kept == "&lt;" * (len(kept) // 4) and plain(kept) == "<" * (len(kept) // 4)


def test_mention_only_for_real_user_ids():
    assert mention("U123ABC") == "<@U123ABC>"
    assert mention("!channel") == "someone"
    assert mention("") == "someone"


@given(st.text(max_size=300))
def test_escape_then_normalise_round_trips(text):
    if "@" in text:  # broadcasts get a word joiner on purpose
        text = text.replace("@", "at ")
    assert normalise(escape(text)).text == text


@given(st.text(max_size=300))
def test_escaped_text_never_carries_markup(text):
    out = escape(text)
    assert "<" not in out and ">" not in out
    assert len(escaped_within(text, 120)) <= 120


@given(st.text(alphabet=st.sampled_from(list("ab<>|@#!&;:/x")), max_size=80))
def test_offset_map_is_monotonic_and_in_bounds(source):
    n = normalise(source)
    assert len(n.origin) == len(n.text) + 1
    assert list(n.origin) == sorted(n.origin)
    for i in range(len(n.text) + 1):
        for j in range(i, min(len(n.text), i + 5) + 1):
            s, e = n.to_source(i, j)
            assert 0 <= s <= e <= len(source)


# -- cut to a limit --------------------------------------------------------------------


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


# -- code blocks are not reviewed ------------------------------------------------------


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
