"""Finding the facts (or findings, or names) at a place in a draft without reading them all.

The rewrite asks "which facts does this edit touch?" once per edit and per sentence; a
loop over every fact for each question made a long draft quadratic (a 1 MB draft took
minutes). A SpanIndex answers in O(log n + answers) for spans sorted and apart, as
facts() and names() give them, and stays correct (only slower) for any others. Answers
come in the list's own order, so code switched to it behaves exactly as before.
"""

from __future__ import annotations

from bisect import bisect_left


class SpanIndex:
    """Items with `.start` and `.end`, looked up by position."""

    def __init__(self, items):
        self.items = list(items)
        order = sorted(range(len(self.items)), key=lambda i: self.items[i].start)
        self._order = order
        self._starts = [self.items[i].start for i in order]
        reach = []  # the furthest end among the items sorted up to here
        furthest = -1 << 62
        for i in order:
            furthest = max(furthest, self.items[i].end)
            reach.append(furthest)
        self._reach = reach

    def overlapping(self, s: int, e: int) -> list:
        """The items with start < e and end > s, in list order."""
        j = bisect_left(self._starts, e) - 1
        found = []
        reach, order, items = self._reach, self._order, self.items
        while j >= 0 and reach[j] > s:
            i = order[j]
            if items[i].end > s:
                found.append(i)
            j -= 1
        found.sort()
        return [items[i] for i in found]

    def starting_in(self, lo: int, hi: int) -> list:
        """The items with lo <= start < hi, in list order."""
        a = bisect_left(self._starts, lo)
        b = bisect_left(self._starts, hi)
        return [self.items[i] for i in sorted(self._order[a:b])]
