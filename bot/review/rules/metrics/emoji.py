"""`emoji`: emoji beyond `max` (or `per_platform`); with `bullets`, emoji used as list
markers are not counted (a list written with emoji is still a list)."""

from __future__ import annotations

from bot.review.rules.metrics.base import Context, Hit, Metric, merge_spans, platform_limit
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    most = platform_limit(p, ctx, 3)
    emoji = ms.emoji
    if len(emoji) <= most:
        return []
    if p.get("bullets", True):
        emoji = _not_bullets(emoji, ctx.text)
        if len(emoji) <= most:
            return []
    detail = f"{len(emoji)} emoji"
    return [(s, e, detail) for s, e in merge_spans(emoji[most:], ctx.text)]


def _not_bullets(emoji: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The emoji that are not list markers. A marker opens a line (✅ Fast setup), or is
    one of three or more of the same emoji each followed by a word (✔️ Instrumental ...
    ✔️ Curious ...): a list written with emoji is still a list, not a row of emoji."""
    starts = [s for s, _ in emoji if _opens_line(text, s)]
    same: dict[str, int] = {}
    for s, e in emoji:
        if _followed_by_word(text, e):
            key = text[s:e].rstrip("\ufe0f")
            same[key] = same.get(key, 0) + 1
    markers = set(starts) if len(starts) >= 2 else set()
    for s, e in emoji:
        key = text[s:e].rstrip("\ufe0f")
        if same.get(key, 0) >= 3 and _followed_by_word(text, e):
            markers.add(s)
    return [(s, e) for s, e in emoji if s not in markers] if markers else emoji


def _opens_line(text: str, s: int) -> bool:
    i = s
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _followed_by_word(text: str, e: int) -> bool:
    i = e
    while i < len(text) and text[i] in " \t\ufe0f":
        i += 1
    return i < len(text) and text[i].isalnum() and i > e


METRIC = Metric(
    "emoji",
    check,
    params={"max": int, "per_platform": dict, "bullets": bool},
    defaults={"max": 3, "per_platform": {}, "bullets": True},
    gate="emoji",
    push="fewer",
)
