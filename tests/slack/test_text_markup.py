"""Slack markup normalised for review (with offsets back) and user text escaped for display."""

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.text import WORD_JOINER, clip, escape, escaped_within, mention, normalise, plain


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
