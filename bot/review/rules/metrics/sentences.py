"""Where sentences start and end, for the quotes of findings about something absent (the
draft's last sentence) and for the rewrite's capitals (a word at a sentence start)."""

from __future__ import annotations

import re
from bisect import bisect_left

# `[.!?…]+["')\]]*\s+|\n+`, written to start with one character class so the regex
# engine skips ahead to candidates instead of trying both branches at every position.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|(?<=[.!?…])[.!?…]*[\"')\]]*\s+)")


def last_sentence(text: str) -> tuple[int, int]:
    """Span of the draft's last sentence (non-empty when the text is), for absence findings."""
    end = len(text.rstrip())
    if end == 0:
        return 0, 0
    start = 0
    # Look in the last few hundred characters first; a sentence end found there is the
    # last one (a run cut by the window still ends where it ends). Else scan it all.
    for lo in (max(0, end - 300), 0) if end > 300 else (0,):
        for m in _SENTENCE_END.finditer(text, lo, end):
            if m.end() < end:
                start = m.end()
        if start:
            break
    while start < end and text[start].isspace():
        start += 1
    return start, end


class SentencesBefore:
    """last_sentence(text[:limit]) for many limits of one text, each in log time: the
    sentence ends are found once. (A match of _SENTENCE_END that ends before `limit` is
    the same whether the text is cut there or not, and one cut by it can't end before
    it.) Walking back sentence by sentence through a long draft stays linear."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def last(self, limit: int) -> tuple[int, int]:
        text = self.text
        end = limit
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end == 0:
            return 0, 0
        i = bisect_left(self.ends, end)
        start = self.ends[i - 1] if i else 0
        while start < end and text[start].isspace():
            start += 1
        return start, end


def whole_stripped(text: str) -> tuple[int, int]:
    """Span of the text without its surrounding whitespace."""
    stripped = text.strip()
    if not stripped:
        return 0, 0
    start = len(text) - len(text.lstrip())
    return start, start + len(stripped)


def at_sentence_start(text: str, pos: int) -> bool:
    """Whether only symbols or spaces stand between `pos` and the previous sentence end."""
    i = pos
    while i > 0:
        ch = text[i - 1]
        if ch in ".!?:\n…":
            return True
        if ch.isalnum() or ch == "_":
            return False
        i -= 1
    return True
