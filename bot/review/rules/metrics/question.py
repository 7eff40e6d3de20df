"""`question`: a post of `min_words` or more that asks nothing and invites no answer,
quoted at its last sentence (a finding about something absent)."""

from __future__ import annotations

import re

from bot.review.rules.metrics.base import Context, Hit, Metric
from bot.review.rules.metrics.measures import WORDS_CAP, Measures
from bot.review.rules.metrics.sentences import last_sentence


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    # A reply is already a conversation: answering a comment, an @-reply, a draft that
    # opens by thanking someone, or congratulates someone, needs no question to invite one.
    # (A "thanks" signing off an ask, "please subscribe. thanks", still does.)
    if ctx.comment is not None or ms.questions or ms.invites or ms.congrats:
        return []
    opening = _OPENING.match(ctx.text)
    if opening.group(1) or ms.thanks_at <= opening.end() + THANKS_OPENING:
        return []
    least = p["min_words"]
    words = ms.word_count(ctx.text) if least <= WORDS_CAP else len(ctx.text.split())
    if words < least:
        return []
    s, e = last_sentence(ctx.text)
    return [(s, e, "")] if e > s else []


# Leading space and greeting words, then @-names (".@name" makes a tweet reply public).
_OPENING = re.compile(r"\s*(?:(?:hi|hey|hello|dear)\b[\s,]*)?(\.?@\w+[\s,:;.!-]*)*", re.I)
THANKS_OPENING = 12  # a thank-you that opens the draft ("Many thanks", "Thank you")


METRIC = Metric(
    "question",
    check,
    params={"min_words": int},
    defaults={"min_words": 12},
    absence=True,
    push="never",
)
