"""The draft as the rules read it: styled letters folded, hidden characters gone, entities decoded.

"𝐁𝐔𝐘 𝐍𝐎𝐖!!!" (mathematical bold) must read like "BUY NOW!!!", a zero-width space must
not split "ur​gent" out of a phrase, and "&amp;" is one character on every platform. The
engine reviews the folded text and maps every finding back through `Folded.span`, so
offsets still point into the draft exactly as given (`draft[start:end] == quote`), and a
quote never starts or ends on a hidden or direction character.

Most drafts have nothing to fold: `fold` answers None after one cheap look, and the
engine reviews the draft itself.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, bidi marks/embeddings/overrides/isolates, the BOM (as redact.py).
HIDDEN = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e\u00ad"
)
_ZWJ = "\u200d"

# What may need folding: hidden characters, styled letters (mathematical alphanumerics,
# the letter-like symbols that fill that block's holes, full-width forms), HTML entities.
_SPECIAL_CHAR = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\u2102-\u2134\uff01-\uff5e\U0001d400-\U0001d7ff]"
)  # none of them ASCII
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_SPECIAL = re.compile(_SPECIAL_CHAR.pattern + "|" + _ENTITY.pattern)
_ENTITY_MAX = 40


class Folded:
    """The folded text and, for each of its characters, the span it came from."""

    __slots__ = ("ends", "original", "starts", "text")

    def __init__(self, original: str, text: str, starts: list[int], ends: list[int]):
        self.original = original
        self.text = text
        self.starts = starts  # len(text) + 1 entries; the last is len(original)
        self.ends = ends

    def span(self, s: int, e: int) -> tuple[int, int]:
        """The span of the original draft that folded text[s:e] came from, without hidden
        characters at either edge. (One hidden inside it is cut out by `clean`.)"""
        n = len(self.text)
        s = min(max(s, 0), n)
        e = min(max(e, s), n)
        os_ = self.starts[s]
        oe = self.ends[e - 1] if e > s else os_
        orig = self.original
        while os_ < oe and orig[os_] in HIDDEN:
            os_ += 1
        while oe > os_ and orig[oe - 1] in HIDDEN:
            oe -= 1
        return os_, oe

    def clean(self, s: int, e: int) -> tuple[int, int, bool]:
        """`span(s, e)`, and when hidden characters sit inside it, its longest stretch
        without any (a quote never carries a direction override into Slack); the flag says
        the span was cut, so no edit is made from a part of the words."""
        os_, oe = self.span(s, e)
        orig = self.original
        if not any(ch in HIDDEN for ch in orig[os_:oe]):
            return os_, oe, False
        hidden = [i for i in range(os_, oe) if is_hidden_at(orig, i)]
        if not hidden:
            return os_, oe, False
        best = (os_, os_)
        start = os_
        for i in [*hidden, oe]:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = i + 1
        return best[0], best[1], True


def is_hidden_at(text: str, i: int) -> bool:
    """Whether text[i] is a character the rules do not read (a joiner inside an emoji is
    part of the emoji)."""
    ch = text[i]
    return ch in HIDDEN and not (ch == _ZWJ and _keeps_zwj(text, i))


def _styled(ch: str) -> str | None:
    """The plain letter or digit a styled one stands for ("𝐁" -> "B"), or None."""
    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) == 1 and plain != ch else None


def _keeps_zwj(text: str, i: int) -> bool:
    """A zero-width joiner between two symbols builds one emoji (👩‍💻): it stays."""
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return before > "\u2000" and after > "\u2000" and not before.isalnum() and not after.isalnum()


def fold(text: str) -> Folded | None:
    """The draft folded for matching, or None when there is nothing to fold."""
    # The look, in two parts (one search of both tries the entity at every character).
    if (text.isascii() or _SPECIAL_CHAR.search(text) is None) and (
        "&" not in text or _ENTITY.search(text) is None
    ):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        if i > pos:
            out.append(text[pos:i])
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        tok = m.group()
        if tok[0] == "&":
            # Imported here: html's table of entities costs ~1 ms of every start.
            from html import unescape

            plain = unescape(tok) if len(tok) <= _ENTITY_MAX else tok
            plain = "".join(ch for ch in plain if ch not in HIDDEN) or " "
            if plain == tok:  # not an entity we know: kept as written
                plain_starts = list(range(i, m.end()))
                plain_ends = list(range(i + 1, m.end() + 1))
            else:
                plain_starts = [i] * len(plain)
                plain_ends = [m.end()] * len(plain)
            out.append(plain)
            starts.extend(plain_starts)
            ends.extend(plain_ends)
        elif tok in HIDDEN:
            if tok == _ZWJ and _keeps_zwj(text, i):
                out.append(tok)
                starts.append(i)
                ends.append(i + 1)
            # else: dropped; the characters either side map as they are
        else:
            out.append(_styled(tok) or tok)
            starts.append(i)
            ends.append(m.end())
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    folded = "".join(out)
    if folded == text:
        return None
    starts.append(len(text))
    return Folded(text, folded, starts, ends)
