"""The measures' shortcuts (measures.py) find what the plain scans find: the ALL-CAPS scan
starts where the capitals' bytes first allow a match, and the emoji scan is skipped when no
character reaches U+203C."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules.metrics.measures import _CAPS, Measures, _emoji_scans, measure

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
