"""The digest built from a seeded store: counts, trend, top issues, privacy, thanks, retune."""

import json
from datetime import UTC, date, datetime

import pytest

from bot.digest.aggregate import build_digest
from bot.digest.render import digest_message, digest_plain
from bot.digest.schedule import digest_for
from bot.digest.week import week_of
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review as rules_review
from bot.store.store import Store
from tests.fakes.seed import Seeder

CHANNEL = "C0DRAFTS"
WEEK = week_of(date(2026, 3, 25), "Europe/London")  # 23–29 March 2026, BST from the 29th


def utc(*args) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


@pytest.fixture
def clock():
    return [utc(2026, 1, 1)]


@pytest.fixture
def seeded(store_target, clock):
    with Store(store_target, clock=lambda: clock[0]) as store:
        store.update_channel_settings(CHANNEL, timezone="Europe/London", digest_on=True)
        seed = Seeder(store, clock)
        day = 86400
        # Four, five, six and seven weeks back: one review each; two and three back: none.
        for weeks_back, score in ((7, 20), (6, 30), (5, 40), (4, 90)):
            seed.review(WEEK.start - weeks_back * 7 * day + day, score=score)
        for score in (50, 50, 50):  # the week before: three reviews
            seed.review(WEEK.start - 3 * day, score=score)
        ids = {
            "public": seed.review(
                WEEK.start + day,
                score=40,
                rules=("urgency", "hard-sell"),
                draft="BUY NOW!!! <!channel> & @here, only 3 left",
                rewrite="Our spring sale ends Friday — which one would you pick?",
                posted=True,
            ),
            "private": seed.review(
                WEEK.start + 2 * day,
                user="U0BOB",
                score=30,
                rules=("urgency", "shouting"),
                draft="SECRET private draft text",
                rewrite="private rewrite text",
                surface="command",
                visibility="private",
                posted=True,
            ),
            "plain": seed.review(WEEK.start + 3 * day, score=80, rules=("urgency",)),
            "watched": seed.review(
                WEEK.start + 4 * day,
                user="U0CAROL",
                score=70,
                rules=("hashtag-stuffing", "shouting"),
                surface="watch",
            ),
            "tone": seed.review(WEEK.start + 4 * day, score=99, rules=(), surface="tone"),
            # Sunday 29 March 23:30 BST (22:30 UTC): still this week.
            "late": seed.review(
                utc(2026, 3, 29, 22, 30), user="U0BOB", score=50, rules=("hard-sell",)
            ),
            # Monday 30 March 00:30 BST: next week, not in this digest.
            "next": seed.review(utc(2026, 3, 29, 23, 30), score=10, rules=("clickbait",)),
        }
        seed.feedback(WEEK.start + day, "mute", channel=CHANNEL, rule="shouting")
        seed.feedback(WEEK.start - 9 * day, "mute", channel=CHANNEL, rule="shouting")
        seed.feedback(WEEK.start + 5 * day, "not_helpful", review_id=ids["watched"])
        seed.feedback(WEEK.start - 60 * day, "mute", channel=CHANNEL, rule="urgency")  # too old
        seed.feedback(WEEK.start - 60 * day, "mute", channel=CHANNEL, rule="urgency")
        store.mute_rule(CHANNEL, "shouting", user_id="U0BOB")
        yield store, ids


def test_counts_average_and_change(seeded):
    store, _ = seeded
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.reviewed == 5  # tone variants and next Monday's review are not counted
    assert digest.reviewed_before == 3
    assert digest.average == pytest.approx((40 + 30 + 80 + 70 + 50) / 5)
    text = digest_message(digest)["blocks"][2]["text"]["text"]
    assert "*5 drafts reviewed* — 2 more than the week before (+67%)" in text
    assert "Average human score *54 (up 4 from 50)*" in text


def test_trend_is_eight_weeks_with_gaps(seeded):
    store, _ = seeded
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.trend == (20, 30, 40, 90, None, None, 50, 54)
    assert "`▂▃▄█··▅▅` last 8 weeks" in json.dumps(digest_message(digest), ensure_ascii=False)


def test_top_issues_skip_muted_rules_and_carry_the_playbook_tip(seeded):
    store, _ = seeded
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
    issues = digest_message(digest)["blocks"][3]["text"]["text"]
    assert "*1. Urgency and scarcity* — in 3 drafts" in issues
    assert "_Tip:_ Say when the offer ends, plainly, and let people decide." in issues


def test_before_after_only_from_public_reviews_and_escaped(seeded):
    store, ids = seeded
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    # The private review scored lower (more to gain) and its rewrite was posted too,
    # but a private draft never leaves the person who asked.
    assert digest.before_after.review_id == ids["public"]
    sent = json.dumps(digest_message(digest), ensure_ascii=False)
    assert "SECRET" not in sent and "private rewrite" not in sent
    assert "SECRET" not in digest_plain(digest)
    assert "&lt;!channel&gt; &amp; @\u2060here" in sent
    assert "<!channel>" not in sent and "<!here>" not in sent
    assert "> Our spring sale ends Friday — which one would you pick?" in sent


@pytest.mark.parametrize("visibility", ["private", "personal", "ephemeral", ""])
def test_a_rewrite_is_quoted_only_from_a_public_review(seeded, clock, visibility):
    # A posted rewrite with far more to gain than the public one, in any visibility but
    # "public" (even one this code does not know), is never the before → after.
    store, ids = seeded
    Seeder(store, clock).review(
        WEEK.start + 2 * 86400,
        user="U0BOB",
        score=1,
        draft="HIDDEN draft words",
        rewrite="HIDDEN rewrite words",
        surface="shortcut",
        visibility=visibility,
        posted=True,
    )
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert digest.before_after.review_id == ids["public"]
    assert "HIDDEN" not in json.dumps(digest_message(digest)) + digest_plain(digest)


def test_before_after_shows_what_the_posted_rewrite_scores(seeded):
    store, _ = seeded
    scores = {"Our spring sale ends Friday — which one would you pick?": 88}
    digest = build_digest(
        store, CHANNEL, WEEK, PlaybookLibrary(), rescore=lambda text, pb: scores.get(text, 0)
    )
    assert digest.before_after.score_after == 88
    block = next(
        b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-before-after"
    )
    assert "(score 40 → 88)" in block["text"]["text"]
    assert "<@" not in block["text"]["text"]  # a weekly digest pings no one


def test_thanks_the_askers_not_watched_authors(seeded):
    store, _ = seeded
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert dict(digest.askers) == {"U0ALICE": 2, "U0BOB": 2}
    thanks = next(b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-thanks")
    assert "to the 2 people who asked" in thanks["text"]["text"]
    assert "<@" not in thanks["text"]["text"]  # thanked by number: a mention would ping
    sent = json.dumps(digest_message(digest))
    assert "U0CAROL" not in sent  # watch mode reviewed her message; she did not ask


def test_rules_the_team_keeps_pushing_back_on_are_proposed_for_retuning(seeded):
    store, _ = seeded
    digest = build_digest(store, CHANNEL, WEEK, PlaybookLibrary())
    assert [(r.rule, r.mutes, r.not_helpful, r.muted_now) for r in digest.retune] == [
        ("shouting", 2, 1, True)  # hashtag-stuffing had one "not helpful": not "keeps"
    ]
    block = next(b for b in digest_message(digest)["blocks"] if b["block_id"] == "digest-retune")
    assert (
        "*Shouting* (`shouting`): muted 2×, “not helpful” 1× in the last 4 weeks"
        in (block["text"]["text"])
    )


def test_quiet_week_is_one_friendly_line(seeded):
    store, _ = seeded
    quiet = build_digest(store, "C0QUIET", WEEK, PlaybookLibrary())
    assert quiet.quiet
    message = digest_message(quiet)
    assert len(message["blocks"]) == 1
    assert message["text"].startswith("A quiet week in <#C0QUIET> (23–29 March 2026)")
    assert "\n" not in message["text"]
    assert digest_plain(quiet).count("\n") == 1


def test_blocks_stay_within_slack_limits_and_never_ping(seeded):
    store, _ = seeded
    message = digest_message(build_digest(store, CHANNEL, WEEK, PlaybookLibrary()))
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000
    sent = json.dumps(message)
    for ping in ("<!channel>", "<!here>", "<!everyone>"):
        assert ping not in sent


def test_terminal_preview_reads_plainly(seeded):
    store, _ = seeded
    text = digest_plain(build_digest(store, CHANNEL, WEEK, PlaybookLibrary()), "#drafts")
    assert text.startswith("Your week in Social Way — #drafts, 23–29 March 2026\n")
    assert "5 drafts reviewed — 2 more than the week before (+67%)" in text
    assert "1. Urgency and scarcity — in 3 drafts" in text
    assert "Before: BUY NOW!!! <!channel> & @here, only 3 left" in text  # a terminal pings no one
    assert "\x1b" not in text


def test_the_scheduler_rescores_the_posted_rewrite_with_the_rules_engine(seeded):
    store, _ = seeded
    library = PlaybookLibrary()
    pair = digest_for(store, CHANNEL, WEEK, library).before_after
    expected = rules_review(pair.after, library.get("rules-of-engagement")).human_score
    assert pair.score_after == expected
    assert pair.score_after > pair.score_before == 40
