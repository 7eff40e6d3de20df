"""Numbers keep what they count: "10,000 likes" can't become "10,000 meals".

A number's count is the word right after it; a rewrite that keeps the number but puts
another noun after every occurrence of it has changed the fact, though not the digits.
"""

from __future__ import annotations

import re

from bot.review.rules.fact_check.extract import Fact

GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")  # "10,000 likes": a count, written as one
_COUNTED = re.compile(r"[ \t]([^\W\d_]{3,})")
_NEXT_WORDS = re.compile(r"[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?(?:[ \t]+([^\W\d_]+))?")
# fmt: off
_NOT_COUNTED = frozenset((
    "and", "or", "but", "the", "for", "of", "to", "in", "on", "at", "by", "with", "from",
    "per", "than", "more", "less", "new", "other", "extra", "happy", "am", "pm",
))
# fmt: on


def what_it_counts(text: str, f: Fact) -> str | None:
    """The word a count counts ("likes" of "10,000 likes"); None for a number that counts
    nothing we can tell (a phone number, "09066… URGENT!", "5 and")."""
    if not (f.text.isdigit() and len(f.text) <= 6) and not GROUPED.fullmatch(f.text):
        return None
    m = _COUNTED.match(text, f.end)
    if m is None or not m.group(1).islower():
        return None
    word = m.group(1)
    return None if word in _NOT_COUNTED else word


def _same_thing(a: str, b: str) -> bool:
    return a[:4] == b[:4] or a.rstrip("s") == b.rstrip("s")


_MOST_SAME = 20  # occurrences of one number looked at (a draft repeating it is not longer)


def recounted(draft: str, draft_facts, rewrite: str, rewrite_facts) -> list[Fact]:
    """Numbers of the draft that the rewrite keeps, but counting something else."""
    by_value: dict[str, list[Fact]] = {}
    for g in rewrite_facts:
        if g.kind == "number":
            by_value.setdefault(g.value, []).append(g)
    out = []
    for f in draft_facts:
        if f.kind != "number":
            continue
        unit = what_it_counts(draft, f)
        if unit is None:
            continue
        same = by_value.get(f.value, [])[:_MOST_SAME]
        if not same:
            continue
        after = []
        for g in same:
            m = _NEXT_WORDS.match(rewrite, g.end)
            after.append([w.lower() for w in m.groups() if w] if m else [])
        if any(any(_same_thing(unit, w) for w in words) for words in after):
            continue
        firsts = [words[0] for words in after if words]
        if firsts and all(w not in _NOT_COUNTED for w in firsts):
            out.append(f)
    return out
