"""What a draft already does well, named so people keep doing it.

Built in (not playbook data): they read the same one-pass Measures the metric rules use,
plus one anchored look at the end of the draft for a signature.
"""

from __future__ import annotations

import re

from bot.review.core.model import Strength
from bot.review.core.platforms import Platform
from bot.review.rules.metrics.measures import Measures

# "— Sam", "-Jo", "~ Priya K.", "^SM" at the very end of the draft.
_SIGNATURE = re.compile(
    r"(?:^|\s)(?:[—–~-]{1,2}\s?(?:[A-Z][a-z]+(?:\s[A-Z][a-z]*\.?)?|[A-Z]{2,3})|\^[A-Z]{1,3})\s*$"
)

ASKS = Strength("asks-question", "Asks a question people can answer")
THANKS = Strength("thanks", "Thanks someone")
SPEAKS_TO_YOU = Strength("speaks-to-you", "Speaks to “you”")
OWNS = Strength("owns-mistake", "Owns a mistake")
SIGNED = Strength("signed", "Signed by a person")
HELP = Strength("offers-help", "Offers a way to get help")
LINK = Strength("clear-link", "One clear link")
PLAIN = Strength("plain-length", "Short and plain")


# "Short and plain" is not said of a draft that reads like an ad (model.verdict_for), however
# short: a plain form does not make a hard sell plain.
PLAIN_MIN_SCORE = 50


def strengths(
    text: str, ms: Measures, platform: Platform, score: int = 100
) -> tuple[Strength, ...]:
    """The strengths of a draft on `platform`, in a fixed order (`score`: the review's human
    score)."""
    found = []
    if ms.questions or ms.invites:
        found.append(ASKS)
    if ms.thanks:
        found.append(THANKS)
    if ms.you and ms.you >= len(ms.we):
        found.append(SPEAKS_TO_YOU)
    if ms.owns:
        found.append(OWNS)
    tail = text[-40:]
    if ("-" in tail or "—" in tail or "–" in tail or "~" in tail or "^" in tail) and (
        _SIGNATURE.search(tail)
    ):
        found.append(SIGNED)
    if ms.help:
        found.append(HELP)
    if len(ms.links) == 1:
        found.append(LINK)
    if (
        score >= PLAIN_MIN_SCORE
        and not ms.caps
        and 5 <= ms.word_count(text) <= 50
        and text.count("!") <= 1
        and ms.fits(text, platform)  # asked last: on X it weighs every link
    ):
        found.append(PLAIN)
    return tuple(found)
