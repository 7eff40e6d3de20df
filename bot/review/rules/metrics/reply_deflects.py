"""`reply_deflects`: a move to another channel (a `channels` phrase or a link) and nothing
else for the person."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.replying import gives_nothing, prepare_phrases, sentence_around


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """A move to another channel (DM, a link, a form) and nothing for the person."""
    if ctx.comment is None or ctx.read.kind not in ("complaint", "question"):
        return []
    reply = ctx.reply(p)
    if reply.channel is None or not gives_nothing(ms, reply):
        return []
    return [(*sentence_around(ctx.text, reply.channel, reply.body_end), "")]


METRIC = Metric(
    "reply_deflects",
    check,
    params={"channels": list, "stock": list},
    prepare=prepare_phrases,
)
