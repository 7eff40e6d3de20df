"""A channel's muted rules applied to a review: the findings go, and so does their cost.

Muting is a team saying "this rule is not for us here", so a muted rule's findings are
dropped and the penalties they cost are given back; nothing else about the review moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.review.core.model import Review, verdict_for


def without_rules(review: Review, rules: Iterable[str]) -> Review:
    """`review` minus findings of `rules`, its score raised by their penalties (max 100)."""
    muted = set(rules)
    if not muted:
        return review
    kept = tuple(f for f in review.findings if f.rule not in muted)
    if len(kept) == len(review.findings):
        return review
    returned = sum(max(0, f.penalty) for f in review.findings if f.rule in muted)
    score = min(100, review.human_score + returned)
    return replace(review, findings=kept, human_score=score, verdict=verdict_for(score, kept))
