"""Styled letters, hidden characters and HTML entities are read as plain text, and every
finding still quotes the draft exactly as given."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review
from bot.review.rules.folding import fold, is_hidden_at

DEFAULT = PlaybookLibrary().get(None)


def _rules(r) -> list[str]:
    return sorted(f.rule for f in r.findings)


def test_mathematical_bold_scores_like_plain_capitals():
    styled = review("𝐁𝐔𝐘 𝐍𝐎𝐖!!! Only 3 left", DEFAULT)
    plain = review("BUY NOW!!! Only 3 left", DEFAULT)
    assert styled.human_score == plain.human_score < 80
    assert _rules(styled) == _rules(plain)
    quotes = {f.rule: f.quote for f in styled.findings}
    assert quotes["hard-sell"] == "𝐁𝐔𝐘 𝐍𝐎𝐖"


def test_italic_and_fullwidth_letters_are_folded():
    assert "hard-sell" in _rules(review("𝘚𝘩𝘰𝘱 𝘯𝘰𝘸 before it sells out", DEFAULT))
    assert "hard-sell" in _rules(review("Ｓｈｏｐ ｎｏｗ before it sells out", DEFAULT))


def test_zero_width_and_direction_characters_never_reach_a_quote():
    draft = "Act now!\u200b\u202e Last chance\u202c to get yours."
    r = review(draft, DEFAULT)
    assert {"urgency"} <= set(_rules(r))
    for f in r.findings:
        assert draft[f.start : f.end] == f.quote
        assert not any(is_hidden_at(draft, i) for i in range(f.start, f.end))


def test_a_zero_width_space_cannot_split_a_phrase():
    draft = "Last\u200b chance: act\u200b now"
    assert "urgency" in _rules(review(draft, DEFAULT))


def test_a_direction_override_inside_the_words_is_never_quoted():
    draft = "Tickets are selling out. Last chance\u202e to book!"
    r = review(draft, DEFAULT)
    (f,) = [f for f in r.findings if f.rule == "urgency"]
    assert f.quote == "Last chance" and draft[f.start : f.end] == f.quote
    draft = "Tickets are selling out. Last\u202e chance to book!"
    (f,) = [f for f in review(draft, DEFAULT).findings if f.rule == "urgency"]
    assert "\u202e" not in f.quote and draft[f.start : f.end] == f.quote
    assert f.replacement is None  # no edit from a part of the words


def test_entities_are_decoded_for_matching_and_quoted_as_written():
    draft = "Fish &amp; chips, FLASH SALE &amp; MORE"
    r = review(draft, DEFAULT)
    for f in r.findings:
        assert draft[f.start : f.end] == f.quote


def test_emoji_joined_by_zwj_stay_one_emoji():
    f = fold("Team 👩\u200d💻 and a hidden\u200bspace")
    assert f is not None
    assert "👩\u200d💻" in f.text and "\u200b" not in f.text


def test_plain_drafts_are_not_copied():
    assert fold("Plain ASCII, nothing to fold.") is None
    assert fold("Café ☕ at 9") is None


def test_folded_span_maps_back_through_entities():
    draft = "A &amp; B"
    f = fold(draft)
    assert f.text == "A & B"
    assert f.span(2, 3) == (2, 7)
    assert f.span(0, 5) == (0, len(draft))


PIECES = st.sampled_from(
    ["Act now", "LAST CHANCE", "!!!", "𝐁𝐔𝐘 𝐍𝐎𝐖", "\u200b", "\u202e", "\u2066", "\ufeff",
     "&amp;", "&gt;", "&#39;", "&bogus;", "🎉", "👩\u200d💻", " ", "\n", "we ", "click here"]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=14))
def test_offsets_quote_the_draft_as_given(parts):
    draft = "".join(parts)
    r = review(draft, DEFAULT, platform="x")
    for f in r.findings:
        assert 0 <= f.start < f.end <= len(draft)
        assert draft[f.start : f.end] == f.quote
        assert not any(is_hidden_at(draft, i) for i in range(f.start, f.end))
