"""`reply_acknowledges`: a reply to a complaint that neither apologises, acts, asks back,
takes up what the comment named nor says an `accept` phrase."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.replying import answers_in_kind, prepare_phrases, reply_absence


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    if ctx.comment is None or ms.owns or ctx.read.kind != "complaint":
        return []
    if answers_in_kind(p, ms, ctx) or ctx.reply(p).takes_from_comment:
        return []
    return reply_absence(ctx, ctx.reply(p))


METRIC = Metric(
    "reply_acknowledges",
    check,
    params={"accept": list, "channels": list, "stock": list},
    prepare=prepare_phrases,
    absence=True,
    push="never",
)
