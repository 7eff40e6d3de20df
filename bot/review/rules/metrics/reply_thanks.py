"""`reply_thanks`: a reply to praise or a complaint that neither thanks, apologises, acts,
asks back nor says an `accept` phrase (or, to praise, a `warm` one)."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.replying import answers_in_kind, prepare_phrases, reply_absence


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    if ctx.comment is None or ms.thanks or ctx.read.kind not in ("complaint", "praise"):
        return []
    if answers_in_kind(p, ms, ctx):
        return []
    return reply_absence(ctx, ctx.reply(p))


METRIC = Metric(
    "reply_thanks",
    check,
    params={"accept": list, "warm": list, "channels": list, "stock": list},
    prepare=prepare_phrases,
    absence=True,
    push="never",
)
