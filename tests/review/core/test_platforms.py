"""counted_text searches for an attached-media link from the whitespace before the
draft's last token, not from 0: checked against the search over the whole draft, on
drafts built from media links, their pieces, words and whitespace of every kind."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.core import platforms

PARTS = st.sampled_from(
    ["word", "t.co/ab1", "T.CO/x", "pic.twitter.com/Q", "pic.x.com/z_9", "https://", "http://",
     "t.co", "/", "ab", "é", "foo", " ", "  ", "\n", "\t", "\x1c", "\u00a0", "\u2003", ".",
     "pıc.x.com/a", "httpſ://", "ſ"]
)  # fmt: skip
DRAFTS = st.lists(PARTS, max_size=14).map("".join)


@settings(max_examples=4000, deadline=None)
@given(DRAFTS)
def test_the_media_link_search_from_the_last_token_finds_what_the_whole_search_finds(text):
    whole = platforms._MEDIA_TAIL.search(text)
    near = platforms._MEDIA_TAIL.search(text, platforms._last_token_gap(text))
    assert (whole and whole.span()) == (near and near.span())


def test_an_attached_photo_is_not_counted_on_x():
    x = platforms.PLATFORMS["x"]
    assert platforms.counted_text("New range https://t.co/AbC1 \n", x) == "New range"
    assert platforms.counted_text("New range https://t.co/AbC1 more", x).endswith("more")
