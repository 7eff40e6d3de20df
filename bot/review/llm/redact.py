"""What leaves for the LLM: the draft without hidden characters or personal details.

Two steps, both reversible for us and invisible to the model:

- `strip_controls` removes zero-width and bidi control characters (they hide text from a
  reader and are a classic way to smuggle instructions); it keeps a map back to the
  offsets of the draft as given, so findings still point at the person's own text.
- `Redactor` swaps emails, phone numbers and card numbers for placeholders such as
  `[EMAIL_1]`, and `restore` puts the originals back into what the model returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Zero-width characters, the bidi embeddings/overrides/isolates, and the BOM.
CONTROL_CHARS = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e"
)


def strip_controls(text: str) -> tuple[str, list[int]]:
    """The text without control characters, and for each kept character its original index.

    The map has one extra entry (the original length) so an end offset maps too.
    """
    kept: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch not in CONTROL_CHARS:
            kept.append(ch)
            index.append(i)
    index.append(len(text))
    return "".join(kept), index


def remove_controls(text: str) -> str:
    """The text without zero-width and bidi control characters (for model output)."""
    return "".join(ch for ch in text if ch not in CONTROL_CHARS)


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# 13-19 digits, optionally grouped by single spaces or dashes (checked with Luhn).
_CARD = re.compile(r"(?<![\w.,])\d(?:[ -]?\d){12,18}(?![\w.,]\d)")
# International or national numbers: 9-15 digits with the usual separators.
_PHONE = re.compile(
    r"(?<![\w.,$€£])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){6,13}\b"
)
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_PLACEHOLDER = re.compile(r"\[(EMAIL|PHONE|CARD)_(\d+)\]")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 9 <= len(digits) <= 15 or _DATE_LIKE.match(candidate.strip()):
        return False
    # A plain run of digits without + or separators is more likely an order number.
    return candidate.startswith("+") or bool(re.search(r"[ .()-]", candidate))


@dataclass
class Redactor:
    """Placeholders for one draft; `restore` undoes them in anything the model wrote."""

    values: dict[str, str] = field(default_factory=dict)  # placeholder -> original

    def redact(self, text: str) -> str:
        """The text with personal details swapped for placeholders (reusing known ones)."""
        taken = {m.group(0) for m in _PLACEHOLDER.finditer(text)}
        for kind, pattern, keep in (
            ("EMAIL", _EMAIL, lambda s: True),
            ("CARD", _CARD, lambda s: _luhn_ok(re.sub(r"\D", "", s))),
            ("PHONE", _PHONE, _is_phone),
        ):
            text = pattern.sub(lambda m, k=kind, ok=keep: self._swap(m, k, ok, taken), text)
        return text

    def _swap(self, match: re.Match, kind: str, keep, taken: set[str]) -> str:
        value = match.group(0)
        if not keep(value):
            return value
        for placeholder, original in self.values.items():
            if original == value:
                return placeholder
        n = 1 + sum(1 for p in self.values if p.startswith(f"[{kind}_"))
        while f"[{kind}_{n}]" in taken:
            n += 1
        placeholder = f"[{kind}_{n}]"
        self.values[placeholder] = value
        return placeholder

    def restore(self, text: str) -> str:
        """Puts the originals back; placeholders we did not make are left as written."""
        if not self.values:
            return text
        return _PLACEHOLDER.sub(lambda m: self.values.get(m.group(0), m.group(0)), text)
