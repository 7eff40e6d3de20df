"""The measures' shortcuts (measures.py) find what the plain scans find: the ALL-CAPS scan
starts where the capitals' bytes first allow a match, and the emoji scan is skipped when no
character reaches U+203C; the platform's length is weighed once a draft."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.core.platforms import PLATFORMS, fits, overflow_start, weighted_length
from bot.review.rules.metrics import length
from bot.review.rules.metrics.base import Context
from bot.review.rules.metrics.measures import _CAPS, WORDS_CAP, Measures, _emoji_scans, measure

# Capitals, apostrophes (straight and curly), "?", hyphens, "#"/"@", accents, an emoji.
CAPS_TEXT = st.text(alphabet="ABZ ab'’?-#@É9_!\u203c🔥", max_size=40)


@settings(max_examples=600, deadline=None)
@given(CAPS_TEXT)
def test_caps_are_what_the_plain_caps_scan_finds(text):
    assert measure(text, Measures()).caps == [m.span() for m in _CAPS.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a \u2019\u203b\u203c\u2600🔥\ufe0f\u200d", max_size=20))
def test_emoji_are_what_the_plain_emoji_scan_finds(text):
    assert measure(text, Measures()).emoji == [m.span() for m in _emoji_scans()[0].finditer(text)]


# Words and links around a limit: X weighs each link at 23 characters, and a media link
# ending the draft not at all.
LENGTH_TEXT = st.lists(
    st.sampled_from(["word", "a" * 40, "https://example.com/" + "p" * 30, "pic.x.com/ab", " "]),
    max_size=16,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(LENGTH_TEXT, st.sampled_from(sorted(PLATFORMS)))
def test_the_length_weighed_once_is_the_platforms_own(text, name):
    plat = PLATFORMS[name]
    if plat.limit is not None and weighted_length(text, plat) < plat.limit:
        text = "x" * (plat.limit - weighted_length(text, plat) - 1) + " " + text  # at the limit
    ms = Measures()
    for _ in (1, 2):  # the second ask reads what the first weighed
        assert ms.weighted_length(text, plat) == weighted_length(text, plat)
        assert ms.fits(text, plat) == fits(text, plat)
    cut = overflow_start(text, plat)
    got = length.check({}, Measures(), Context(text, plat, None))
    assert (got == []) == (cut is None)
    if got:
        assert got[0][2].startswith(f"{weighted_length(text, plat)} characters")


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="ab. \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003é", max_size=400))
def test_word_count_is_splits_count(text):
    assert Measures().word_count(text) == len(text.split(None, WORDS_CAP))


# Around the cap: 60 to 120 words or whitespace-only tokens, one space apart.
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b.", "a", "\t", "\x1f "]), min_size=60, max_size=120))
def test_word_count_of_a_long_ascii_draft_is_splits_count(tokens):
    text = " ".join(tokens)
    assert Measures().word_count(text) == len(text.split(None, WORDS_CAP))
