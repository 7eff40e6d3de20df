"""Stored reviews and feedback made to order, for digest, App Home and retention tests.

Rows go through the real `Store.record_review` (with the store's injectable clock set to
the moment each review happened), so what the digest reads is exactly what the app writes.
"""

from __future__ import annotations

from bot.review.core.model import Finding, Review, Rewrite, Strength, verdict_for
from bot.store.store import Store


def make_review(score: int = 60, rules=("urgency",), rewrite: str = "Sale ends Friday.") -> Review:
    findings = tuple(
        Finding(
            rule=rule,
            severity="warning",
            start=0,
            end=7,
            quote="Act now",
            why="Urgency pushes.",
            suggestion="Say when it ends.",
            penalty=10,
            replacement="",
        )
        for rule in rules
    )
    return Review(
        human_score=score,
        verdict=verdict_for(score),
        findings=findings,
        strengths=(Strength("asks-question", "asks a question"),),
        rewrite=Rewrite(text=rewrite, changes=("removed 'act now'",), facts_missing=("Friday",)),
        engine="rules",
        playbook="rules-of-engagement",
        playbook_version="1",
        summary="Act now reads pushy.",
        notes=("kept 'Friday'",),
    )


class Seeder:
    """Writes reviews at chosen instants through a Store whose clock it controls."""

    def __init__(self, store: Store, clock: list[float]):
        self.store = store
        self.clock = clock

    def review(
        self,
        at: float,
        *,
        channel: str = "C0DRAFTS",
        user: str = "U0ALICE",
        score: int = 60,
        rules=("urgency",),
        draft: str = "Act now! Sale ends Friday.",
        rewrite: str = "The sale ends Friday.",
        surface: str = "mention",
        visibility: str = "public",
        posted: bool = False,
    ) -> int:
        self.clock[0] = at
        review_id = self.store.record_review(
            make_review(score, rules, rewrite),
            draft=draft,
            surface=surface,
            visibility=visibility,
            channel_id=channel,
            user_id=user,
        )
        if posted:
            self.store.mark_rewrite_posted(review_id)
        return review_id

    def feedback(self, at: float, kind: str, *, review_id=None, channel="C0DRAFTS", rule=""):
        self.clock[0] = at
        return self.store.add_feedback(
            kind=kind, user_id="U0BOB", review_id=review_id, channel_id=channel, rule=rule
        )
