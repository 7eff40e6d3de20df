"""Find every phrase and pattern of a playbook in one pass over the draft.

All phrases (and swap keys) compile into ONE regex built from a trie of normalised
phrases, so matching cost grows with the draft, not with the number of phrases. Matching
runs on a normalised copy of the draft whose characters map 1:1 to the original, so every
offset found is an offset into the draft exactly as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Curly quotes -> straight, the hyphen look-alikes -> "-", every space-like char -> " ".
_TRANSLATE = {
    **dict.fromkeys(map(ord, "‘’‚‛′`´"), "'"),
    **dict.fromkeys(map(ord, "“”„‟″"), '"'),
    **dict.fromkeys(map(ord, "‐‑‒"), "-"),
    **dict.fromkeys(map(ord, "\t\n\r\x0b\x0c\xa0\u2007\u202f\u2009\u200a\u3000"), " "),
}
_TABLE = str.maketrans(_TRANSLATE)

SEP = " "  # a word gap inside a normalised phrase: matches space, hyphen or nothing
GAP = r"[\s-]*"
_GAPS = re.compile(r"[\s\-\u2010\u2011\u2012]+")


def normalise(text: str) -> str:
    """Lower-case, straight-quote, one-space copy of `text` with the same length."""
    low = text.lower()
    if text.isascii():
        return low
    if len(low) != len(text):  # a few characters (e.g. "İ") lower to two; keep 1:1
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.translate(_TABLE)


def phrase_form(phrase: str) -> str:
    """A phrase as the trie holds it: normalised, word gaps collapsed to SEP."""
    return _GAPS.sub(SEP, normalise(phrase).strip())


def phrase_key(form_or_match: str) -> str:
    """The lookup key shared by "follow-up", "follow up" and "followup"."""
    return form_or_match.replace(" ", "").replace("-", "")


_ESCAPE = {c: "\\" + c for c in "\\.^$*+?{}[]|()#&~-"}
_ESCAPE[SEP] = GAP


_LITERAL_ESCAPE = {**_ESCAPE, SEP: SEP}


def _trie_pattern(node: dict, escapes: dict = _ESCAPE) -> str | None:
    """Regex for a trie node; None for a leaf. Single-char leaves collapse to a class."""
    ends_here = "" in node
    alts: list[str] = []
    chars: list[str] = []
    esc = escapes.get
    for ch in sorted(node):
        if ch == "":
            continue
        child = node[ch]
        if (ch != SEP or escapes is not _ESCAPE) and len(child) == 1 and "" in child:
            chars.append(esc(ch, ch))
            continue
        sub = _trie_pattern(child, escapes)
        alts.append(esc(ch, ch) + (sub or ""))
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


def _trie(forms: Iterable[str]) -> dict:
    root: dict = {}
    for form in forms:
        if not form:
            continue
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = True
    return root


def trie_regex(forms: Iterable[str]) -> str:
    """One regex matching any of `forms` (phrase_form output), longest first, word-bounded."""
    body = _trie_pattern(_trie(forms))
    if body is None:
        return r"(?!x)x"  # matches nothing
    return r"(?<!\w)" + body + r"(?!\w)"


def plain_alternation_regex(forms: Iterable[str]) -> str:
    """The naive equivalent of `trie_regex`, kept for the benchmark's comparison."""
    alts = sorted({f for f in forms if f}, key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", GAP) for f in alts)
    return r"(?<!\w)(?:" + body + r")(?!\w)"


class PhraseMatcher:
    """All phrases of a playbook; `scan` yields (start, end, key) on the normalised draft.

    Matches may overlap when they start at different places ("buy now only" finds "buy
    now" and "now only"); a shorter phrase that is a word-prefix of a longer one at the
    same place is reported too, so no rule hides another.
    """

    def __init__(self, forms: Iterable[str]):
        forms = sorted({f for f in forms if f})
        self.forms = forms
        self.regex = re.compile(trie_regex(forms))
        self._single: dict[str, re.Pattern] = {}
        keys = {phrase_key(f): f for f in forms}
        # For each key, the shorter phrases that are its word-prefix (rare; precomputed).
        self.prefixes: dict[str, tuple[str, ...]] = {}
        for f in forms:
            if SEP not in f:
                continue
            words = f.split(SEP)
            pre = []
            for i in range(1, len(words)):
                k = "".join(words[:i]).replace("-", "")
                if k in keys:
                    pre.append(keys[k])
            if pre:
                self.prefixes[phrase_key(f)] = tuple(pre)

    def _single_regex(self, form: str) -> re.Pattern:
        rx = self._single.get(form)
        if rx is None:
            rx = self._single[form] = re.compile(trie_regex([form]))
        return rx

    def scan(self, norm: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Every phrase occurrence in the normalised draft, as (start, end, key).

        Returns (longest matches, shorter word-prefix matches at the same places).
        """
        out: list[tuple[int, int, str]] = []
        shorter: list[tuple[int, int, str]] = []
        search = self.regex.search
        prefixes = self.prefixes
        m = search(norm)
        while m is not None:
            s, e = m.span()
            key = "".join(m.group().split()).replace("-", "")
            out.append((s, e, key))
            if key in prefixes:
                for form in prefixes[key]:
                    pm = self._single_regex(form).match(norm, s)
                    if pm is not None:
                        shorter.append((s, pm.end(), phrase_key(form)))
            m = search(norm, s + 1)
        return out, shorter


try:  # Python >= 3.11
    from re import _constants as _sre_c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _sre_c
    import sre_parse as _sre_parse


def _literals(seq) -> set[str] | None:
    """Strings one of which every match of the parsed sequence must contain (None: unknown)."""
    best: set[str] | None = None
    run = ""

    def consider(cands: set[str] | None) -> None:
        nonlocal best
        if cands and all(cands) and (best is None or min(map(len, cands)) > min(map(len, best))):
            best = cands

    for op, av in seq:
        if op is _sre_c.LITERAL:
            run += chr(av).lower()
            continue
        consider({run} if run else None)
        run = ""
        if op is _sre_c.SUBPATTERN:
            consider(_literals(av[-1]))
        elif op is _sre_c.BRANCH:
            alts = [_literals(b) for b in av[1]]
            if all(alts):
                consider(set().union(*alts))
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            consider(_literals(av[2]))
    consider({run} if run else None)
    return best


def required_literals(src: str) -> frozenset[str] | None:
    """Lower-case strings of which a match of `src` must contain one; None when unknown."""
    try:
        found = _literals(_sre_parse.parse(src, re.IGNORECASE))
    except Exception:  # an odd pattern just goes without a prefilter
        return None
    if not found or min(map(len, found)) < 2:
        return None
    return frozenset(found)


class PatternSet:
    """All regex patterns of a playbook, each behind a cheap literal prefilter.

    A pattern like `\\bonly \\d+ left\\b` cannot match a draft without "left" in it, so a
    substring test (C speed) decides whether the regex runs at all. One big alternation
    was measured ~100x slower here: Python's regex engine tries every branch at every
    position. Patterns without a usable literal always run.
    """

    def __init__(self, patterns: list[tuple[str, int]]):
        """`patterns`: (regex source, owner index) pairs."""
        self.entries: list[tuple[frozenset[str] | None, re.Pattern, int]] = [
            (required_literals(src), re.compile(src, re.IGNORECASE), owner)
            for src, owner in patterns
        ]
        lits = sorted({lit for lits, _, _ in self.entries for lit in lits or ()})
        self.all_literals = tuple(lits)
        # One trie regex finds which literals occur; a literal that is a prefix of a longer
        # one found at the same place is implied by it.
        self._literal_rx = re.compile(_trie_pattern(_trie(lits), _LITERAL_ESCAPE) or "(?!x)x")
        self._implied = {
            lit: frozenset(p for p in lits if lit.startswith(p) and p != lit) for lit in lits
        }

    def _present(self, norm: str) -> set[str]:
        found: set[str] = set()
        search = self._literal_rx.search
        m = search(norm)
        while m is not None:
            lit = m.group()
            found.add(lit)
            found |= self._implied[lit]
            m = search(norm, m.start() + 1)
        return found

    def scan(self, norm: str) -> list[tuple[int, int, int]]:
        """Every pattern occurrence as (start, end, owner)."""
        out: list[tuple[int, int, int]] = []
        present = self._present(norm) if self.all_literals else set()
        for lits, rx, owner in self.entries:
            if lits is not None and lits.isdisjoint(present):
                continue
            last = -1
            for m in rx.finditer(norm):
                if m.end() > m.start() and m.start() >= last:
                    out.append((m.start(), m.end(), owner))
                    last = m.end()
        return out
