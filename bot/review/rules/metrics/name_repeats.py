"""`name_repeats`: the same capitalised name said more than `max` times, quoted where it
passes the limit."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import NAME, Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    most = p["max"]
    hits = []
    over = {name for name, n in ms.names.items() if n > most}
    if not over:
        return hits
    # One pass for every name over the limit (a pass per name was quadratic on long drafts).
    seen: dict[str, int] = {}
    at: dict[str, tuple[int, int]] = {}
    for m in NAME.finditer(ctx.text):
        name = m.group()
        if name in over and name not in at:
            k = seen.get(name, 0)
            if k == most:
                at[name] = m.span()
            seen[name] = k + 1
    for name, n in ms.names.items():
        if n > most:
            hits.append((*at[name], f"“{name}” {n} times"))
    return hits


METRIC = Metric(
    "name_repeats", check, params={"max": int}, defaults={"max": 2}, gate="names", push="never"
)
