"""What a channel's week adds up to: counts, trend, common issues, a before/after, thanks.

`build_digest` reads the store and the playbooks and returns a plain `Digest`; rendering
it (render.py, and bot/slack/digest_blocks.py for Slack) is a pure function of that value,
so both halves are tested separately. `digest_for` is what the surfaces call: the
playbooks and the re-scoring of a posted rewrite both come from the `Reviewer`, the one
door to a review.
"""

from __future__ import annotations

from bisect import bisect_right
from contextlib import suppress
from dataclasses import dataclass, replace

from bot.digest.week import Week, weeks_ending
from bot.review.reviewer import Reviewer, ReviewRequest
from bot.store.store import Store

TREND_WEEKS = 8
TOP_ISSUES = 3
RETUNE_WEEKS = 4  # "keeps muting": pushback counted over the last four weeks
RETUNE_MIN = 2  # at least this many mutes or "not helpful"s to propose a retune


@dataclass(frozen=True)
class Issue:
    """A rule the week's drafts kept breaking, with the playbook's reason and tip."""

    rule: str
    title: str
    drafts: int
    why: str
    tip: str


@dataclass(frozen=True)
class BeforeAfter:
    """A posted rewrite from a public review: the draft, what was posted, and their scores."""

    review_id: int
    asker: str
    before: str
    after: str
    score_before: int
    score_after: int | None


@dataclass(frozen=True)
class Retune:
    """A rule the team keeps pushing back on."""

    rule: str
    title: str
    mutes: int
    not_helpful: int
    muted_now: bool


@dataclass(frozen=True)
class Digest:
    channel_id: str
    week: Week
    reviewed: int
    reviewed_before: int
    average: float | None
    trend: tuple[float | None, ...]  # one average per week, oldest first; None = no reviews
    issues: tuple[Issue, ...] = ()
    before_after: BeforeAfter | None = None
    askers: tuple[tuple[str, int], ...] = ()
    retune: tuple[Retune, ...] = ()
    playbook: str = ""

    @property
    def quiet(self) -> bool:
        return self.reviewed == 0


class RuleBook:
    """Looks up a rule's title, why and tip: the channel's playbook first, then any other."""

    def __init__(self, library, preferred: str | None):
        self.library = library
        self.preferred = preferred
        self._rules: dict[str, object] | None = None

    def _load(self) -> dict[str, object]:
        rules: dict[str, object] = {}
        if self.library is None:
            return rules
        playbooks = []
        with suppress(ValueError):  # PlaybookError: an unknown or broken playbook
            playbooks.append(self.library.get(self.preferred))
        with suppress(ValueError):
            playbooks.extend(self.library.all())
        for playbook in reversed(playbooks):  # the preferred playbook wins
            for rule in getattr(playbook, "rules", ()):
                rules[rule.id] = rule
        return rules

    def rule(self, rule_id: str):
        if self._rules is None:
            self._rules = self._load()
        return self._rules.get(rule_id)

    def title(self, rule_id: str) -> str:
        rule = self.rule(rule_id)
        return getattr(rule, "title", "") or rule_id

    def why_and_tip(self, rule_id: str) -> tuple[str, str]:
        rule = self.rule(rule_id)
        return getattr(rule, "why", "") or "", getattr(rule, "suggest", "") or ""


def weekly_averages(rows: list[tuple[float, int]], weeks: list[Week]) -> list[list[int]]:
    """The scores of `rows` (created_at, score) bucketed into `weeks` (contiguous, oldest first)."""
    starts = [w.start for w in weeks]
    buckets: list[list[int]] = [[] for _ in weeks]
    for created_at, score in rows:
        i = bisect_right(starts, created_at) - 1
        if 0 <= i < len(weeks) and created_at < weeks[i].end:
            buckets[i].append(score)
    return buckets


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def build_digest(store: Store, channel_id: str, week: Week, library=None, rescore=None) -> Digest:
    """The digest of `week` in `channel_id`.

    `library` is a PlaybookLibrary (titles, why and tips); `rescore(text, playbook_id)`
    scores a posted rewrite so the before/after can show what it gained (optional).
    """
    settings = store.channel_settings(channel_id)
    weeks = weeks_ending(week, TREND_WEEKS)
    buckets = weekly_averages(store.channel_scores(channel_id, weeks[0].start, week.end), weeks)
    this_week, week_before = buckets[-1], buckets[-2]
    rules = RuleBook(library, settings.playbook)
    digest = Digest(
        channel_id=channel_id,
        week=week,
        reviewed=len(this_week),
        reviewed_before=len(week_before),
        average=_mean(this_week),
        trend=tuple(_mean(b) for b in buckets),
        playbook=settings.playbook or "",
    )
    if digest.quiet:
        return digest
    muted = set(settings.muted_rules)
    counts = [
        (r, n) for r, n in store.rule_counts(channel_id, week.start, week.end) if r not in muted
    ]
    issues = []
    for rule_id, drafts in counts[:TOP_ISSUES]:
        why, tip = rules.why_and_tip(rule_id)
        issues.append(Issue(rule_id, rules.title(rule_id), drafts, why, tip))
    return replace(
        digest,
        issues=tuple(issues),
        before_after=_before_after(store, channel_id, week, rescore),
        askers=tuple(store.askers(channel_id, week.start, week.end)),
        retune=_retune(store, channel_id, week, rules, muted),
    )


def rescorer(reviewer: Reviewer | None):
    """`rescore(text, playbook_id) -> score` by the reviewer's rules review (None without one)."""
    if reviewer is None:
        return None

    def rescore(text: str, playbook_id: str | None) -> int | None:
        request = ReviewRequest(text, playbook=playbook_id or None, engine="rules")
        try:
            return reviewer.rules_review(request).human_score
        except ValueError:  # the playbook went away since the review
            return None

    return rescore


def digest_for(store: Store, channel_id: str, week: Week, reviewer: Reviewer | None = None):
    """The digest of `week` in `channel_id`, with the reviewer's playbooks and re-scoring."""
    library = reviewer.playbooks if reviewer is not None else None
    return build_digest(store, channel_id, week, library, rescorer(reviewer))


def _before_after(store: Store, channel_id: str, week: Week, rescore) -> BeforeAfter | None:
    """The posted rewrite that gained most (helpful votes first); public reviews only."""
    best: BeforeAfter | None = None
    for row in store.posted_public_rewrites(channel_id, week.start, week.end):
        score_after = rescore(row["rewrite"], row["playbook"]) if rescore else None
        candidate = BeforeAfter(
            review_id=row["id"],
            asker=row["user_id"] or "",
            before=row["draft"],
            after=row["rewrite"],
            score_before=row["human_score"],
            score_after=score_after,
        )
        if best is None or _gain(candidate) > _gain(best):
            best = candidate
    return best


def _gain(pair: BeforeAfter) -> int:
    return -1000 if pair.score_after is None else pair.score_after - pair.score_before


def _retune(store: Store, channel_id: str, week: Week, rules: RuleBook, muted: set[str]):
    start = week.shifted(1 - RETUNE_WEEKS).start
    tally = store.rule_pushback(channel_id, start, week.end)
    proposals = [
        Retune(rule, rules.title(rule), c["mute"], c["not_helpful"], rule in muted)
        for rule, c in tally.items()
        if c["mute"] + c["not_helpful"] >= RETUNE_MIN
    ]
    proposals.sort(key=lambda r: (-(r.mutes + r.not_helpful), r.rule))
    return tuple(proposals)
