"""`reply_asks_again`: asks for the DM or details the comment says were already sent."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.replying import prepare_phrases, sentence_around


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Asking for a DM or details the person says they already sent."""
    if ctx.comment is None or not ctx.read.done:
        return []
    reply = ctx.reply(p)
    if reply.channel is None or reply.acts:
        return []
    return [(*sentence_around(ctx.text, reply.channel, reply.body_end), "")]


METRIC = Metric("reply_asks_again", check, params={"channels": list}, prepare=prepare_phrases)
