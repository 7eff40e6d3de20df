"""`we_you_balance`: a draft all about us (we/our/us at least `min_we` times and `ratio`
times the you/your count), quoted where it says we/our/us most."""

from __future__ import annotations

import re

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    we = len(ms.we)
    if we >= p["min_we"] and we >= p["ratio"] * ms.you:
        s, e = _most_about_us(ctx.text, ms.we)
        return [(s, e, f"{we} we/our/us, {ms.you} you/your")]
    return []


_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_NEXT_WORD = re.compile(r"[ \t]+[\w'’-]+")


def _most_about_us(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The quote for "all about us": in the sentence saying we/our/us most often (the
    first such), from its first to its last we/our/us and the word after it ("We moved our
    search from Elasticsearch to Postgres and cut our bill"), not a lone "We"."""
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for span in spans:
        if run and _SENTENCE_BREAK.search(text, run[-1][1], span[0]):
            best = run if len(run) > len(best) else best
            run = []
        run.append(span)
    best = run if len(run) > len(best) else best
    s, e = best[0][0], best[-1][1]
    m = _NEXT_WORD.match(text, e)
    return s, m.end() if m else e


METRIC = Metric(
    "we_you_balance",
    check,
    params={"min_we": int, "ratio": (int, float)},
    defaults={"min_we": 3, "ratio": 3.0},
    gate="we",
    push="never",
)
