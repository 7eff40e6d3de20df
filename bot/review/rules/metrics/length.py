"""`length`: over the platform's length limit, counted the way the platform counts,
quoted from the first word that does not fit; the quote is kept exactly as found."""

from __future__ import annotations

from bot.review.core.platforms import overflow_start
from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    text = ctx.text
    if ms.fits(text, ctx.platform):  # weighed once a draft: the strengths ask too
        return []
    cut = overflow_start(text, ctx.platform)
    while cut > 0 and text[cut - 1].isalnum() and text[cut].isalnum():
        cut -= 1  # quote whole words: from the first word that doesn't fit
    end = len(text.rstrip())
    if end <= cut:
        end = len(text)
    n = ms.weighted_length(text, ctx.platform)
    return [(cut, end, f"{n} characters; {ctx.platform.label} allows {ctx.platform.limit}")]


METRIC = Metric("length", check, exact_span=True, push="never")
