"""`reply_canned`: a reply made only of `stock` lines, nothing taken from the comment."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.replying import LEADING_HANDLE, gives_nothing, prepare_phrases
from bot.review.rules.metrics.sentences import whole_stripped


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Stock lines that could answer anyone, and nothing taken from the comment."""
    if ctx.comment is None or ctx.read.kind not in ("complaint", "question"):
        return []
    reply = ctx.reply(p)
    if reply.channel is not None or not gives_nothing(ms, reply):
        return []
    s, e = whole_stripped(ctx.text[: reply.body_end])
    while s < e and ctx.text[s] in "@.":  # the @-names a reply opens with are not the script
        m = LEADING_HANDLE.match(ctx.text, s, e)
        if m is None:
            break
        s = m.end()
    return [(s, e, "")] if e > s and any(c.isalpha() for c in ctx.text[s:e]) else []


METRIC = Metric(
    "reply_canned",
    check,
    params={"channels": list, "stock": list},
    prepare=prepare_phrases,
)
