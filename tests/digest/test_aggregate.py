"""The digest built from a seeded_week store: counts, trend, top issues, privacy, thanks, retune."""

import pytest

from bot.digest.aggregate import build_digest, digest_for
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.reviewer import Reviewer
from bot.review.rules.engine import review as rules_review
from tests.fakes.digest_week import CHANNEL, WEEK, seed_hidden_rewrite


def test_counts_average_and_change(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.reviewed == 5  # tone variants and next Monday's review are not counted
    assert digest.reviewed_before == 3
    assert digest.average == pytest.approx((40 + 30 + 80 + 70 + 50) / 5)


def test_trend_is_eight_weeks_with_gaps(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.trend == (20, 30, 40, 90, None, None, 50, 54)


def test_top_issues_skip_muted_rules_and_carry_the_playbook_tip(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert [(i.rule, i.drafts) for i in digest.issues] == [
        ("urgency", 3),
        ("hard-sell", 2),
        ("hashtag-stuffing", 1),  # "shouting" (2 drafts) is muted in this channel
    ]
    urgency = digest.issues[0]
    assert urgency.title == "Urgency and scarcity"
    assert urgency.tip == "Say when the offer ends, plainly, and let people decide."
    assert urgency.why


def test_before_after_only_from_public_reviews(seeded_week):
    store, ids = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    # The private review scored lower (more to gain) and its rewrite was posted too,
    # but a private draft never leaves the person who asked.
    assert digest.before_after.review_id == ids["public"]


@pytest.mark.parametrize("visibility", ["private", "personal", "ephemeral", ""])
def test_a_rewrite_is_quoted_only_from_a_public_review(seeded_week, week_clock, visibility):
    # A posted rewrite with far more to gain than the public one, in any visibility but
    # "public" (even one this code does not know), is never the before → after.
    store, ids = seeded_week
    seed_hidden_rewrite(store, week_clock, visibility)
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.before_after.review_id == ids["public"]


def test_before_after_shows_what_the_posted_rewrite_scores(seeded_week):
    store, _ = seeded_week
    scores = {"Our spring sale ends Friday — which one would you pick?": 88}
    digest = build_digest(
        store, CHANNEL, WEEK, PlaybookLibrary(), rescore=lambda text, pb: scores.get(text, 0)
    )
    assert digest.before_after.score_after == 88


def test_thanks_the_askers_not_watched_authors(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert dict(digest.askers) == {"U0ALICE": 2, "U0BOB": 2}


def test_rules_the_team_keeps_pushing_back_on_are_proposed_for_retuning(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert [(r.rule, r.mutes, r.not_helpful, r.muted_now) for r in digest.retune] == [
        ("shouting", 2, 1, True)  # hashtag-stuffing had one "not helpful": not "keeps"
    ]


def test_quiet_week(seeded_week):
    store, _ = seeded_week
    quiet = build_digest(store, "C0QUIET", WEEK, PlaybookLibrary())
    assert quiet.quiet


def test_the_posted_rewrite_is_rescored_through_the_reviewer(seeded_week):
    store, _ = seeded_week
    library = PlaybookLibrary()
    pair = digest_for(store, CHANNEL, WEEK, Reviewer(library)).before_after
    expected = rules_review(pair.after, library.get("rules-of-engagement")).human_score
    assert pair.score_after == expected
    assert pair.score_after > pair.score_before == 40
