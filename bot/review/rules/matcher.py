"""Find every phrase and pattern of a playbook in one pass over the draft.

Phrases: every phrase (and swap key) of a playbook, in each of its gap variants
("follow up" / "followup"), goes into ONE Aho–Corasick automaton (pyahocorasick, in C),
so matching costs one linear scan whatever the number of phrases. The automaton runs on
a *skeleton* of the draft: lower-case ASCII letters, digits and "_" kept, every other
character a space, each padded with a space either side. A key is a phrase's skeleton
with a space either side, so a hit is already word-bounded; the hit is then confirmed
on the normalised draft (punctuation, hyphen or space, and non-ASCII letters exactly as
the phrase has them). Skeleton and normalised draft map 1:1 to the draft, so every
offset found is an offset into the draft exactly as given.

Patterns: each regex runs only when the draft holds the literal strings (and digits)
every match of it must contain; a second automaton finds which of those literals occur.
"""

from __future__ import annotations

import functools
import marshal
import re
import sys
import time
from bisect import bisect_right
from collections.abc import Iterable
from itertools import combinations

import ahocorasick
import regex

# Curly quotes -> straight, the hyphen look-alikes -> "-", every space-like char -> " ".
_TRANSLATE = {
    **dict.fromkeys(map(ord, "‘’‚‛′`´"), "'"),
    **dict.fromkeys(map(ord, "“”„‟″"), '"'),
    **dict.fromkeys(map(ord, "‐‑‒"), "-"),
    **dict.fromkeys(map(ord, "\t\n\r\x0b\x0c\xa0\u2007\u202f\u2009\u200a\u3000"), " "),
}
# str.translate with a dict walks non-ASCII text char by char in Python objects (~40x
# slower than these replaces, each skipped by a C-speed `in` when its char is absent).
_REPLACE_ALL = tuple((chr(k), v) for k, v in _TRANSLATE.items())
_REPLACE_ASCII = tuple((c, " ") for c in "\t\n\r\x0b\x0c")

# The skeleton: ASCII word characters lower-cased, everything else a space (bytes-level).
_SKELETON = bytes(
    32 if c >= 128 else (c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() or c == 95 else 32
    for c in range(256)
)

SEP = " "  # a word gap inside a normalised phrase: matches space, hyphen or nothing
GAP = r"[\s-]*"
_GAPS = re.compile(r"[\s\-\u2010\u2011\u2012]+")
# Gaps of more than one character, squeezed before a scan (`[ -]{2,}`); found as below.
_RUNS = re.compile(r"[ -][ -]+")
# The same runs found on a byte copy: " " and "-" as "x", any other character "." (a
# non-ASCII one is "?" before the translate, so offsets agree). A space is in every word
# gap, so _RUNS stops at each one; a byte search for "xx" runs at memchr speed.
_GAP_MARKS = bytes(120 if c in (32, 45) else 46 for c in range(256))
_MARKED_RUNS = re.compile(rb"xx+")


def gap_marks(norm: str) -> bytes:
    """`norm` as _GAP_MARKS bytes: where _RUNS matches `norm`, rb"xx+" matches these."""
    return norm.encode("ascii", "replace").translate(_GAP_MARKS)


def _lower1(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else low[0]  # "İ" -> "i", its simple lower-case mapping


# The last draft normalised and its normal form, one tuple (so threads never see a mixed
# pair): the phrase scan and the context conditions of one review read the same draft.
_LAST: tuple[str, str] = ("", "")


def normalise(text: str) -> str:
    """Lower-case, straight-quote, one-space-per-space copy of `text` with the same length."""
    global _LAST
    last = _LAST
    if last[0] is text:
        return last[1]
    low = _normalised(text)
    _LAST = (text, low)
    return low


def _normalised(text: str) -> str:
    low = text.lower()
    if text.isascii():
        pairs = _REPLACE_ASCII
    else:
        if len(low) != len(text):  # a few characters (e.g. "İ") lower to two; keep 1:1
            low = "".join(map(_lower1, text))
        pairs = _REPLACE_ALL
    for ch, rep in pairs:
        if ch in low:
            low = low.replace(ch, rep)
    return low


def skeleton(norm: str) -> str:
    """`norm` with ASCII word characters kept (lower-cased) and every other char a space."""
    return norm.encode("ascii", "replace").translate(_SKELETON).decode("ascii")


def phrase_form(phrase: str) -> str:
    """A phrase as the matcher holds it: normalised, word gaps collapsed to SEP."""
    return _GAPS.sub(SEP, normalise(phrase).strip())


def phrase_key(form_or_match: str) -> str:
    """The lookup key shared by "follow-up", "follow up" and "followup"."""
    return form_or_match.replace(" ", "").replace("-", "")


def _variants(form: str) -> list[tuple[str, str]]:
    """Each way a form can be written, with its skeleton: every gap a space (or hyphen)
    or nothing. Up to two gaps every combination ("follow-up", "followup"); in longer
    phrases one joined gap at a time ("signup for free now"), which is how people write
    them, and keeps a playbook of long phrases from growing 2^gaps keys each."""
    skel = skeleton(form)
    if SEP not in form:
        return [(form, skel)]
    gaps = [i for i, c in enumerate(form) if c == SEP]
    if len(gaps) <= 2:
        joins = [j for r in range(len(gaps) + 1) for j in combinations(gaps, r)]
    else:
        joins = [(), *((g,) for g in gaps)]
    return [(_without(form, joined), _without(skel, joined)) for joined in joins]


def _without(text: str, cut: tuple[int, ...]) -> str:
    """`text` without the characters at the (ascending) offsets `cut`, by slicing."""
    if not cut:
        return text
    parts = []
    prev = 0
    for i in cut:
        parts.append(text[prev:i])
        prev = i + 1
    parts.append(text[prev:])
    return "".join(parts)


# pyahocorasick finds a node's child by a linear search of its children, kept in the order
# the keys first reached them: keys added in this order (characters common in English
# text first) make the characters a draft is mostly made of the first ones tried, at every
# node. The scan is then ~40% faster; what it finds is the same.
_COMMON_FIRST = " etaoinsrhldcumfpgwybv.,k'x!j?q-z:/0123456789"


class _Ranks(dict):
    """str.translate's table for _common_first: a character in _COMMON_FIRST becomes its
    rank, any other one its code point after all the ranks (worked out once, then kept)."""

    def __missing__(self, code: int) -> int:
        self[code] = rank = min(len(_COMMON_FIRST) + code, sys.maxunicode)
        return rank


_RANKS = _Ranks({ord(c): i for i, c in enumerate(_COMMON_FIRST)})


def _common_first(key: str) -> str:
    """Sort key for keys added to an automaton: each character as its rank in _COMMON_FIRST
    (a string of ranks sorts as their tuple would, at C speed)."""
    return key.translate(_RANKS)


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


class Squeezed:
    """A normalised draft with every run of 2+ gap characters squeezed to its first one,
    and the map from squeezed offsets back to the draft's."""

    __slots__ = ("bounds", "shifts", "text")

    def __init__(self, norm: str, marks: bytes | None = None):
        """`marks`: gap_marks(norm), when the caller has it."""
        pieces, bounds, shifts = [], [0], [0]
        pos = removed = 0
        for m in _MARKED_RUNS.finditer(gap_marks(norm) if marks is None else marks):
            s, e = m.span()
            pieces.append(norm[pos : s + 1])
            removed += e - s - 1
            bounds.append(e - removed)
            shifts.append(removed)
            pos = e
        pieces.append(norm[pos:])
        self.text = "".join(pieces)
        self.bounds = bounds
        self.shifts = shifts

    def start(self, i: int) -> int:
        return i + self.shifts[bisect_right(self.bounds, i) - 1]

    def end(self, j: int) -> int:
        return self.start(j - 1) + 1


class PhraseMatcher:
    """All phrases of a playbook in one automaton.

    `hits(norm)` yields (start, end, value) for every word-bounded occurrence of a phrase
    in the normalised draft, where `value` is what the caller attached to the phrase's key
    (`values[phrase_key(form)]`; the key itself by default). Occurrences may overlap and
    share a start ("sorry" and "sorry if"): every one is reported.
    """

    def __init__(self, forms: Iterable[str], values: dict | None = None):
        forms = sorted({f for f in forms if f})
        self.forms = forms
        # padded skeleton -> (variant, value), or {variant: value} when variants collide
        # ("hurry!" and "hurry." share the skeleton " hurry  ").
        table: dict[str, tuple | dict] = {}
        get = table.get
        for form in forms:
            key = phrase_key(form)
            value = key if values is None else values[key]
            for variant, skel in _variants(form):
                padded = f" {skel} "
                had = get(padded)
                if had is None:
                    table[padded] = (variant, value)
                elif type(had) is dict:
                    had[variant] = value
                else:
                    table[padded] = {had[0]: had[1], variant: value}
        # The automaton stores ints (an index into `entries`): it builds, pickles and
        # loads several times faster than one holding Python objects. An entry is
        # (size, value when the skeleton hit needs no second look, variant, its value,
        # {variant: value} when several variants share the skeleton, else None).
        auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        add = auto.add_word
        entries: list[tuple] = []
        for padded in sorted(table, key=_common_first):
            had = table[padded]
            size = len(padded) - 2
            if type(had) is dict:
                entries.append((size, None, None, None, had))
            else:
                # A variant of only ASCII letters and digits needs no second look on ASCII
                # text: its skeleton hit is the variant itself.
                variant, value = had
                sure = variant.isascii() and variant.isalnum()
                entries.append((size, value if sure else None, variant, value, None))
            add(padded, len(entries) - 1)
        if table:
            auto.make_automaton()
        self._auto = auto if table else None
        self._entries = entries
        self.size = len(table)

    def __getstate__(self):
        # marshal loads these plain tuples ~2x faster than pickle (the disk cache's cost).
        return {"forms": self.forms, "auto": self._auto, "entries": marshal.dumps(self._entries)}

    def __setstate__(self, state) -> None:
        self.forms = state["forms"]
        self._auto = state["auto"]
        self._entries = marshal.loads(state["entries"])
        self.size = len(self._entries)

    def hits(self, norm: str) -> list[tuple[int, int, object]]:
        """(start, end, value) of every phrase occurrence in `norm` (a normalise() output)."""
        if self._auto is None:
            return []
        marks = gap_marks(norm)
        if b"xx" in marks:  # a run of 2+ gap characters (what _RUNS matches)
            sq = Squeezed(norm, marks)
            return [(sq.start(s), sq.end(e), v) for s, e, v in self._hits(sq.text)]
        return self._hits(norm)

    def _hits(self, norm: str) -> list[tuple[int, int, object]]:
        entries = self._entries
        out = []
        if norm.isascii():
            for end, i in self._auto.iter(" " + skeleton(norm) + " "):
                size, value, variant, v, more = entries[i]
                s = end - size - 1
                if value is None:
                    got = norm[s : end - 1]
                    if got == variant:
                        value = v
                    elif more is not None and got in more:
                        value = more[got]
                    elif "-" in got:
                        got = got.replace("-", " ")
                        if got == variant:
                            value = v
                        elif more is not None and got in more:
                            value = more[got]
                        else:
                            continue
                    else:
                        continue
                out.append((s, end - 1, value))
            return out
        n = len(norm)
        for end, i in self._auto.iter(" " + skeleton(norm) + " "):
            size, _, variant, value, more = entries[i]
            s = end - size - 1
            e = end - 1
            got = norm[s:e]
            if got != variant:
                if more is not None and got in more:
                    value = more[got]
                elif "-" in got:
                    got = got.replace("-", " ")
                    if got == variant:
                        pass
                    elif more is not None and got in more:
                        value = more[got]
                    else:
                        continue
                else:
                    continue
            # Non-ASCII letters are spaces in the skeleton: check the real neighbours.
            if (s and _is_word(norm[s - 1])) or (e < n and _is_word(norm[e])):
                continue
            out.append((s, e, value))
        return out

    def scan(self, norm: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Every phrase occurrence in the normalised draft, as (start, end, key).

        Returns (the longest occurrence at each start, the shorter ones at the same starts).
        Only meaningful when built without `values` (then each value is the phrase key).
        """
        longest: dict[int, tuple[int, int, str]] = {}
        shorter: list[tuple[int, int, str]] = []
        for hit in sorted(self.hits(norm), key=lambda h: (h[0], -h[1])):
            if hit[0] in longest:
                shorter.append(hit)
            else:
                longest[hit[0]] = hit
        return list(longest.values()), shorter


# ---- the regex a trie of phrases makes (kept for the benchmark's comparison) ------------

_ESCAPE = {c: "\\" + c for c in "\\.^$*+?{}[]|()#&~-"}
_ESCAPE[SEP] = GAP


def _trie_pattern(node: dict) -> str | None:
    """Regex for a trie node; None for a leaf. Single-char leaves collapse to a class."""
    ends_here = "" in node
    alts: list[str] = []
    chars: list[str] = []
    for ch in sorted(node):
        if ch == "":
            continue
        child = node[ch]
        if ch != SEP and len(child) == 1 and "" in child:
            chars.append(_ESCAPE.get(ch, ch))
            continue
        sub = _trie_pattern(child)
        alts.append(_ESCAPE.get(ch, ch) + (sub or ""))
    if not alts and not chars:
        return None
    if chars:
        alts.append(chars[0] if len(chars) == 1 else "[" + "".join(chars) + "]")
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if ends_here:
        if len(alts) == 1 and len(alts[0]) > 1 and not body.startswith("(?:"):
            body = "(?:" + body + ")"
        body += "?"
    return body


def trie_regex(forms: Iterable[str]) -> str:
    """One regex matching any of `forms` (phrase_form output), longest first, word-bounded."""
    root: dict = {}
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = True
    body = _trie_pattern(root) if root else None
    if body is None:
        return r"(?!x)x"  # matches nothing
    return r"(?<!\w)" + body + r"(?!\w)"


def plain_alternation_regex(forms: Iterable[str]) -> str:
    """The naive equivalent of `trie_regex`, kept for the benchmark's comparison."""
    alts = sorted({f for f in forms if f}, key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", GAP) for f in alts)
    return r"(?<!\w)(?:" + body + r")(?!\w)"


# ---- patterns: each behind the literals (and digits) its matches must contain -----------

try:  # Python >= 3.11
    from re import _constants as _sre_c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _sre_c
    import sre_parse as _sre_parse

_MAX_SET = 64  # alternatives kept when concatenating literal sets
_ZERO_WIDTH = (_sre_c.AT, _sre_c.ASSERT_NOT)
_REPEATS = tuple(
    getattr(_sre_c, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre_c, name)
)
_DIGIT_RE = re.compile(r"\d")


class _Need:
    """What every match of a parsed regex must contain: literal sets (one of each set
    occurs), whether a digit occurs, the exact strings matched when that is known, and the
    strings every match starts with (`prefix`) when known."""

    __slots__ = ("digit", "exact", "prefix", "sets")

    def __init__(self) -> None:
        self.sets: list[frozenset[str]] = []
        self.digit = False
        self.exact: frozenset[str] | None = None
        self.prefix: frozenset[str] | None = None

    def best(self) -> frozenset[str] | None:
        cands = [s for s in ([self.exact] if self.exact else []) + self.sets if s and all(s)]
        return max(cands, key=lambda s: min(map(len, s)), default=None)


_ASCII_DIGITS = frozenset("0123456789")


def _is_digit_class(items) -> bool:
    return all(
        (op is _sre_c.CATEGORY and av is _sre_c.CATEGORY_DIGIT)
        or (op is _sre_c.RANGE and 48 <= av[0] <= av[1] <= 57)
        or (op is _sre_c.LITERAL and 48 <= av <= 57)
        for op, av in items
    )


def _need(seq, ascii_digits: bool) -> _Need:
    """The requirements of a parsed sequence (see _Need); conservative when unsure.

    With `ascii_digits`, a digit class stands for "0".."9" (true of ASCII text only), so
    `to \\d` needs one of "to 0".."to 9" rather than "to " and any digit somewhere.
    """
    need = _Need()
    cur: set[str] | None = None
    whole = True  # every item so far has a known exact set
    at_start = True  # no set closed yet: `cur` holds what every match starts with

    def close() -> None:
        nonlocal cur, at_start
        if cur:
            need.sets.append(frozenset(cur))
        if at_start:
            at_start = False
            need.prefix = frozenset(cur) if cur and all(cur) else None
        cur = None

    for op, av in seq:
        item: set[str] | None = None
        stop = False  # the item's first character is known, what follows it is not
        if op is _sre_c.LITERAL:
            item = {_lower1(chr(av))}
        elif op in _ZERO_WIDTH:
            continue
        elif op is _sre_c.ASSERT:
            sub = _need(av[1], ascii_digits)
            need.sets += sub.sets + ([sub.exact] if sub.exact else [])
            need.digit |= sub.digit
            continue
        elif op is _sre_c.SUBPATTERN:
            sub = _need(av[-1], ascii_digits)
            need.sets += sub.sets
            need.digit |= sub.digit
            item = set(sub.exact) if sub.exact is not None else None
        elif op is _sre_c.BRANCH:
            subs = [_need(alt, ascii_digits) for alt in av[1]]
            if all(s.exact is not None for s in subs):
                item = set().union(*(s.exact for s in subs))
            else:
                bests = [s.best() for s in subs]
                if all(bests):
                    need.sets.append(frozenset().union(*bests))
            need.digit |= all(s.digit for s in subs)
        elif op is _sre_c.IN:
            if av and _is_digit_class(av):
                need.digit = True
                if ascii_digits:
                    item = set(_ASCII_DIGITS)
            elif av and len(av) <= 16 and all(o is _sre_c.LITERAL for o, _ in av):
                item = {_lower1(chr(c)) for _, c in av}
        elif op in _REPEATS and av[0] >= 1:
            sub = _need(av[2], ascii_digits)
            need.sets += sub.sets + ([sub.exact] if sub.exact else [])
            need.digit |= sub.digit
            if sub.exact is not None:
                item = set(sub.exact)
                stop = not av[0] == av[1] == 1
        elif op in _REPEATS and av[1] == 1:  # optional ("te?xt"): its text or nothing
            sub = _need(av[2], ascii_digits)
            if sub.exact is not None:
                item = {"", *sub.exact}
        if item is None:
            whole = False
            close()
            continue
        joined = item if cur is None else {a + b for a in cur for b in item}
        if len(joined) > _MAX_SET:
            close()
            whole = False
            joined = item
        cur = joined
        if stop:
            whole = False
            close()
    if whole:
        need.exact = frozenset(cur) if cur is not None else frozenset({""})
    close()
    return need


def pattern_prefix(src: str) -> frozenset[str] | None:
    """The strings (lower-cased) every match of `src` starts with, when known; else None."""
    try:
        return _need(_sre_parse.parse(src), False).prefix
    except Exception:
        return None


_WEAK = frozenset(" .,'-/!#?:;")


def _strength(lits: frozenset[str]) -> int:
    """How selective a literal set is: its shortest literal's length; a rare symbol ("£",
    "%") counts as 2, a common one ("/", "!") as 0."""
    return min(
        0 if lit in _WEAK else 2 if len(lit) == 1 and not lit.isalnum() else len(lit)
        for lit in lits
    )


def _prune(sets: list[frozenset[str]]) -> tuple[frozenset[str], ...]:
    """Drop useless and implied sets (a set whose presence another one already implies),
    keeping the most selective few: besides the best one, none holding a literal of one or
    two letters ("he", "it", " h"): in nearly every draft, such a set filters little and
    its hits cost the literal scan more than the regex runs it saves."""
    sets = [s for s in dict.fromkeys(sets) if s and all(s) and _strength(s) >= 1]
    kept = [
        b
        for b in sets
        if not any(a != b and all(any(x in lit for x in b) for lit in a) for a in sets)
    ]
    kept.sort(key=_strength, reverse=True)
    strong = [s for s in kept if _strength(s) >= 2]
    return tuple(strong[:1] + [s for s in strong[1:] if not _letter_pair(s)] or kept[:1])


def _letter_pair(lits: frozenset[str]) -> bool:
    """Whether one of `lits` is one or two letters (and spaces)."""
    return any(len(lit) <= 2 and lit.replace(" ", "").isalpha() for lit in lits)


def pattern_needs(src, ascii_digits: bool = False) -> tuple[tuple[frozenset[str], ...], bool]:
    """(literal sets, needs a digit) that every match of `src` (a regex source, or one
    already parsed) satisfies, lower-cased: one literal of each set occurs in the text.
    Empty/False when nothing is known."""
    sets, digit, _ = _needs_of(src, ascii_digits)
    return sets, digit


def _needs_of(src, ascii_digits: bool) -> tuple[tuple[frozenset[str], ...], bool, _Need | None]:
    """pattern_needs(src, ascii_digits), plus the _Need it came from (None if unknown)."""
    try:
        parsed = _sre_parse.parse(src) if isinstance(src, str) else src
        need = _need(parsed, ascii_digits)
    except Exception:  # an odd pattern just goes without a prefilter
        return (), False, None
    return _prune(need.sets + ([need.exact] if need.exact else [])), need.digit, need


def required_literals(src: str) -> frozenset[str] | None:
    """The most selective literal set of `src` (see pattern_needs); None when unknown."""
    sets, _ = pattern_needs(src)
    return sets[0] if sets else None


def _case_free(seq) -> bool:
    """Whether a parsed regex names no upper-case character (so re.I changes nothing on
    lower-cased text and the faster case-sensitive engine can run it)."""
    for op, av in seq:
        if op in (_sre_c.LITERAL, _sre_c.NOT_LITERAL):
            if chr(av) != chr(av).lower():
                return False
        elif op is _sre_c.IN:
            for iop, iav in av:
                if iop is _sre_c.LITERAL and chr(iav) != chr(iav).lower():
                    return False
                if iop is _sre_c.RANGE:
                    lo, hi = iav
                    if hi - lo > 512 or any(chr(c) != chr(c).lower() for c in range(lo, hi + 1)):
                        return False
        elif op is _sre_c.SUBPATTERN:
            if av[1] or av[2] or not _case_free(av[-1]):  # inline flags: leave as written
                return False
        elif op is _sre_c.BRANCH:
            if not all(_case_free(alt) for alt in av[1]):
                return False
        elif op in _REPEATS:
            if not _case_free(av[2]):
                return False
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            if not _case_free(av[1]):
                return False
        elif op not in (_sre_c.AT, _sre_c.ANY, _sre_c.CATEGORY, _sre_c.GROUPREF):
            return False
    return True


# A playbook pattern is written by a comms lead, so it may backtrack catastrophically
# ("(a|aa)+$" takes years on 40 letters). Patterns run on the `regex` module, which reads
# the same syntax as `re` (lookarounds included) but takes a timeout: no pattern can hold
# a review for more than PATTERN_TIMEOUT, nor all of them together for more than
# PATTERNS_BUDGET, whatever the playbook says. A pattern cut short is reported (`slow`).
PATTERN_TIMEOUT = 0.1  # seconds one pattern may take on one draft (CPU time, as regex counts)
PATTERNS_BUDGET = 0.5  # seconds all of a playbook's patterns may take on one draft


# The regex module reads \w, \d, \s (and so \b) by newer Unicode rules than re, for
# which the patterns are written and tested: a combining mark, an emoji's variation
# selector (U+FE0F) or joiner is a word character there and not in re; "²" and "½" are the
# other way round. The few characters the two disagree on are swapped, in the draft and in
# the patterns alike, for stand-ins both engines read the way re reads the original: a
# private-use character (no word, digit or space) or, for re's word characters, a CJK
# ideograph. One character for one, so every offset stays exact.
_STAND_IN: dict[str, str] = {}


@functools.cache
def _classes() -> tuple[tuple[re.Pattern, ...], tuple[regex.Pattern, ...]]:
    """\\w, \\d and \\s in re and in the regex module, compiled when a non-ASCII character is
    first looked at (not at every start-up)."""
    sources = (r"\w", r"\d", r"\s")
    return tuple(map(re.compile, sources)), tuple(map(regex.compile, sources))


def _stand_in(c: str) -> str:
    """`c`, or the stand-in both engines class as re classes `c` (see above); cached."""
    hit = _STAND_IN.get(c)
    if hit is None:
        re_classes, regex_classes = _classes()
        want = tuple(rx.match(c) is not None for rx in re_classes)
        have = tuple(rx.match(c) is not None for rx in regex_classes)
        if want == have:
            hit = c
        elif want == (False, False, False):
            hit = chr(0xF0000 + ord(c) % 0xFFFE)  # Supplementary Private Use Area-A
        elif want == (True, False, False):
            hit = chr(0x20000 + ord(c) % 0xA6D0)  # CJK Unified Ideographs Extension B
        elif want[2]:
            hit = " "
        else:
            hit = c
        _STAND_IN[c] = hit
    return hit


_AGREED: set[str] = {chr(i) for i in range(128)}  # characters both engines class alike
_SWAPPED: set[str] = set()  # characters with a stand-in
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def as_re_reads(text: str) -> str:
    """`text` with the characters the regex module classes differently from re swapped for
    stand-ins (see above): the very same string when there are none (always, for ASCII)."""
    if text.isascii():
        return text
    # Only its non-ASCII characters can need a stand-in: the set of those few, from a copy
    # without the ASCII runs (a set of every character of a 280-char draft: ~4x the time).
    chars = set(_ASCII_RUNS.sub("", text))
    for c in chars - _AGREED - _SWAPPED:  # each character looked at once per process
        (_SWAPPED if _stand_in(c) != c else _AGREED).add(c)
    # A few, one replace each (C-speed; a dict translate is a call a character). No stand-in
    # is itself swapped, so the order of the replaces does not matter.
    for c in chars & _SWAPPED:
        text = text.replace(c, _STAND_IN[c])
    return text


def compile_pattern(src: str, parsed=None) -> regex.Pattern:
    """`src` compiled for the lower-cased draft: without re.I when that changes nothing."""
    try:
        parsed = _sre_parse.parse(src) if parsed is None else parsed
        if not parsed.state.flags & re.IGNORECASE and _case_free(parsed):
            return regex.compile(src)
    except Exception:
        pass
    return regex.compile(src, regex.IGNORECASE)


def _at_start_only(parsed, flags: int) -> bool:
    """Whether a parsed regex opens with \\A (or ^ without re.M): it can only match at 0,
    so one match() there finds all that finditer() would, without a try at every position."""
    if not parsed:
        return False
    op, av = parsed[0]
    if op is not _sre_c.AT:
        return False
    return av is _sre_c.AT_BEGINNING_STRING or (
        av is _sre_c.AT_BEGINNING and not flags & re.MULTILINE
    )


_CATEGORY_SOURCE = {
    _sre_c.CATEGORY_DIGIT: r"\d",
    _sre_c.CATEGORY_NOT_DIGIT: r"\D",
    _sre_c.CATEGORY_SPACE: r"\s",
    _sre_c.CATEGORY_NOT_SPACE: r"\S",
    _sre_c.CATEGORY_WORD: r"\w",
    _sre_c.CATEGORY_NOT_WORD: r"\W",
}
_ONE_CHAR = (_sre_c.LITERAL, _sre_c.NOT_LITERAL, _sre_c.ANY, _sre_c.IN, _sre_c.CATEGORY)
_ZERO_WIDTH_ALL = (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT)
_ATOMIC = getattr(_sre_c, "ATOMIC_GROUP", None)


def _first_items(seq) -> tuple[list, bool] | None:
    """The one-character items a non-empty match of a parsed sequence can start with, and
    whether the sequence can match nothing; None when unsure (a backreference, scoped
    flags, anything unusual)."""
    items: list = []
    for op, av in seq:
        if op in _ONE_CHAR:
            items.append((op, av))
            return items, False
        if op in _ZERO_WIDTH_ALL:  # zero-width: only ever narrows what may follow
            continue
        if op is _sre_c.SUBPATTERN:
            if av[1] or av[2]:
                return None
            got = _first_items(av[-1])
        elif op is _sre_c.BRANCH:
            subs = [_first_items(alt) for alt in av[1]]
            if any(sub is None for sub in subs):
                return None
            got = ([i for sub, _ in subs for i in sub], any(empty for _, empty in subs))
        elif op in _REPEATS:
            got = _first_items(av[2])
            if got is not None and av[0] == 0:
                got = (got[0], True)
        elif _ATOMIC is not None and op is _ATOMIC:
            got = _first_items(av)
        else:
            return None
        if got is None:
            return None
        items += got[0]
        if not got[1]:
            return items, False
    return items, True


def _char_source(code: int) -> str:
    return f"\\U{code:08x}"


def _item_source(op, av) -> str | None:
    """A one-character parsed item as a regex source (a class), or None."""
    if op is _sre_c.LITERAL:
        return f"[{_char_source(av)}]"
    if op is _sre_c.NOT_LITERAL:
        return f"[^{_char_source(av)}]"
    if op is _sre_c.ANY:
        return "."
    if op is _sre_c.CATEGORY:
        return _CATEGORY_SOURCE.get(av)
    if op is not _sre_c.IN:
        return None
    parts = []
    for iop, iav in av:
        if iop is _sre_c.NEGATE and not parts:
            parts.append("^")
        elif iop is _sre_c.LITERAL:
            parts.append(_char_source(iav))
        elif iop is _sre_c.RANGE:
            parts.append(f"{_char_source(iav[0])}-{_char_source(iav[1])}")
        elif iop is _sre_c.CATEGORY and iav in _CATEGORY_SOURCE:
            parts.append(_CATEGORY_SOURCE[iav])
        else:
            return None
    return "[" + "".join(parts) + "]" if parts and parts != ["^"] else None


# What the regex module might read differently from re's parser, which the analysis uses.
_UNSURE_SYNTAX = re.compile(r"\[[\[:]|\\[pPXLmMG]|\(\?[^:=!<>P#)]*[Vfwb]")
_ASCII = tuple(map(chr, range(128)))


def _first_ascii(src: str, parsed, flags: int) -> frozenset[str] | None:
    """The ASCII characters a non-empty match of `src` can start with, when known: a draft
    opening with any other ASCII character cannot hold a match of a pattern anchored at
    its start. None when unsure (then the pattern always runs)."""
    if parsed is None or flags & regex.FULLCASE or _UNSURE_SYNTAX.search(src):
        return None
    try:
        got = _first_items(parsed)
        if got is None or not got[0]:
            return None
        sources = [_item_source(op, av) for op, av in got[0]]
        if None in sources:
            return None
        keep = flags & (regex.IGNORECASE | regex.ASCII | regex.DOTALL | regex.UNICODE)
        first = regex.compile("|".join(sources), keep)
    except Exception:
        return None
    return frozenset(c for c in _ASCII if first.fullmatch(c) is not None)


# Every character str.split() splits on; the regex module's \s is these but "\x1c".."\x1f".
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_SPLIT_ONLY = "\x1c\x1d\x1e\x1f"  # whitespace to str.split(), a word character to \s
_SPACE_CATEGORIES = {
    _sre_c.CATEGORY_SPACE: "W",
    _sre_c.CATEGORY_NOT_SPACE: "S",
    _sre_c.CATEGORY_DIGIT: "S",
    _sre_c.CATEGORY_WORD: "S",
}


def _space_kind(op, av) -> str:
    """What a one-character item can match: "S" never whitespace, "W" only whitespace,
    "M" either (the safe answer when unsure)."""
    if op is _sre_c.LITERAL:
        return "W" if chr(av) in _WHITESPACE else "S"
    if op is _sre_c.CATEGORY:
        return _SPACE_CATEGORIES.get(av, "M")
    if op is not _sre_c.IN or not av:
        return "M"
    if av[0][0] is _sre_c.NEGATE:
        return "S" if (_sre_c.CATEGORY, _sre_c.CATEGORY_SPACE) in av else "M"
    kinds = set()
    for iop, iav in av:
        if iop is _sre_c.LITERAL or iop is _sre_c.CATEGORY:
            kinds.add(_space_kind(iop, iav))
        elif iop is _sre_c.RANGE:
            lo, hi = iav
            kinds.add("M" if any(lo <= ord(c) <= hi for c in _WHITESPACE) else "S")
        else:
            return "M"
    return kinds.pop() if len(kinds) == 1 else "M"


def _only_space(seq) -> bool:
    """Whether every character a parsed sequence matches is whitespace."""
    for op, av in seq:
        if op in _ONE_CHAR:
            if _space_kind(op, av) != "W":
                return False
        elif op in _ZERO_WIDTH_ALL:
            continue
        elif op is _sre_c.SUBPATTERN:
            if not _only_space(av[-1]):
                return False
        elif op is _sre_c.BRANCH:
            if not all(_only_space(alt) for alt in av[1]):
                return False
        elif op in _REPEATS:
            if not _only_space(av[2]):
                return False
        else:
            return False
    return True


def _space_runs(seq) -> int | None:
    """At most how many runs of whitespace a match of a parsed sequence holds; None when
    there is no bound (an unbounded repeat of something holding whitespace) or unsure."""
    total = 0
    for op, av in seq:
        if op in _ONE_CHAR:
            n = 0 if _space_kind(op, av) == "S" else 1
        elif op in _ZERO_WIDTH_ALL:
            n = 0  # lookarounds and anchors match no characters of their own
        elif op is _sre_c.SUBPATTERN:
            n = None if av[1] or av[2] else _space_runs(av[-1])
        elif op is _sre_c.BRANCH:
            alts = [_space_runs(alt) for alt in av[1]]
            n = None if None in alts else max(alts, default=0)
        elif op in _REPEATS:
            most, body = av[1], av[2]
            inner = 1 if _only_space(body) else _space_runs(body)  # "\s+" is one run
            if inner is None:
                return None
            if inner and most == _sre_c.MAXREPEAT and not _only_space(body):
                return None
            n = 0 if not most else inner if _only_space(body) else most * inner
        elif _ATOMIC is not None and op is _ATOMIC:
            n = _space_runs(av)
        else:
            return None
        if n is None:
            return None
        total += n
    return total


def _spans_the_text(seq, flags: int) -> bool:
    """Whether a parsed sequence tried at the text's start must run to its end (\\Z, or $
    without re.M: then only a final newline, no word, may follow)."""
    if not seq:
        return False
    op, av = seq[-1]
    return op is _sre_c.AT and (
        av is _sre_c.AT_END_STRING or (av is _sre_c.AT_END and not flags & re.MULTILINE)
    )


def _most_words(src: str, parsed, flags: int) -> int | None:
    """For a pattern anchored at the start whose match (or a lookahead at the start) must
    run to the text's end: at most how many words (runs of non-space) the whole text can
    hold for it to match ("\\A(?=\\s*(?:\\S+\\s+){0,5}...\\Z)", a bare link with a few words:
    a 40-word draft cannot match, and the regex need not backtrack to find that out)."""
    if parsed is None or flags & (regex.ASCII | regex.LOCALE) or _UNSURE_SYNTAX.search(src):
        return None
    seq = list(parsed)
    bounds = []
    try:
        if _spans_the_text(seq, flags):
            bounds.append(_space_runs(seq))
        for op, av in seq[1:]:
            if op is _sre_c.ASSERT and av[0] == 1:  # a lookahead tried at the start
                sub = list(av[1])
                if _spans_the_text(sub, flags):
                    bounds.append(_space_runs(sub))
            elif op not in _ZERO_WIDTH_ALL:
                break  # past the first character: what follows is not tried at 0
    except RecursionError:
        return None
    known = [b for b in bounds if b is not None]
    return min(known) + 1 if known else None


def _literal_finder(lits: list[str]):
    """An int-valued automaton of `lits` (value = position in `lits`), or None."""
    if not lits:
        return None
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i in sorted(range(len(lits)), key=lambda i: _common_first(lits[i])):
        auto.add_word(lits[i], i)
    auto.make_automaton()
    return auto


class PatternError(ValueError):
    """A pattern the regex module cannot compile: its owner index, source and why."""

    def __init__(self, owner: int, source: str, reason: str):
        super().__init__(f"{source!r}: {reason}")
        self.owner, self.source, self.reason = owner, source, reason


# The share of a time limit after which a search that ended quietly counts as cut short:
# the regex module's own clock can stop it ~1% before ours reaches the limit.
USED_UP = 0.9


class PatternSet:
    """All regex patterns of a playbook, each behind a cheap literal prefilter.

    A pattern like `\\bonly \\d+ left\\b` cannot match a draft without one of "only 0"..
    "only 9" in it, so one automaton pass over the draft (finding every such literal at
    once) decides which regexes run at all: each literal carries a bit mask of the
    (pattern, literal set) requirements it meets, and a pattern runs when the draft's
    literals cover all of its bits. One big alternation was measured ~100x slower here:
    Python's regex engine tries every branch at every position. A pattern without a usable
    literal always runs (behind its digit test, when it needs a digit). A pattern whose
    matches start with one of several literals ("visit|join|...") is tried only where
    the automaton saw one, not at every position.
    """

    def __init__(self, patterns: list[tuple[str, int]]):
        """`patterns`: (regex source, owner index) pairs, in order."""
        self.entries: list[tuple[regex.Pattern, int, bool]] = []
        at_start: list[bool] = []
        # Two prefilters per pattern: digits as "0".."9" (ASCII drafts) or as any digit.
        per_kind: tuple[list, list] = ([], [])  # per pattern: its literal sets
        starts: list[frozenset[str] | None] = []
        first: list[frozenset[str] | None] = []  # anchored patterns: the ASCII they open with
        words: list[int | None] = []  # anchored patterns: the most words a text may have
        self.sources: list[str] = []  # as the playbook wrote them
        for src, owner in patterns:
            self.sources.append(src)
            src = as_re_reads(src)
            try:
                parsed = _sre_parse.parse(src)
            except Exception:  # compiled below, where the error shows
                parsed = None
            digit = False
            need = None  # the _Need without ascii_digits: its prefix is used below
            for k, ascii_digits in enumerate((True, False)):
                sets, needs_digit, need = (
                    _needs_of(parsed, ascii_digits) if parsed else ((), False, None)
                )
                digit |= needs_digit
                per_kind[k].append(sets)
            try:
                rx = compile_pattern(src, parsed)
            except (regex.error, ValueError, OverflowError, RecursionError) as err:
                raise PatternError(owner, src, str(err)) from None
            prefix = None
            if need is not None and not rx.flags & regex.IGNORECASE:
                prefix = need.prefix
            # One plain literal prefix is already fast in the regex engine itself.
            starts.append(prefix if prefix is not None and len(prefix) > 1 else None)
            self.entries.append((rx, owner, digit))
            anchored = parsed is not None and _at_start_only(parsed, rx.flags)
            at_start.append(anchored)
            first.append(_first_ascii(src, parsed, rx.flags) if anchored else None)
            words.append(_most_words(src, parsed, rx.flags) if anchored else None)
        self.starts = tuple(starts)
        self.at_start = tuple(at_start)
        self.first = tuple(first)
        self.words = tuple(words)
        # Per pattern, the checks besides its literals: (needs a digit, the most words the
        # draft may have), or None. (What an anchored one opens with is in `_opening`.)
        self.checks = tuple(
            (d, w) if d or w is not None else None
            for d, w in zip((e[2] for e in self.entries), words, strict=True)
        )
        self.owners = tuple(owner for _, owner, _ in self.entries)
        self.digits = tuple(digit for _, _, digit in self.entries)
        lits: tuple[set[str], set[str]] = (set(), set())
        for k in (0, 1):
            for i, sets in enumerate(per_kind[k]):
                lits[k].update(lit for s in sets for lit in s)
                if starts[i] is not None:
                    lits[k].update(starts[i])
        self.all_literals = tuple(sorted(lits[0] | lits[1]))
        # Per kind: the literals (by automaton value) and each one's requirement bits: a
        # bit per (pattern, literal set), numbered pattern by pattern; a pattern needing no
        # literal has one bit of its own, always set (`_given`). Per pattern, the bits it
        # needs; the first of them (`_firsts`) stands for the pattern: a draft's work follows
        # the bits its literals set, not the number of patterns.
        self._lits: list[tuple[str, ...]] = []
        self._masks: list[tuple[int, ...]] = []
        self._wants: list[tuple[int, ...]] = []
        self._given: list[int] = []
        self._firsts: list[int] = []
        self._opening: list[dict[str, int]] = []
        self._first_of: list[dict[int, int]] = []
        self._prefix_ids: list[tuple[frozenset[int] | None, ...]] = []
        self._sizes: list[tuple[int, ...]] = []
        self._autos: list = []
        for k in (0, 1):
            names = tuple(sorted(lits[k]))
            where = {lit: n for n, lit in enumerate(names)}
            masks = [0] * len(names)
            wants = []
            given = firsts = 0
            first_of = {}
            bit = 1
            for i, sets in enumerate(per_kind[k]):
                first_of[bit] = i
                firsts |= bit
                want = 0
                for lit_set in sets:
                    for lit in lit_set:
                        masks[where[lit]] |= bit
                    want |= bit
                    bit <<= 1
                if not sets:
                    given |= bit
                    want = bit
                    bit <<= 1
                wants.append(want)
            self._lits.append(names)
            self._masks.append(tuple(masks))
            self._wants.append(tuple(wants))
            self._given.append(given)
            self._firsts.append(firsts)
            # Per opening character (ASCII, or "" for an empty draft), the patterns' bits
            # less those anchored at the start that cannot open with it: one mask a draft,
            # not a check a pattern (the list-headline ones were met by "you", "we", "that"
            # in most drafts, to fail on the draft's first letter). Absent: none is ruled out.
            opens = [(bit, first[i]) for bit, i in first_of.items() if first[i] is not None]
            self._opening.append(
                {
                    ch: firsts & ~blocked
                    for ch in ("", *_ASCII)
                    if (blocked := sum(bit for bit, chars in opens if ch not in chars))
                }
            )
            self._first_of.append(first_of)
            self._prefix_ids.append(
                tuple(None if p is None else frozenset(where[lit] for lit in p) for p in starts)
            )
            self._sizes.append(tuple(len(lit) for lit in names))
            self._autos.append(_literal_finder(list(names)))

    def present(self, norm: str) -> set[str]:
        """The prefilter literals that occur in `norm`."""
        k = 0 if norm.isascii() else 1
        auto = self._autos[k]
        if auto is None:
            return set()
        names = self._lits[k]
        return {names[v] for _, v in auto.iter(norm)}

    def candidates(self, norm: str) -> list[int]:
        """Indices of the patterns that may match `norm`, in order: their literals (and
        digit) all occur in it, and an anchored one's first character can open it."""
        return self._candidates(norm, 0 if norm.isascii() else 1, None)[0]

    def _candidates(self, norm: str, k: int, active):
        """(candidate pattern indices of active owners, the literal hits as (end, literal
        index))."""
        auto = self._autos[k]
        found = list(auto.iter(norm)) if auto is not None else []
        masks = self._masks[k]
        have = self._given[k]
        for _, v in found:  # (a plain loop: reduce over two maps cost ~2x the instructions)
            have |= masks[v]
        # The patterns whose first literal set is met and that can open with norm[0].
        todo = have & self._opening[k].get(norm[:1], self._firsts[k])
        out: list[int] = []
        if not todo:
            return out, found
        first_of = self._first_of[k]
        wants = self._wants[k]
        owners = self.owners
        checks = self.checks
        digit = split_only = None
        while todo:  # lowest bit first: in pattern order
            low = todo & -todo
            todo ^= low
            i = first_of[low]
            want = wants[i]
            if have & want != want or (active is not None and not active[owners[i]]):
                continue
            check = checks[i]
            if check is not None:
                needs_digit, most = check
                if needs_digit:
                    if digit is None:
                        digit = (  # an ASCII draft (k 0): ten C-speed finds beat \d's scan
                            any(d in norm for d in "0123456789")
                            if k == 0
                            else _DIGIT_RE.search(norm) is not None
                        )
                    if not digit:
                        continue
                if most is not None:
                    if split_only is None:
                        split_only = any(c in norm for c in _SPLIT_ONLY)
                    if not split_only and len(norm.split(None, most)) > most:
                        continue  # the whole draft must match, and it has too many words
            out.append(i)
        return out, found

    def scan(
        self,
        norm: str,
        active=None,
        slow: list | None = None,
        *,
        timeout: float = PATTERN_TIMEOUT,
        budget: float = PATTERNS_BUDGET,
    ) -> list[tuple[int, int, int]]:
        """Every pattern occurrence as (start, end, owner); `active[owner]` false skips.

        Each pattern gets at most `timeout` seconds and all of them `budget`: a pattern cut
        short (or not tried, the budget spent) keeps the matches it found, and its index
        into `entries` is appended to `slow`.
        """
        out: list[tuple[int, int, int]] = []
        k = 0 if norm.isascii() else 1
        if k:
            norm = as_re_reads(norm)
        cands, found = self._candidates(norm, k, active)
        if not cands:
            return out
        entries = self.entries
        clock = time.monotonic
        budget_end = clock() + budget
        for i in cands:
            rx, owner, _ = entries[i]
            now = clock()
            end = min(now + timeout, budget_end)
            # regex: match(string, pos, endpos, concurrent, partial, timeout), positionally:
            # the keyword costs more than the match on a short draft.
            try:
                if end <= now:
                    raise TimeoutError("the patterns' budget is spent")
                if self.at_start[i]:
                    m = rx.match(norm, 0, None, None, False, end - now)
                    if m is not None and m.end() > 0:
                        out.append((0, m.end(), owner))
                elif (prefix := self._prefix_ids[k][i]) is not None:
                    # Leftmost non-overlapping matches, tried only where a match can start.
                    sizes = self._sizes[k]
                    at = sorted({e - sizes[v] + 1 for e, v in found if v in prefix})
                    match = rx.match
                    last = -1
                    for p in at:
                        if p < last:
                            continue
                        m = match(norm, p, None, None, False, max(end - clock(), 1e-6))
                        if m is not None:
                            s, e = m.span()
                            if e > s:
                                out.append((s, e, owner))
                                last = e
                else:
                    last = -1
                    for m in rx.finditer(norm, 0, None, False, None, False, end - now):
                        s, e = m.span()
                        if e > s and s >= last:
                            out.append((s, e, owner))
                            last = e
            except TimeoutError:
                cut = True
            else:
                # The regex module sometimes ends a search at its time limit without raising
                # (finditer just stops, a little early by our clock): a pattern that used
                # nearly all its time was cut short too.
                cut = clock() - now >= USED_UP * (end - now)
            if cut and slow is not None:
                slow.append(i)
        return out

    def source_of(self, i: int) -> tuple[int, str]:
        """(owner, regex source) of pattern i."""
        return self.entries[i][1], self.sources[i]
