"""is_blank decides on the first visible character of the stripped draft when it is
printable: checked against the plain definition (every character whitespace or an
invisible format character), on drafts built from spaces, format characters, control
characters and visible ones."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.rules.blank import is_blank

PARTS = st.sampled_from(
    [" ", "\n", "\t", "\u00a0", "\u2028", "\u200b", "\u200d", "\u200e", "\ufeff", "\u2066",
     "\x00", "\x07", "\x1c", "\ue000", "a", "é", "😀", "’", ".", "\u0301", "\u00ad"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(PARTS, max_size=8).map("".join))
def test_blank_is_only_whitespace_and_format_characters(text):
    plain = all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)
    assert is_blank(text) == plain
