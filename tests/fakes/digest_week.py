"""One channel's week of reviews, seeded through the real store, for the digest's tests.

The digest's aggregate (tests/digest/test_aggregate.py), its words (test_render.py) and
its Block Kit (tests/slack/test_digest_blocks.py) are checked against the same week: the
fixtures `week_clock` and `seeded_week` below (a pytest plugin, see tests/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.digest.week import week_of
from bot.store.store import Store
from tests.fakes.seed import Seeder

CHANNEL = "C0DRAFTS"
WEEK = week_of(date(2026, 3, 25), "Europe/London")  # 23–29 March 2026, BST from the 29th


def utc(*args) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def seed_week(store: Store, clock: list[float]) -> dict[str, int]:
    """The week before WEEK, earlier weeks, WEEK's reviews and feedback; returns WEEK's ids."""
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
        "late": seed.review(utc(2026, 3, 29, 22, 30), user="U0BOB", score=50, rules=("hard-sell",)),
        # Monday 30 March 00:30 BST: next week, not in this digest.
        "next": seed.review(utc(2026, 3, 29, 23, 30), score=10, rules=("clickbait",)),
    }
    seed.feedback(WEEK.start + day, "mute", channel=CHANNEL, rule="shouting")
    seed.feedback(WEEK.start - 9 * day, "mute", channel=CHANNEL, rule="shouting")
    seed.feedback(WEEK.start + 5 * day, "not_helpful", review_id=ids["watched"])
    seed.feedback(WEEK.start - 60 * day, "mute", channel=CHANNEL, rule="urgency")  # too old
    seed.feedback(WEEK.start - 60 * day, "mute", channel=CHANNEL, rule="urgency")
    store.mute_rule(CHANNEL, "shouting", user_id="U0BOB")
    return ids


def seed_hidden_rewrite(store: Store, clock: list[float], visibility: str) -> None:
    """A posted rewrite with far more to gain than the public one, in a visibility that is
    not "public": it must never become the digest's before → after."""
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


@pytest.fixture
def week_clock() -> list[float]:
    """The store's clock, a list so a test can move it."""
    return [utc(2026, 1, 1)]


@pytest.fixture
def seeded_week(store_target, week_clock):
    """(the store, WEEK's review ids) with the week seeded."""
    with Store(store_target, clock=lambda: week_clock[0]) as store:
        yield store, seed_week(store, week_clock)
