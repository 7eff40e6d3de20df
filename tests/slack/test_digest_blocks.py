"""The digest as a Slack message: Block Kit within Slack's limits, escaped, pinging no one."""

import json

import pytest

from bot.digest.aggregate import build_digest
from bot.review.playbooks.loader import PlaybookLibrary
from bot.slack.digest_blocks import digest_message
from tests.fakes.digest_week import CHANNEL, WEEK, seed_hidden_rewrite


def test_counts_average_and_change(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    text = digest_message(digest)["blocks"][2]["text"]["text"]
    assert "*5 drafts reviewed* — 2 more than the week before (+67%)" in text
    assert "Average human score *54 (up 4 from 50)*" in text


def test_trend_is_a_sparkline_of_eight_weeks(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert "`▂▃▄█··▅▅` last 8 weeks" in json.dumps(digest_message(digest), ensure_ascii=False)


def test_top_issues_carry_the_playbook_tip(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    issues = digest_message(digest)["blocks"][3]["text"]["text"]
    assert "*1. Urgency and scarcity* — in 3 drafts" in issues
    assert "_Tip:_ Say when the offer ends, plainly, and let people decide." in issues


def test_before_after_only_from_public_reviews_and_escaped(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    sent = json.dumps(digest_message(digest), ensure_ascii=False)
    assert "SECRET" not in sent and "private rewrite" not in sent
    assert "&lt;!channel&gt; &amp; @\u2060here" in sent
    assert "<!channel>" not in sent and "<!here>" not in sent
    assert "> Our spring sale ends Friday — which one would you pick?" in sent


@pytest.mark.parametrize("visibility", ["private", "personal", "ephemeral", ""])
def test_a_rewrite_is_quoted_only_from_a_public_review(seeded_week, week_clock, visibility):
    store, _ = seeded_week
    seed_hidden_rewrite(store, week_clock, visibility)
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert "HIDDEN" not in json.dumps(digest_message(digest))


def test_before_after_shows_what_the_posted_rewrite_scores(seeded_week):
    store, _ = seeded_week
    scores = {"Our spring sale ends Friday — which one would you pick?": 88}
    digest = build_digest(
        store, CHANNEL, WEEK, PlaybookLibrary(), rescore=lambda text, pb: scores.get(text, 0)
    )
    block = next(
        b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-before-after"
    )
    assert "(score 40 → 88)" in block["text"]["text"]
    assert "<@" not in block["text"]["text"]  # a weekly digest pings no one


def test_thanks_the_askers_by_number_not_watched_authors(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    thanks = next(b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-thanks")
    assert "to the 2 people who asked" in thanks["text"]["text"]
    assert "<@" not in thanks["text"]["text"]  # thanked by number: a mention would ping
    sent = json.dumps(digest_message(digest))
    assert "U0CAROL" not in sent  # watch mode reviewed her message; she did not ask


def test_rules_the_team_keeps_pushing_back_on_are_proposed_for_retuning(seeded_week):
    store, _ = seeded_week
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    block = next(b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-retune")
    assert (
        "*Shouting* (`shouting`): muted 2×, “not helpful” 1× in the last 4 weeks"
        in (block["text"]["text"])
    )


def test_quiet_week_is_one_friendly_line(seeded_week):
    store, _ = seeded_week
    quiet = build_digest(store, "C0QUIET", WEEK, PlaybookLibrary())
    message = digest_message(quiet)
    assert len(message["blocks"]) == 1
    assert message["text"].startswith("A quiet week in <#C0QUIET> (23–29 March 2026)")
    assert "\n" not in message["text"]


def test_blocks_stay_within_slack_limits_and_never_ping(seeded_week):
    store, _ = seeded_week
    message = digest_message(build_digest(store, CHANNEL, WEEK, PlaybookLibrary()))
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000
    sent = json.dumps(message)
    for ping in ("<!channel>", "<!here>", "<!everyone>"):
        assert ping not in sent
