"""Names a rewrite must keep: products, places, people and organisations ("Aurora",
"Nimbus Labs", "Leeds", "— Maya").

A name is a capitalised word that doesn't start a sentence (so it isn't capitalised for
that reason), with the capitalised words right after it ("Nimbus Labs"); at a sentence
start, the capitalised words after the first ("Meet Aurora" gives "Aurora", "Nimbus Labs
makes…" gives "Labs"); and mixed-case words anywhere ("iPhone", "PayPal"). Common sentence
words ("The", "Thanks"), the ordinary words a pushy draft capitalises ("Oh", "Like",
"Tag", "Win"), contractions ("I've") and day and month names (dates are facts of their
own) are not names. A draft written in Title Case, like a headline, has no names we can
tell apart, so none are taken.

Names are compared as words, ignoring case: "leeds" keeps "Leeds", and a name moved to the
start of a sentence is still kept. Unlike the other facts (extract.py), finding a name
needs to look back past spaces (to the end of the previous sentence), so names are kept out
of facts() and its piecewise re-extraction.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from bot.review.rules.fact_check.extract import Fact, make_fact
from bot.review.rules.sentence_words import NOT_NAMES
from bot.review.rules.spans import SpanIndex

# A word that may be a name, at the start of a token (not after a letter or digit, nor a
# mention's "@" or a "#"): it doesn't start with a-z ("Leeds", "Ça": checked in Python), or
# it is mixed-case ("iPhone"). Lower-case words are never looked at.
_CANDIDATE = re.compile(r"(?<![\w@#])(?:[^\W\d_a-z]\w*(?:['’][^\W\d_]+)*(?!\w)|[a-z]+[A-Z]\w*)")
# fmt: off
_CALENDAR = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Today", "Tonight", "Tomorrow",
))
# fmt: on
_SENTENCE_END = ".!?…:\n"
_OPENERS = "\"'“‘([*_"
# Ordinary words a brand capitalises for emphasis or at the start of a clause after a comma
# ("Oh, Like and Tag to Win!"): they are what a pushy draft says, not who or what it names.
# fmt: off
_ORDINARY = frozenset((
    "Oh", "Ah", "Wow", "Yay", "Omg", "Ok", "Okay", "Hooray", "Psst", "Well", "Like", "Likes",
    "Tag", "Share", "Comment", "Follow", "Subscribe", "Retweet", "Repost", "Win", "Enter",
    "Click", "Buy", "Shop", "Order", "Book", "Join", "Grab", "Hurry", "Act", "Call", "Text",
    "Sign", "Register", "Download", "Visit", "Tap", "Swipe", "Watch", "Read", "Learn", "See",
    "Don't", "Free", "Sale", "Offer", "Deal", "Deals", "Limited", "Only", "Last", "Final",
    "Big", "Huge", "Best", "Amazing", "Exclusive", "Bonus", "Winner", "Congrats",
    "Congratulations", "Happy", "Good", "Great", "Love", "Welcome", "Sorry", "Also", "Plus",
    "Meal", "Meals", "Friends", "Friend", "Everyone", "Anyone", "Tonight", "Yesterday",
))
# fmt: on
_CONTRACTION = re.compile(r"['’](?:ve|m|re|ll|d|t)\Z", re.IGNORECASE)
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
        and word not in _ORDINARY
        and _CONTRACTION.search(word) is None  # "I've", "We're", "Don't"
    )


def _mixed_case(word: str) -> bool:
    """ "iPhone", "PayPal", "YouTube": a capital after the first letter, not ALL CAPS."""
    rest = word[1:]
    return rest != rest.lower() and word != word.upper()


def names(text: str, other_facts: list[Fact] | None = None) -> list[Fact]:
    """The names in `text` (kind "name", value lower-cased), in order; words inside
    `other_facts` (its links, emails, dates…, as facts() found them) are not names."""
    words = list(_CANDIDATE.finditer(text))
    if not words:
        return []
    if other_facts:
        starts = [f.start for f in other_facts]  # facts() gives them in order, apart
        ends = [f.end for f in other_facts]

        def outside(pos: int) -> bool:
            i = bisect_right(starts, pos) - 1
            return i < 0 or pos >= ends[i]

        words = [m for m in words if outside(m.start())]
    tokens = len(text.split())
    capitals = sum(1 for m in words if m.group()[0].isupper())
    if tokens >= TITLE_CASE_MIN_WORDS and capitals >= TITLE_CASE_SHARE * tokens:
        return []
    out: list[Fact] = []
    found = [(m.start(), m.end(), m.group()) for m in words]
    names_here = [_capitalised(w) for _, _, w in found]
    i = 0
    while i < len(found):
        start, end, word = found[i]
        if not names_here[i]:
            if _mixed_case(word):
                out.append(make_fact("name", word.lower(), start, end, word))
            i += 1
            continue
        j = i + 1  # the run of capitalised words joined by single spaces
        while j < len(found) and names_here[j] and found[j][0] == found[j - 1][1] + 1:
            if text[found[j - 1][1]] != " ":
                break
            j += 1
        first = i + 1 if _starts_sentence(text, start) else i  # capitalised for the start?
        if first < j:
            s, e = found[first][0], found[j - 1][1]
            out.append(make_fact("name", text[s:e].lower(), s, e, text[s:e]))
        i = j
    return out


def missing_names(
    original: str, rewrite: str, original_facts: list[Fact] | None = None
) -> list[Fact]:
    """The names of `original` that `rewrite` doesn't say (as words, ignoring case)."""
    return _unsaid(names(original, original_facts), rewrite)


def _unsaid(found: list[Fact], rewrite: str) -> list[Fact]:
    """The names of `found` (each value once) that `rewrite` doesn't say."""
    low = rewrite.lower()
    missing: list[Fact] = []
    seen: set[str] = set()
    for f in found:
        if f.value not in seen:
            seen.add(f.value)
            if not _says(low, f.value):
                missing.append(f)
    return missing


def _says(low: str, value: str) -> bool:
    """Whether lower-cased text has `value` as whole words (not inside a word or a tag)."""
    at = low.find(value)
    while at >= 0:
        end = at + len(value)
        before = low[at - 1] if at else " "
        after = low[end] if end < len(low) else " "
        if not (before.isalnum() or before in "_@#") and not (after.isalnum() or after == "_"):
            return True
        at = low.find(value, at + 1)
    return False


_ENDS = ".!?…\n"
_ENDS_RE = re.compile("[" + re.escape(_ENDS) + "]")


def names_lost_in_edits(
    original: str, rewrite: str, spans: list[tuple[int, int]], original_facts: list[Fact]
) -> list[str]:
    """The names that edits of `original` at `spans` took away and `rewrite` no longer says.

    Only the sentences the edits touch are read (a name elsewhere is still there), so a long
    draft costs no more than its edited sentences.
    """
    touched: list[Fact] = []
    # Sentence ends, facts and each sentence's names found once, then looked up per span
    # (a loop over the whole draft per span made a long draft quadratic).
    ends = [m.start() for m in _ENDS_RE.finditer(original)]
    fact_index = SpanIndex(original_facts)
    per_sentence: dict[tuple[int, int], SpanIndex] = {}
    for s, e in spans:
        i = bisect_left(ends, s)
        a = ends[i - 1] + 1 if i else 0
        j = bisect_left(ends, e)
        b = ends[j] + 1 if j < len(ends) else len(original)
        found = per_sentence.get((a, b))
        if found is None:
            inside = [
                make_fact(f.kind, f.value, f.start - a, f.end - a, f.text)
                for f in fact_index.starting_in(a, b)
            ]
            found = per_sentence[a, b] = SpanIndex(names(original[a:b], inside))
        touched += found.overlapping(s - a, e - a)
    return [f.text for f in _unsaid(touched, rewrite)]
