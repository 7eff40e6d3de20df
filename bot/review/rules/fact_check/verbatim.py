"""Facts a rewrite must say again exactly: codes ("SAVE40", "use code WELCOME"), quoted
speech (word for word) and placeholders ("{first_name}").

They can span spaces or need the words before them, so they are found over the whole text,
not piecewise like extract.facts(); and a rules rewrite never edits inside them (nor inside
inline code): protected_spans.
"""

from __future__ import annotations

import re

from bot.review.rules.fact_check.extract import Fact, make_fact

# Every pattern here is bounded (a code is at most 20 characters, a quote 400), so a huge
# draft costs linear time.
# SAVE40: `(?<![\w@#/.:-])(?=[A-Z0-9]{0,19}\d)[A-Z][A-Z0-9]{3,19}(?![\w@/-])`, written to
# open with its capital (the regex engine skips ahead to one) and look around it after.
_CODE = re.compile(
    r"[A-Z](?<![\w@#/.:-][A-Z])(?<=(?=[A-Z0-9]{0,19}\d)[A-Z])[A-Z0-9]{3,19}(?![\w@/-])"
)
_WORD_CODE = re.compile(r"\b(?i:code):? ([A-Z][A-Z0-9]{2,19})\b")  # "use code WELCOME"
# `“([^”\n]{2,400})”|(?<![\w"])"([^"\n]{2,400})"(?![\w"])`, opening with its quotation mark.
_QUOTE = re.compile(r'[“"](?:(?<=“)([^”\n]{2,400})”|(?<=")(?<![\w"]")([^"\n]{2,400})"(?![\w"]))')
_PLACEHOLDER = re.compile(
    r"\{\{?[ \t]?[A-Za-z_]\w{0,40}[ \t]?\}\}?|\[[A-Z][A-Z_]{0,30}(?:_\d{1,4})?\]"
)
_CODE_SPAN = re.compile(r"`[^`\n]{1,500}`")
# A capital right before an ASCII digit: every code has one (its first digit, see extras).
_CAPITAL_DIGIT = re.compile(r"[0-9](?<=[A-Z][0-9])")


def extras(text: str) -> list[Fact]:
    """Codes, quoted speech and placeholders in `text`, in order (kinds code, quote,
    placeholder); their value is what must appear again, exactly."""
    out = []
    # Each scan only when its literal is there: a code holds an ASCII digit (its \d can't
    # be past the code, a word character there would end no code), and the first one comes
    # right after a capital (the code opens with one, then only capitals or digits); a quote
    # holds a quotation mark, a placeholder a brace or bracket.
    codes = {m.start(): m for m in _CODE.finditer(text)} if _CAPITAL_DIGIT.search(text) else {}
    if "code" in text or "Code" in text or "CODE" in text:
        codes.update((m.start(1), m) for m in _WORD_CODE.finditer(text))
    for start in sorted(codes):
        m = codes[start]
        word = m.group(m.lastindex or 0)
        out.append(make_fact("code", word.upper(), start, start + len(word), word))
    for m in _QUOTE.finditer(text) if "“" in text or '"' in text else ():
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if any(ch.isalpha() for ch in inner):
            out.append(make_fact("quote", " ".join(inner.split()), m.start(), m.end(), m.group()))
    for m in _PLACEHOLDER.finditer(text) if "{" in text or "[" in text else ():
        out.append(make_fact("placeholder", m.group(), m.start(), m.end(), m.group()))
    out.sort(key=lambda f: f.start)
    return out


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Where a rules rewrite never edits: quoted speech, inline code, codes, placeholders."""
    spans = [(f.start, f.end) for f in extras(text)]
    if "`" in text:
        spans += [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
    return sorted(spans)


def _has_code(upper: str, code: str) -> bool:
    return re.search(rf"(?<![A-Z0-9]){re.escape(code)}(?![A-Z0-9])", upper) is not None


def kept_verbatim(f: Fact, rewrite: str, upper: str, flat: str) -> bool:
    """Whether `rewrite` (also given upper-cased and with spaces flattened) says `f` again."""
    if f.kind == "code":
        return _has_code(upper, f.value)
    if f.kind == "quote":
        return f.value in flat
    return f.value in rewrite
