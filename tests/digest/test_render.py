"""The digest's words as plain text: `digest_text`, and the terminal preview built on it
(`socialway digest --preview`, bot/cli/digest.py: each stored word made printable)."""

import pytest

from bot.cli.digest import digest_plain
from bot.digest.aggregate import build_digest
from bot.digest.render import digest_text
from bot.review.playbooks.loader import PlaybookLibrary
from tests.fakes.digest_week import CHANNEL, WEEK, seed_hidden_rewrite


def test_a_private_draft_is_never_quoted(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert "SECRET" not in digest_plain(digest)


@pytest.mark.parametrize("visibility", ["private", "personal", "ephemeral", ""])
def test_a_rewrite_is_quoted_only_from_a_public_review(seeded_week, week_clock, visibility):
    store, _ = seeded_week
    seed_hidden_rewrite(store, week_clock, visibility)
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert "HIDDEN" not in digest_plain(digest)


def test_quiet_week_is_one_line(seeded_week):
    store, _ = seeded_week
    quiet = build_digest(store, "C0QUIET", WEEK, PlaybookLibrary())
    assert digest_plain(quiet).count("\n") == 1


def test_terminal_preview_reads_plainly(seeded_week):
    store, _ = seeded_week
    text = digest_plain(build_digest(store, CHANNEL, WEEK, PlaybookLibrary()), "#drafts")
    assert text.startswith("Your week in Social Way — #drafts, 23–29 March 2026\n")
    assert "5 drafts reviewed — 2 more than the week before (+67%)" in text
    assert "1. Urgency and scarcity — in 3 drafts" in text
    assert "Before: BUY NOW!!! <!channel> & @here, only 3 left" in text  # a terminal pings no one
    assert "\x1b" not in text


def test_stored_words_are_shown_through_the_surfaces_own_filter(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    text = digest_text(digest, lambda words: words.upper())
    assert "Before: BUY NOW!!! <!CHANNEL> & @HERE, ONLY 3 LEFT" in text
    assert "1. URGENCY AND SCARCITY — in 3 drafts" in text
