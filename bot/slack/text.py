"""Slack text in and out: markup normalised for review, and user text escaped for display.

In: Slack sends `<@U1>`, `<#C1|general>`, `<https://x|label>`, `<!here>` and `&amp;`. The
review engine wants the words a reader sees, so `normalise` turns markup into readable text
and keeps a map from every character back to the Slack original, so a finding's offsets can
be shown against the message as posted.

Out: everything a person or a model wrote goes through `escape` before it is put into a
message, so a draft that says `<!channel>` or `@here` is shown, never pings anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")
_ENTITY = {"amp": "&", "lt": "<", "gt": ">"}
_ENTITY_IN_TOKEN = re.compile(r"&(amp|lt|gt);")
_SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}
_BROADCAST = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class Normalised:
    """Plain text for review, and where each of its characters came from in the Slack text."""

    text: str
    origin: tuple[int, ...]  # origin[i] = offset in the Slack text of text[i]; len(text)+1 long
    source_length: int

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The span of the Slack text that produced `text[start:end]` (whole tokens)."""
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if start == end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self._token_end(end - 1)

    def _token_end(self, i: int) -> int:
        """Where the Slack token holding plain character i ends."""
        j = i + 1
        while j < len(self.text) and self.origin[j] == self.origin[i]:
            j += 1
        return self.origin[j] if j < len(self.text) else self.source_length


def _readable(inner: str) -> str:
    """What a reader sees for the markup `<inner>`."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (label.lstrip("#") or target[1:])
    if target.startswith("!"):
        name = target[1:]
        if name in _SPECIAL:
            return _SPECIAL[name]
        if name.startswith("subteam^"):
            return label if label.startswith("@") else "@" + (label or name[8:])
        return label or "@" + name.split("^")[0]
    if target.startswith("mailto:"):
        return label or target[7:]
    if not label or label == target or target.split("://", 1)[-1] == label:
        return target
    return f"{label} ({target})"  # the URL stays visible so the fact check still sees it


def normalise(slack_text: str) -> Normalised:
    """Slack message text -> the plain text a reader sees, with an offset map back."""
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(slack_text):
        for k in range(pos, m.start()):
            out.append(slack_text[k])
            origin.append(k)
        if m.group(1) is not None:  # Slack escapes `&`, `<`, `>` inside links and labels too
            replacement = _readable(_ENTITY_IN_TOKEN.sub(lambda e: _ENTITY[e.group(1)], m.group(1)))
        else:
            replacement = _ENTITY[m.group(2)]
        out.append(replacement)
        origin.extend([m.start()] * len(replacement))
        pos = m.end()
    for k in range(pos, len(slack_text)):
        out.append(slack_text[k])
        origin.append(k)
    origin.append(len(slack_text))
    return Normalised("".join(out), tuple(origin), len(slack_text))


def plain(slack_text: str) -> str:
    """Just the readable text of a Slack message."""
    return normalise(slack_text).text


def escape(text: str) -> str:
    """Any text made safe to put in a Slack message: shown as written, never a ping or a link.

    `&`, `<`, `>` become entities (so `<!channel>` and `<@U1>` are inert), and a bare
    `@here`, `@channel` or `@everyone` gets an invisible word joiner after the `@`.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def escaped_within(text: str, limit: int) -> str:
    """`escape(text)` no longer than `limit`, cutting the plain text (not an entity) to fit."""
    result = escape(text)
    budget = limit
    while len(result) > limit:
        if budget <= 1:
            return ""
        budget = max(0, budget - (len(result) - limit) - 1)
        result = escape(clip(text, budget))
    return result


def mention(user_id: str) -> str:
    """A user mention; only ever built for the person who asked or clicked."""
    if not re.fullmatch(r"[UW][A-Z0-9]+", user_id or ""):
        return "someone"
    return f"<@{user_id}>"
