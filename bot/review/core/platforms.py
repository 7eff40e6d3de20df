"""Where a post will appear, and what each place tolerates: length limits and hashtag norms.

Limits are the platforms' own published character limits. Hashtag norms are what reads as
a person rather than reach-hunting on that platform; a playbook's `hashtags.max` overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    """One place a draft can be posted."""

    id: str
    label: str
    limit: int | None  # hard character limit; None = no limit
    hashtag_norm: int
    url_length: int | None = None  # every link counts as this many characters (X)
    fold: int | None = None  # soft limit: shown before "See more"; a note, not a finding


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform("x", "X", 280, 2, url_length=23),
        Platform("bluesky", "Bluesky", 300, 2),
        Platform("threads", "Threads", 500, 1),
        Platform("linkedin", "LinkedIn", 3000, 3),
        Platform("instagram", "Instagram", 2200, 10),
        Platform("facebook", "Facebook", 63206, 2, fold=477),
        Platform("generic", "any platform", None, 3),
    )
}
ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "bsky": "bluesky"}
DEFAULT_PLATFORM = "generic"

_URL = re.compile(r"https?://[^\s<>|]+|www\.[^\s<>|]+", re.IGNORECASE)


def get_platform(name: str | None) -> Platform:
    """The platform called `name` (None = generic); a friendly ValueError for unknown names."""
    if name is None or name == "":
        return PLATFORMS[DEFAULT_PLATFORM]
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    try:
        return PLATFORMS[key]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise ValueError(f"Unknown platform '{name}'. Known: {known}") from None


# An attached photo or video shows on X as a t.co / pic.twitter.com link ending the post;
# it is not counted against the limit.
_MEDIA_TAIL = re.compile(
    r"\s*(?:https?://)?(?:t\.co|pic\.twitter\.com|pic\.x\.com)/\w+\s*\Z", re.IGNORECASE
)


def counted_text(text: str, platform: Platform) -> str:
    """The part of the draft the platform counts: on X, without an attached-media link."""
    if platform.url_length is None or "/" not in text:
        return text
    m = _MEDIA_TAIL.search(text, _last_token_gap(text))
    return text[: m.start()] if m else text


def _last_token_gap(text: str) -> int:
    """Where the whitespace before the draft's last token starts: a media link ending the
    draft lies in that token, so searching from here finds the same match as from 0
    without trying (at ~80 ns each) every position before it."""
    body = text.rstrip()  # str's whitespace is `re`'s \s (both str.isspace)
    last = body.rsplit(None, 1)[-1] if body else ""
    return len(body[: len(body) - len(last)].rstrip())


def weighted_length(text: str, platform: Platform) -> int:
    """The length the platform counts: characters, with links at a fixed weight on X and an
    attached-media link not counted (HTML entities are decoded before: engine.fold)."""
    if platform.url_length is None or ("://" not in text and "www." not in text):
        return len(text)
    text = counted_text(text, platform)
    total = len(text)
    for m in _URL.finditer(text):
        total += platform.url_length - (m.end() - m.start())
    return total


def fits(text: str, platform: Platform) -> bool:
    """Whether the draft is within the platform's limit, counted the platform's way."""
    return platform.limit is None or weighted_length(text, platform) <= platform.limit


def overflow_start(text: str, platform: Platform) -> int | None:
    """Offset of the first character past the platform's limit, or None when the draft fits."""
    if fits(text, platform):
        return None
    limit = platform.limit
    if platform.url_length is None:
        return limit
    text = counted_text(text, platform)
    # Walk the draft, counting each link at its fixed weight, to find the cut point.
    count = 0
    pos = 0
    for m in _URL.finditer(text):
        gap = m.start() - pos
        if count + gap > limit:
            return pos + (limit - count)
        count += gap
        if count + platform.url_length > limit:
            return m.start()
        count += platform.url_length
        pos = m.end()
    return pos + (limit - count)
