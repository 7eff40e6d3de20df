"""`links`: links beyond `max`, each quoted."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    n = len(ms.links)
    return [(s, e, f"{n} links") for s, e in ms.links[p["max"] :]]


METRIC = Metric("links", check, params={"max": int}, defaults={"max": 2}, gate="links")
