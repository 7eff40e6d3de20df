"""`caps_words`: runs of ordinary words in capitals ("HUGE SALE") beyond the first `max`
shouting words; the rewrite calms each run (capitals.calm)."""

from __future__ import annotations

import re

from bot.review.rules.metrics.base import Context, Edit, Hit, Metric
from bot.review.rules.metrics.capitals import ACRONYMS, calm, ordinary_caps
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Each run of ALL-CAPS words (one space or tab apart; acronyms break it) that holds a
    shouting word past the first `max`, quoted whole: "HUGE SALE", not "SALE", so the
    quote is the very words the rewrite calms. Words shorter than `min_length` ("SO") join
    a run but never count as shouting on their own."""
    if not ms.caps:
        return []
    text = ctx.text
    allow = p["_allow"]
    least = p["min_length"]
    most = p["max"]
    hits: list[Hit] = []
    seen = 0  # shouting words so far: the first `most` of them are let be
    run_s = run_e = -1
    flagged = False
    for s, e in ms.caps:
        word = text[s:e]
        # An acronym or a name breaks the run (the rewrite leaves it as it is): None.
        acronym = word in ACRONYMS or word.replace("’", "'") in allow or not ordinary_caps(word)
        shouts = None if acronym else e - s >= least
        if shouts is not None and run_e >= 0 and _RUN_GAP.fullmatch(text, run_e, s):
            run_e = e  # "HUGE" + "SALE", "WE'RE" + "HIRING": one run, quoted whole
        else:
            if flagged:
                hits.append((run_s, run_e, ""))
            run_s, run_e, flagged = (s, e, False) if shouts is not None else (-1, -1, False)
        if shouts:
            seen += 1
            flagged = flagged or seen > most
    if flagged:
        hits.append((run_s, run_e, ""))
    return hits


_RUN_GAP = re.compile(r"[ \t]+")  # what may stand between two words of one ALL-CAPS run


def prepare(p: dict) -> None:
    """The rule's `allow` list as a set of upper-case words, ready to test."""
    p["_allow"] = frozenset(str(a).upper().replace("’", "'") for a in p["allow"])


def edit(text: str, f, long=None) -> Edit | None:
    quote = f.quote
    if quote.isupper() and not quote.isspace():
        # The finding already quotes the whole ALL-CAPS run (check above).
        calmed = calm(text, f.start, f.end, long)
        if calmed != quote:
            return f.start, f.end, calmed, f"“{quote}” → “{calmed}”", "caps", f
    return None


METRIC = Metric(
    "caps_words",
    check,
    params={"min_length": int, "max": int, "allow": list},
    defaults={"min_length": 3, "max": 0, "allow": []},
    gate="caps",
    prepare=prepare,
    edit=edit,
    push="fewer",
)
