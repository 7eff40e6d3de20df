"""The facts of a rewrite, re-extracted only where it differs from its draft: a long draft
with a few edits costs the edits, not the whole text, and the answer is exactly facts().

A "cut" is a whitespace character no fact candidate can contain. Only numbers, prices,
percentages and dates ever span whitespace, and only one character at a time: after a
currency sign ("$ 5"), an ordinal ("5th of"), "of" or "per" ("per cent"); after a digit
when a unit, a month, "%", "k"/"m"/"bn" or another digit follows ("5 pm", "5 usd", "5
March", "March 5 2024"); before a digit after a letter, "." or "," ("March 5", "5 March,
2024"). Every lookaround of extract.py reads one character (the email scan stops at
whitespace), so facts(text) is the facts of the pieces between cuts, each extracted on
its own (Slack markup, whose label may hold spaces, is the exception: any "<" and the
rewrite is simply extracted in full).
"""

from __future__ import annotations

import re

from bot.review.rules.fact_check.extract import Fact, facts, make_fact, stated_numbers

# Written to start with `\s`, so the regex engine tries the lookarounds at whitespace only.
_CUT = re.compile(
    r"\s(?<![$€£¥₹]\s)(?<!of\s)(?<!per\s)(?<!\dst\s)(?<!\dnd\s)(?<!\drd\s)(?<!\dth\s)"
    r"(?!(?<=[\w.,]\s)\d)"
    r"(?!(?<=\d\s)(?:[%km]|(?-i:[^\x00-\x7f])|bn|us|eu|gb|ca|au|do|po|pe|of|ja|fe|ma|ap|ju|se"
    r"|oc|no|de|am|pm|a\.|p\.))",
    re.I,
)
_CONTEXT = 3  # characters the cut test reads before the cut
_AFTER = 2  # and after it


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search: each test is one C-level comparison
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, most: int) -> int:
    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _shifted(found: list[Fact], by: int) -> list[Fact]:
    if not by:
        return found
    return [make_fact(f.kind, f.value, f.start + by, f.end + by, f.text) for f in found]


def rewrite_facts(original: str, original_facts: list[Fact], rewrite: str, edits=None):
    """facts(rewrite), exactly, re-extracting only around the places it differs from
    `original` (whose facts are `original_facts`).

    `edits`: the (start, end) spans of `original` that were changed; the text between
    them is looked for in `rewrite` (so tidied spaces or capitals near an edit only cost
    a little more work, never a wrong answer). None: one span, from the first to the
    last character that differs.
    """
    if "<" in rewrite or "<" in original:
        return facts(rewrite)
    n = len(original)
    if edits is None:
        a = _common_prefix(original, rewrite)
        if a == n == len(rewrite):
            return list(original_facts)
        b = _common_suffix(original, rewrite, min(n, len(rewrite)) - a)
        edits = [(a, n - b)]
    # The unchanged stretches of the original, between edits.
    gaps = []
    pos = 0
    for s, e in sorted(edits):
        if s > pos:
            gaps.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        gaps.append((pos, n))
    out: list[Fact] = []
    done = 0  # rewrite[:done] is accounted for; rewrite[done - 1] is a cut when done > 0
    cursor = 0
    for g0, g1 in gaps:
        first = _CUT.search(original, g0 + 2 * _CONTEXT, g1)
        if first is None:
            continue
        c_left = first.start()
        c_right = -1
        for lo in (max(c_left + 1, g1 - 64), c_left + 1):
            for m in _CUT.finditer(original, lo, g1):
                if m.start() <= g1 - 3 - _AFTER:
                    c_right = m.start()
            if c_right >= 0:
                break
        if c_right <= c_left or c_right + 1 + _AFTER > n:
            continue
        seg = original[c_left - _CONTEXT : c_right + 1 + _AFTER]
        r = rewrite.find(seg, cursor)
        if r < 0:
            continue
        r_left = r + _CONTEXT
        r_right = r_left + (c_right - c_left)
        # The rewrite's own stretch before this one, then the original's facts of it.
        if r_left > done:
            out += _shifted(facts(rewrite[done:r_left]), done)
        by = r_left - c_left
        out += _shifted([f for f in original_facts if c_left < f.start and f.end <= c_right], by)
        done = r_right + 1
        cursor = done
    if done == 0:
        return facts(rewrite)
    if done < len(rewrite):
        out += _shifted(facts(rewrite[done:]), done)
    return out


def surely_kept(original: str, found: list[Fact], rewrite: str) -> bool:
    """Whether facts(rewrite) surely states every fact of `found` (facts of `original`, in
    order): each stands in a piece of the original between cuts (or an end) that the
    rewrite holds word for word between cuts (or an end) of its own, so facts(rewrite)
    finds it there too. False means "not shown", not "lost": ask missing_facts.

    Most rules rewrites keep their facts away from the edits, and this costs a few
    searches instead of extracting the whole rewrite."""
    if "<" in rewrite or "<" in original:
        return False
    n = len(original)
    match = _CUT.match
    lower = None  # the rewrite lower-cased, if a piece needs it
    done = 0  # original[:done] is in pieces already found; original[done - 1] is a cut
    cursor = 0  # and they end at rewrite[cursor - 1]
    for f in found:
        if f.start < done:
            if f.end <= done:
                continue  # in the piece just found (`found` is in order)
            return False
        left = f.start - 1  # the cut before the fact (facts hold none), or -1: the start
        while left >= done and not (original[left].isspace() and match(original, left)):
            left -= 1
        m = _CUT.search(original, f.end)
        right = n if m is None else m.start()
        piece = original[left + 1 : right]
        end = _between_cuts(rewrite, piece, cursor)
        if end < 0 and _case_free(piece):
            # Calming capitals changed only case: no fact of these pieces can tell.
            if lower is None:
                lower = rewrite.lower()
                if len(lower) != len(rewrite):  # "İ" lowers to two characters: offsets differ
                    lower = ""
            if lower:
                end = _between_cuts(lower, piece.lower(), cursor, rewrite)
        if end < 0:
            return False
        done = right + 1
        cursor = end + 1
    return True


def _between_cuts(text: str, piece: str, start: int, cased: str | None = None) -> int:
    """Where the first `piece` in text[start:] that stands between cuts (or an end) ends,
    or -1. With `cased` (text before lower-casing), only an ASCII stretch of it counts."""
    size = len(text)
    check = cased or text
    at = text.find(piece, start)
    while at >= 0:
        end = at + len(piece)
        if (
            (at == 0 or _CUT.match(check, at - 1))
            and (end == size or _CUT.match(check, end))
            and (cased is None or check[at:end].isascii())
        ):
            return end
        at = text.find(piece, at + 1)
    return -1


def _case_free(piece: str) -> bool:
    """Whether the facts of `piece` (kinds and values) are those of it in any case: ASCII
    with no link (a URL keeps its path's case, and "Www." is no link), as facts() reads
    everything else ignoring case and lower-cases its values."""
    return piece.isascii() and "://" not in piece and "www." not in piece.lower()


def missing_facts(
    original: list[Fact], rewrite: str, *, original_text: str | None = None, edits=None
) -> list[Fact]:
    """The facts of the original (already extracted) that the rewrite does not state.

    Given the original text too (and, better, the spans `edits` changed), the rewrite's
    facts are re-extracted only where it differs (see rewrite_facts); same answer.
    """
    if not original:
        return []
    if original_text is None:
        have = facts(rewrite)
    else:
        have = rewrite_facts(original_text, original, rewrite, edits)
    keys = {(f.kind, f.value) for f in have}
    numbers = stated_numbers(have)
    missing: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for f in original:
        key = (f.kind, f.value)
        if key in keys or key in seen:
            continue
        if f.kind == "number" and f.value in numbers:
            continue
        seen.add(key)
        missing.append(f)
    return missing
