"""`exclamation_run`: each run of `min` or more "!" (a single warm "!" is fine); the
rewrite makes the run one "!"."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Edit, Hit, Metric
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    least = p["min"]
    return [(s, e, "") for s, e in ms.bangs if e - s >= least]


def edit(text: str, f, long=None) -> Edit | None:
    quote = f.quote
    if quote and set(quote) == {"!"} and len(quote) > 1:
        return f.start, f.end, "!", f"“{quote}” → “!”", "bang", f
    return None


METRIC = Metric(
    "exclamation_run",
    check,
    params={"min": int},
    defaults={"min": 2},
    gate="bangs",
    edit=edit,
    push="fewer",
)
