"""`exclamations`: more than `max` "!" in the whole draft, quoted where the count passes it."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    total = 0
    for s, e in ms.bangs:
        total += e - s
        if total > p["max"]:
            n = sum(b - a for a, b in ms.bangs)
            return [(s, e, f"{n} exclamation marks")]
    return []


METRIC = Metric("exclamations", check, params={"max": int}, defaults={"max": 3}, gate="bangs")
