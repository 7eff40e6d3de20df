"""The rules engine's rewrite: the playbook's swaps and removals, calmer capitals and "!",
hashtags trimmed to the platform's norm, and a plain list of what changed.

It never drops a fact silently: an edit that would remove or alter a fact (number, link,
date, price, mention...) is skipped and said so; the result is then fact-checked and the
review reports `facts_kept` / `facts_missing`. Hashtags trimmed on purpose are listed in
the changes, not reported as missing.
"""

from __future__ import annotations

import re

from bot.review.facts import Fact, facts, missing_facts
from bot.review.metrics import ACRONYMS
from bot.review.model import Finding, Rewrite, make_rewrite

_URLISH = re.compile(r"(?:https?://|www\.|@|#|<)", re.IGNORECASE)
_KEEP_CASE_FACTS = frozenset({"date", "time"})  # lower-casing "TODAY" keeps the fact


def _at_sentence_start(text: str, pos: int) -> bool:
    """Whether only symbols or spaces stand between `pos` and the previous sentence end."""
    i = pos
    while i > 0:
        ch = text[i - 1]
        if ch in ".!?:\n":
            return True
        if ch.isalnum() or ch == "_":
            return False
        i -= 1
    return True


def _calm(words: str, sentence_start: bool) -> str:
    """ALL-CAPS words to sentence case, leaving acronyms as they are."""
    out = []
    for i, word in enumerate(re.split(r"(\s+)", words)):
        if word.isspace() or word.upper() in ACRONYMS:
            out.append(word)
        elif i == 0 and sentence_start:
            out.append(word[:1] + word[1:].lower())
        else:
            out.append(word.lower())
    return "".join(out)


def _with_case_of(original: str, replacement: str) -> str:
    if replacement and original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _join(left: str, right: str) -> str:
    """Join the text around a removal, tidying spaces and punctuation left behind."""
    left = left.rstrip(" \t")
    right = right.lstrip(" \t")
    at_start = left == "" or left[-1] in ".!?\n"
    if right[:1] in (",", ";", ":") and (at_start or left[-1:] in ",;:"):
        right = right[1:].lstrip(" \t")
    if at_start and right[:2] in ("— ", "– ", "- "):
        right = right[2:]
    if right[:1] in (".", "!", "?") and left[-1:] in (",", ";", ":"):
        left = left[:-1]
    elif right[:1] in (".", "!", "?", ",") and (left == "" or left[-1] in ".!?\n"):
        right = right[1:].lstrip(" \t")
    if right == "" or right[:1] == "\n":
        left = left.rstrip(" ,;:—–-")
    if at_start and right[:1].islower() and not _URLISH.match(right):
        right = right[:1].upper() + right[1:]
    if left == "" or right == "" or left[-1] == "\n" or right[0] in ".,!?;:)\n":
        return left + right
    return left + " " + right


def _overlaps(s: int, e: int, spans: list[tuple[int, int, str]]) -> Fact | None:
    for fs, fe, text in spans:
        if fs < e and s < fe:
            return text
    return None


def rules_rewrite(text: str, findings, playbook) -> Rewrite:
    """Apply the safe edits the findings call for; list them; fact-check the result."""
    kinds = playbook.compiled.metric_kinds
    index = playbook.compiled.index
    edits = []
    for f in findings:
        metrics = kinds[index[f.rule]] if f.rule in index else frozenset()
        edit = _edit_for(text, f, metrics)
        if edit is not None:
            edits.append(edit)
    if not edits:
        return make_rewrite(text)
    original_facts = facts(text)
    guarded = [(f.start, f.end, f.text) for f in original_facts if f.kind not in _KEEP_CASE_FACTS]
    dated = [(f.start, f.end, f.text) for f in original_facts if f.kind in _KEEP_CASE_FACTS]
    edits.sort(key=lambda e: (e[0], -e[1]))
    segments: list[str | None] = []  # None marks a removal, tidied when joined
    changes: list[str] = []
    trimmed: set[str] = set()
    pos = 0
    for s, e, repl, note, kind in edits:
        if s < pos:
            continue  # overlaps an edit already made
        fact = None if kind == "hashtags" else _overlaps(s, e, guarded)
        if fact is None and repl.lower() != text[s:e].lower():
            fact = _overlaps(s, e, dated)
        if fact is not None:
            changes.append(f"kept “{text[s:e]}”: it carries a fact ({fact})")
            continue
        segments.append(text[pos:s])
        segments.append(repl if repl else None)
        if kind == "hashtags":
            trimmed.update(t.lower() for t in re.findall(r"#\w+", text[s:e]))
        changes.append(note)
        pos = e
    segments.append(text[pos:])
    out = ""
    pending = False
    for seg in segments:
        if seg is None:
            pending = True
        elif pending:
            out = _join(out, seg)
            pending = False
        else:
            out += seg
    new_text = out.strip()
    if new_text == text.strip():
        return Rewrite(text=text, changes=tuple(c for c in changes if c.startswith("kept")))
    missing = [
        f.text
        for f in missing_facts(original_facts, new_text)
        if not (f.kind == "hashtag" and f.value in trimmed)
    ]
    return Rewrite(
        text=new_text,
        changes=tuple(changes),
        facts_kept=not missing,
        facts_missing=tuple(missing),
    )


Edit = tuple[int, int, str, str, str]  # start, end, replacement, change note, kind
_NOT_WORDS = re.compile(r"#\w+|https?://\S+|www\.\S+")


def _edit_for(text: str, f: Finding, metrics: frozenset) -> Edit | None:
    quote = f.quote
    if f.replacement is not None:
        repl = _with_case_of(quote, f.replacement)
        note = f"removed “{quote}”" if repl == "" else f"“{quote}” → “{repl}”"
        return f.start, f.end, repl, note, "swap"
    if "caps_words" in metrics and quote.isupper() and not quote.isspace():
        calm = _calm(quote, _at_sentence_start(text, f.start))
        if calm != quote:
            return f.start, f.end, calm, f"“{quote}” → “{calm}”", "caps"
    if "exclamation_run" in metrics and quote and set(quote) == {"!"}:
        return f.start, f.end, "!", f"“{quote}” → “!”", "bang"
    if "hashtags" in metrics and quote.startswith("#"):
        rest_of_line = _NOT_WORDS.sub("", text[f.end :].split("\n", 1)[0])
        if re.search(r"[^\W\d_]", rest_of_line):
            # Hashtags mid-sentence: keep the words, drop the "#".
            plain = re.sub(r"#(\w)", r"\1", quote)
            return f.start, f.end, plain, f"“{quote}” → “{plain}”", "hashtags"
        return f.start, f.end, "", f"removed hashtags {quote.strip()}", "hashtags"
    return None
