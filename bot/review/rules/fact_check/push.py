"""Push: the facts a finding asks to drop, which a rewrite may let go (and says it did).

The small counts, hashtags and "today"/"tonight"/"tomorrow" inside a flagged span ("only 3
left", "tag 3 friends", "#1", "1 LIKE = 1 MEAL", "Book a demo today!"), hashtags the engine
flags as stuffing (the whole run they end), and keycap list markers (1️⃣ 2️⃣). Which rules
ask to drop words is read off the playbook (push_rules), not listed by hand.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right

from bot.review.rules.fact_check.counts import GROUPED
from bot.review.rules.fact_check.extract import Fact
from bot.review.rules.metrics import NOT_PUSH, STUFFING

_DROPPABLE_KINDS = frozenset({"number", "hashtag"})  # names are never push ("Follow Jane Doe")
_RELATIVE_DAYS = frozenset({"today", "tonight", "tomorrow"})
MAX_PUSH_DIGITS = 3  # "only 3 left", "tag 3 friends", "#1", "12 hours"
_PENCE = re.compile(r"p(?![a-z])|ppm", re.IGNORECASE)


def _push_count(number: str, text: str, end: int) -> bool:
    """Whether a number can be a count that push states ("3", "12", "10,000"), not a
    phone number, a short code, a year or an amount in pence ("0207 153 9153", "88039",
    "2024", "60p"): those are facts wherever they stand."""
    if _PENCE.match(text, end):
        return False
    return (number.isdigit() and len(number) <= MAX_PUSH_DIGITS) or bool(GROUPED.fullmatch(number))


_EXCLAIMS = re.compile(r"[^.?!\n]{0,40}!")
KEYCAP = re.compile(r"\ufe0f?\u20e3")
_FAR = 1 << 62


_PUSH_RULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def push_rules(compiled) -> frozenset[str]:
    """Ids of the rules whose findings ask to drop words: a rule whose swaps remove words
    (hard-sell, urgency, engagement bait, self-praise…), one about stuffing (hashtags,
    emoji, capitals), and a rule with no swaps under a principle such rules serve
    ("1 LIKE = 1 MEAL" under connection-over-fame). Not jargon, canned scripts, policy
    quoting or non-apologies: those ask for other words, not for fewer."""
    found = _PUSH_RULES.get(compiled)
    if found is None:
        removers = {r.id for r in compiled.rules if any(repl == "" for _k, repl in r.swap)}
        principles = {r.principle for r in compiled.rules if r.id in removers}
        found = frozenset(
            r.id
            for i, r in enumerate(compiled.rules)
            if r.id in removers
            or compiled.metric_kinds[i] & STUFFING
            or (not r.swap and r.principle in principles)
        )
        _PUSH_RULES[compiled] = found
    return found


def push_spans(text: str, findings, playbook=None, compiled=None) -> list[tuple[int, int]]:
    """The spans of `text` whose findings ask to drop words (see the module docstring); a
    hashtag-stuffing span reaches back over the whole run of hashtags it ends. Give the
    playbook, or its compiled form."""
    compiled = compiled if compiled is not None else playbook.compiled
    pushy = push_rules(compiled)
    spans = []
    for f in findings:
        idx = compiled.index.get(f.rule)
        kinds = compiled.metric_kinds[idx] if idx is not None else frozenset()
        if kinds & NOT_PUSH or not (f.rule in pushy or f.replacement == ""):
            continue
        start = _hashtag_run_start(text, f.start) if "hashtags" in kinds else f.start
        spans.append((start, f.end))
    merged: list[tuple[int, int]] = []  # sorted and apart, for a bisect in droppable()
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _hashtag_run_start(text: str, pos: int) -> int:
    """Where the run of hashtags (and spaces) ending at `pos` starts; a backward scan."""
    i = pos
    while True:
        j = i
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        k = j
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
            k -= 1
        if k < j and k > 0 and text[k - 1] == "#":
            i = k - 1
            continue
        return i


def droppable(f: Fact, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether fact `f` of `text` is push: it may go, and the review says it went."""
    if f.kind == "number" and KEYCAP.match(text, f.end):
        return True  # 1️⃣ 2️⃣: list markers, not a count
    if not (f.kind in _DROPPABLE_KINDS or (f.kind == "date" and f.value in _RELATIVE_DAYS)):
        return False
    if f.kind == "number" and not _push_count(f.text, text, f.end):
        return False  # a phone number, a short code, a year, a price in pence
    i = bisect_right(spans, (f.start, _FAR)) - 1  # spans: push_spans(), sorted and apart
    if i >= 0 and spans[i][0] <= f.start < spans[i][1]:
        return True
    # "Book a demo today!": a relative day in an exclamation is urgency, not a date.
    return f.kind == "date" and _EXCLAIMS.match(text, f.end) is not None
