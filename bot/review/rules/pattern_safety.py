"""Which playbook patterns can run away, found before a draft meets them.

A regex that repeats something which itself repeats or branches ("(a+)+$", "(\\w+\\s?)+$",
"(a|aa)+$") can backtrack for years on a short draft. Every pattern still runs under a
time limit (matcher.PATTERN_TIMEOUT), so no review hangs; these probes are how a comms
lead hears about such a pattern before a review skips it:

- `runaway_reason(src)`, when a playbook is compiled (so at load, unless its compiled cache
  is warm): a pattern with such a nested repetition is run on texts built to make it
  backtrack (many copies of what the repetition matches, then a character that makes the
  match fail) under PROBE_TIMEOUT; one that runs out of time is refused.
- `slow_on_long_draft(src, texts)`, in `playbook check`: the pattern runs over a draft of
  LONG_DRAFT characters (the rule's own examples and the probe texts, repeated), which
  finds patterns that are merely slow in the draft's length (quadratic, cubic).
"""

from __future__ import annotations

import functools
import time

import regex

try:  # Python 3.11+: the parser `re` itself uses (read only, to see the pattern's shape)
    from re import _constants as _c
    from re import _parser as _parse
except ImportError:  # pragma: no cover
    import sre_constants as _c
    import sre_parse as _parse

PROBE_TIMEOUT = 0.05  # seconds a pattern may take on one probe text (they are short)
PROBE_LENGTH = 500  # characters of repeated material in a probe text (a draft-sized run)
LONG_DRAFT = 40_000  # characters: Slack's message limit
_REPEATS = tuple(
    getattr(_c, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_c, name)
)
# A repetition that nests another or an alternation needs a group with a quantifier
# ("(...)+", "(...)*", "(...){2,}"): a cheap test that spares most patterns the parse.
_GROUP_REPEAT = regex.compile(r"\)(?:[*+]|\{\d*,?\d*\})")
_TAILS = ("!", "\x00", "\n", " !")  # what makes the match fail at the end
_CANDIDATES = "a1 !.-x_\n,'#"


@functools.lru_cache(maxsize=1024)
def runaway_reason(src: str) -> str | None:
    """Why `src` is refused (it backtracked past PROBE_TIMEOUT on a probe text), or None."""
    if not _GROUP_REPEAT.search(src):
        return None  # no group repeated more than once: nothing nested to run away
    try:
        texts = _probe_texts(_parse.parse(src))
        rx = regex.compile(src, regex.IGNORECASE) if texts else None
    except Exception:
        return None  # not a regex: the schema check says so
    for text in texts:
        took = _time_out(rx, text, PROBE_TIMEOUT)
        if took:
            return (
                f"can take far too long to match (over {PROBE_TIMEOUT * 1000:.0f} ms on a "
                f"{len(text)}-character text): it repeats a part that can match the same "
                "words in more than one way, like (a+)+ or (a|aa)+; make the repeated part "
                "match one way only"
            )
    return None


def slow_on_long_draft(src: str, texts=(), timeout: float | None = None) -> str | None:
    """Why `src` is too slow for a LONG_DRAFT-character draft made of `texts` (the rule's
    examples) and the probe texts, or None when it finishes within the time limit."""
    from bot.review.rules.matcher import PATTERN_TIMEOUT

    try:
        parsed = _parse.parse(src)
        rx = regex.compile(src, regex.IGNORECASE)
    except Exception:
        return None
    pieces = [t.lower() for t in texts if t] + list(_probe_texts(parsed))
    pieces.append("word " * 20)
    limit = PATTERN_TIMEOUT if timeout is None else timeout
    for glue in (" ", ""):
        unit = glue.join(pieces) + glue
        draft = (unit * (LONG_DRAFT // max(1, len(unit)) + 1))[:LONG_DRAFT]
        if _time_out(rx, draft, limit, every=True):
            return (
                f"too slow: over {limit * 1000:.0f} ms on a {LONG_DRAFT:,}-character draft, "
                "so reviews of long drafts skip it; avoid repeats that can match the same "
                "text in more than one way, and unbounded '.*' before or after a repeat"
            )
    return None


def _time_out(rx, text: str, limit: float, every: bool = False) -> bool:
    """Whether searching `text` (every match when `every`) runs past `limit` seconds.

    The regex module sometimes ends a search at its time limit without raising (finditer
    just stops, a little early), so one that used nearly all its time counts too."""
    from bot.review.rules.matcher import USED_UP

    start = time.monotonic()
    try:
        if every:
            for _ in rx.finditer(text, timeout=limit):
                pass
        else:
            rx.search(text, timeout=limit)
    except TimeoutError:
        return True
    return time.monotonic() - start >= USED_UP * limit


# ---- probe texts, from the pattern's own shape -----------------------------------------------


def _probe_texts(parsed) -> list[str]:
    """Texts that make a nested repetition of `parsed` backtrack, if it has one."""
    texts: dict[str, None] = {}
    for prefix, body in _risky_repeats(list(parsed), ""):
        pumps = {_sample(body)} | {_sample(seq) for seq in _branches(body)}
        pumps |= {_sample(inner) for inner in _inner_bodies(body)}
        for pump in sorted(p for p in pumps if p):
            copies = max(2, PROBE_LENGTH // len(pump))
            for tail in _TAILS:
                texts[(prefix + pump * copies + tail).lower()] = None
        if len(texts) > 64:
            break
    return list(texts)


def _risky_repeats(seq: list, prefix: str):
    """(text before it, body) of each repetition whose body repeats or branches."""
    for i, (op, av) in enumerate(seq):
        before = prefix + _sample(seq[:i])
        for sub in _children(op, av):
            yield from _risky_repeats(sub, before)
        if op in _REPEATS and (av[1] > 1) and _nested(list(av[2])):
            yield before, list(av[2])


def _children(op, av) -> list[list]:
    if op in _REPEATS:
        return [list(av[2])]
    if op is _c.SUBPATTERN:
        return [list(av[-1])]
    if op is _c.BRANCH:
        return [list(s) for s in av[1]]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return [list(av)]
    return []


def _nested(seq: list) -> bool:
    for op, av in seq:
        if op is _c.BRANCH or (op in _REPEATS and av[1] > 1):
            return True
        if any(_nested(sub) for sub in _children(op, av)):
            return True
    return False


def _branches(seq: list) -> list[list]:
    out = []
    for op, av in seq:
        if op is _c.BRANCH:
            out += [list(s) for s in av[1]]
        for sub in _children(op, av):
            if op is not _c.BRANCH:
                out += _branches(sub)
    return out


def _inner_bodies(seq: list) -> list[list]:
    out = []
    for op, av in seq:
        if op in _REPEATS:
            out.append(list(av[2]))
        for sub in _children(op, av):
            out += _inner_bodies(sub)
    return out


def _sample(seq) -> str:
    """A short text `seq` matches (best effort; lookarounds and anchors ignored)."""
    out = []
    for op, av in seq:
        if op is _c.LITERAL:
            out.append(chr(av))
        elif op is _c.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op is _c.ANY:
            out.append("a")
        elif op is _c.IN:
            out.append(_class_char(av))
        elif op is _c.BRANCH:
            out.append(_sample(av[1][0]))
        elif op is _c.SUBPATTERN:
            out.append(_sample(av[-1]))
        elif op in _REPEATS:
            out.append(_sample(av[2]) * max(av[0], 1 if av[1] else 0))
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            out.append(_sample(av))
    return "".join(out)


def _class_char(items) -> str:
    negate = bool(items) and items[0][0] is _c.NEGATE
    extra = [chr(av) for op, av in items if op is _c.LITERAL]
    extra += [chr(av[0]) for op, av in items if op is _c.RANGE]
    for ch in (*extra, *_CANDIDATES):
        if _in_class(items, ch) != negate:
            return ch
    return "a"


def _in_class(items, ch: str) -> bool:
    o = ord(ch)
    for op, av in items:
        if op is _c.LITERAL and av == o:
            return True
        if op is _c.RANGE and av[0] <= o <= av[1]:
            return True
        if op is _c.CATEGORY and _CATEGORY.get(av, lambda _ch: False)(ch):
            return True
    return False


_CATEGORY = {
    _c.CATEGORY_DIGIT: str.isdigit,
    _c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
    _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    _c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    _c.CATEGORY_SPACE: str.isspace,
    _c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
}
