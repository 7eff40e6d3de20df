"""Finding the facts (or findings, or names) at a place in a draft without reading them all.

The rewrite asks "which facts does this edit touch?" once per edit and per sentence; a
loop over every fact for each question made a long draft quadratic (a 1 MB draft took
minutes). A SpanIndex answers in O(log n + answers) for spans sorted and apart, as
facts() and names() give them, and stays correct (only slower) for any others. Answers
come in the list's own order, so code switched to it behaves exactly as before. A short
list (the usual draft's) is simply read through: building the index would cost more.
"""

from __future__ import annotations

from bisect import bisect_left

SHORT = 16  # items read through rather than indexed


class SpanIndex:
    """Items with `.start` and `.end`, looked up by position."""

    __slots__ = ("_order", "_reach", "_starts", "items")

    def __init__(self, items):
        self.items = items if isinstance(items, list) else list(items)
        self._order: list[int] | None = None

    def _build(self) -> None:
        items = self.items
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        self._starts = [items[i].start for i in order]
        reach = []  # the furthest end among the items sorted up to here
        furthest = -1 << 62
        for i in order:
            furthest = max(furthest, items[i].end)
            reach.append(furthest)
        self._reach = reach
        self._order = order

    def overlapping(self, s: int, e: int) -> list:
        """The items with start < e and end > s, in list order."""
        items = self.items
        if len(items) <= SHORT:
            return [f for f in items if f.start < e and f.end > s]
        if self._order is None:
            self._build()
        j = bisect_left(self._starts, e) - 1
        found = []
        reach, order = self._reach, self._order
        while j >= 0 and reach[j] > s:
            i = order[j]
            if items[i].end > s:
                found.append(i)
            j -= 1
        found.sort()
        return [items[i] for i in found]

    def starting_in(self, lo: int, hi: int) -> list:
        """The items with lo <= start < hi, in list order."""
        items = self.items
        if len(items) <= SHORT:
            return [f for f in items if lo <= f.start < hi]
        if self._order is None:
            self._build()
        a = bisect_left(self._starts, lo)
        b = bisect_left(self._starts, hi)
        return [items[i] for i in sorted(self._order[a:b])]
