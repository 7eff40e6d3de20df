"""Property tests over arbitrary Unicode: the engine never raises, offsets stay in bounds
and quote the draft exactly, the same input gives the same review, facts are exact."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookLibrary, load_playbook
from bot.review.rules.engine import review
from bot.review.rules.fact_check import check_facts, facts
from tests.paths import FIXTURES

PLAYBOOK = load_playbook(FIXTURES / "playbooks" / "basic.yml")
DEFAULT = PlaybookLibrary().get(None)
PIECES = st.sampled_from(
    [
        "Act now",
        "LAST CHANCE",
        "!!!",
        "#tag ",
        "🎉",
        "https://x.com/a).",
        "$1,299.00",
        "we ",
        "our ",
        "you ",
        "follow‑up",
        "<@U1>",
        "\n",
        "İ",
        "’",
        "only 3 left",
        "sorry if",
        "Acme ",
        "5pm",
        "May 21",
    ]
)
DRAFTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join),
)
PLATFORMS = st.sampled_from([None, "x", "bluesky", "threads", "linkedin", "instagram", "facebook"])
COMMENTS = st.one_of(st.none(), st.text(max_size=80), st.just("This is broken again."))


@pytest.mark.parametrize("playbook", [PLAYBOOK, DEFAULT], ids=["fixture", "default"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=DRAFTS, platform=PLATFORMS, comment=COMMENTS)
def test_review_never_raises_offsets_hold_and_is_deterministic(playbook, text, platform, comment):
    first = review(text, playbook, platform=platform, in_reply_to=comment)
    for f in first.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.quote
        assert f.penalty >= 0
    assert first.human_score == max(0, 100 - sum(f.penalty for f in first.findings))
    assert 0 <= first.human_score <= 100
    assert review(text, playbook, platform=platform, in_reply_to=comment) == first
    assert first.rewrite.facts_kept == (not first.rewrite.facts_missing)


@settings(max_examples=300, deadline=None)
@given(text=DRAFTS)
def test_facts_quote_the_text_and_a_text_keeps_its_own_facts(text):
    found = facts(text)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
    assert check_facts(text, text) == []
