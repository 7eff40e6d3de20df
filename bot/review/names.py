"""Names a rewrite must keep: products, places, people and organisations ("Aurora",
"Nimbus Labs", "Leeds", "— Maya").

A name is a capitalised word that doesn't start a sentence (so it isn't capitalised for
that reason), with the capitalised words right after it ("Nimbus Labs"); at a sentence
start, the capitalised words after the first ("Meet Aurora" gives "Aurora", "Nimbus Labs
makes…" gives "Labs"); and mixed-case words anywhere ("iPhone", "PayPal"). Common sentence
words ("The", "Thanks") and day and month names (dates are facts of their own) are not
names. A draft written in Title Case, like a headline, has no names we can tell apart, so
none are taken.

Names are compared as words, ignoring case: "leeds" keeps "Leeds", and a name moved to the
start of a sentence is still kept. Unlike the other facts (facts.py), finding a name needs
to look back past spaces (to the end of the previous sentence), so names are kept out of
facts() and its piecewise re-extraction.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.review.facts import Fact, make_fact
from bot.review.metrics import _NOT_NAMES as NOT_NAMES  # the sentence words of the name count

# A word that starts a token: not after a letter or digit, nor a mention's "@" or a "#".
_WORD = re.compile(r"(?<![\w@#])[^\W\d_]\w*(?:['’][^\W\d_]+)*")
# fmt: off
_CALENDAR = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Today", "Tonight", "Tomorrow",
))
# fmt: on
_SENTENCE_END = ".!?…:\n"
_OPENERS = "\"'“‘([*_"
TITLE_CASE_SHARE = 0.7  # a draft this capitalised is a headline: no names to tell apart
TITLE_CASE_MIN_WORDS = 5


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether only spaces and opening quotes stand between `pos` and a sentence end."""
    i = pos - 1
    while i >= 0 and (text[i] in " \t" or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _capitalised(word: str) -> bool:
    """ "Leeds", "Nestlé", "Children's": a capital, then lower case only."""
    return (
        len(word) > 1
        and word[0].isupper()
        and word[1:].islower()
        and word not in NOT_NAMES
        and word not in _CALENDAR
    )


def _mixed_case(word: str) -> bool:
    """ "iPhone", "PayPal", "YouTube": a capital after a lower-case letter."""
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


def names(text: str, other_facts: list[Fact] | None = None) -> list[Fact]:
    """The names in `text` (kind "name", value lower-cased), in order; words inside
    `other_facts` (its links, emails, dates…, as facts() found them) are not names."""
    words = [m for m in _WORD.finditer(text)]
    if other_facts:
        spans = [(f.start, f.end) for f in other_facts]
        words = [m for m in words if not any(s <= m.start() < e for s, e in spans)]
    if not words:
        return []
    capitals = sum(1 for m in words if m.group()[0].isupper())
    if len(words) >= TITLE_CASE_MIN_WORDS and capitals >= TITLE_CASE_SHARE * len(words):
        return []
    out: list[Fact] = []
    i = 0
    while i < len(words):
        m = words[i]
        word = m.group()
        if _mixed_case(word):
            out.append(make_fact("name", word.lower(), m.start(), m.end(), word))
            i += 1
            continue
        if not _capitalised(word):
            i += 1
            continue
        j = i + 1  # the run of capitalised words joined by single spaces
        while (
            j < len(words)
            and _capitalised(words[j].group())
            and text[words[j - 1].end() : words[j].start()] == " "
        ):
            j += 1
        first = i
        if _starts_sentence(text, m.start()):
            first = i + 1  # its first word may be capitalised only for starting the sentence
        if first < j:
            s, e = words[first].start(), words[j - 1].end()
            out.append(make_fact("name", text[s:e].lower(), s, e, text[s:e]))
        i = j
    return out


def missing_names(
    original: str, rewrite: str, original_facts: list[Fact] | None = None
) -> list[Fact]:
    """The names of `original` that `rewrite` doesn't say (as words, ignoring case)."""
    found = names(original, original_facts)
    if not found:
        return []
    low = rewrite.lower()
    missing: list[Fact] = []
    seen: set[str] = set()
    for f in found:
        if f.value in seen:
            continue
        seen.add(f.value)
        if not re.search(rf"(?<![\w@#]){re.escape(f.value)}(?!\w)", low):
            missing.append(f)
    return missing
