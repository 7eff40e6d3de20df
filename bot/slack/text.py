"""Slack text in and out: markup normalised for review, and user text escaped for display.

In: Slack sends `<@U1>`, `<#C1|general>`, `<https://x|label>`, `<!here>` and `&amp;`. The
review engine wants the words a reader sees, so `normalise` turns markup into readable text
and keeps a map from every character back to the Slack original, so a finding's offsets can
be shown against the message as posted. A ```code block``` is left out of what is reviewed
(code is not prose: "BUY NOW" in a snippet is not a hard sell, and a rewrite must not
leave an empty fence behind).

Out: everything a person or a model wrote goes through `escape` before it is put into a
message, so a draft that says `<!channel>` or `@here` is shown, never pings anyone.
`escaped_within` and `escaped_chunks` cut escaped text to Slack's limits in one pass: at a
word break when there is one near, never inside an entity such as `&amp;`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"(```.*?```(?:[ \t]*\n|[ \t]+)?)|<([^<>\n]*)>|&(amp|lt|gt);", re.S)
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
    ends: tuple[int, ...] = ()  # ends[i] = where the Slack token that made text[i] ends

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The span of the Slack text that produced `text[start:end]` (whole tokens)."""
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if start == end:
            return self.origin[start], self.origin[start]
        if self.ends:  # exact, even where a code block left out sits right after
            return self.origin[start], self.ends[end - 1]
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
    """Slack message text -> the plain text a reader sees, with an offset map back.

    A fenced code block (and the line break or spaces after it) is left out entirely.
    """
    out: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(slack_text):
        for k in range(pos, m.start()):
            out.append(slack_text[k])
            origin.append(k)
            ends.append(k + 1)
        pos = m.end()
        if m.group(1) is not None:  # code: not reviewed, not rewritten
            continue
        if m.group(2) is not None:  # Slack escapes `&`, `<`, `>` inside links and labels too
            replacement = _readable(_ENTITY_IN_TOKEN.sub(lambda e: _ENTITY[e.group(1)], m.group(2)))
        else:
            replacement = _ENTITY[m.group(3)]
        out.append(replacement)
        origin.extend([m.start()] * len(replacement))
        ends.extend([m.end()] * len(replacement))
    for k in range(pos, len(slack_text)):
        out.append(slack_text[k])
        origin.append(k)
        ends.append(k + 1)
    origin.append(len(slack_text))
    return Normalised("".join(out), tuple(origin), len(slack_text), tuple(ends))


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


_BREAKS = ("\n\n", "\n", " ")  # best first: a paragraph, a line, a word


def _cut(escaped: str, room: int, back: int) -> int:
    """Where to cut `escaped` so that `escaped[:cut]` fits `room`: never inside an entity
    (or between `@` and its word joiner), and at the latest break found within `back`
    characters of the limit — paragraph, then line, then word — when there is one."""
    cut = max(0, min(room, len(escaped)))
    if cut >= len(escaped):
        return len(escaped)
    if cut > 0 and escaped[cut] == WORD_JOINER and escaped[cut - 1] == "@":
        cut -= 1  # keep the "@" of a broken broadcast with its joiner
    amp = escaped.rfind("&", max(0, cut - 4), cut)  # every "&" here starts an entity
    if amp >= 0 and amp + (5 if escaped.startswith("&amp;", amp) else 4) > cut:
        cut = amp
    floor = max(0, cut - back)
    for mark in _BREAKS:
        at = escaped.rfind(mark, floor, cut + len(mark))
        if at > 0:
            return at
    return cut


def escaped_within(text: str, limit: int, ellipsis: str = "…") -> str:
    """`escape(text)` no longer than `limit`: the longest prefix of it that fits (cut at a
    break near the limit, never inside an entity), ending in an ellipsis when cut."""
    whole = escape(text)
    if len(whole) <= limit:
        return whole
    if limit < len(ellipsis):
        return ""
    room = limit - len(ellipsis)
    kept = whole[: _cut(whole, room, back=min(40, room // 10))]
    trimmed = kept.rstrip()
    if len(kept) - len(trimmed) <= min(40, room // 10):
        kept = trimmed
    return kept + ellipsis


def escaped_chunks(text: str, limit: int) -> list[str]:
    """`escape(text)` in pieces of at most `limit` characters (one per Slack section), split
    at a paragraph, line or word break in the last fifth of each piece when there is one,
    never inside an entity. Joined back with the breaks they were cut at, they are the
    whole escaped text."""
    rest = escape(text)
    chunks = []
    while len(rest) > limit:
        cut = _cut(rest, limit, back=limit // 5) or limit  # a piece is never empty
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest or not chunks:
        chunks.append(rest)
    return chunks


_LIVE_USER = re.compile(r"(?<![\w@<|/;])@([UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,20})(?!\w)")
_USER_ID = re.compile(r"@([UW][A-Z0-9]{2,20})")
_LIVE_CHANNEL = re.compile(r"(?<![\w#<|/&;])#(C(?=[A-Z0-9]*\d)[A-Z0-9]{2,20})(?!\w)")


def linked(escaped: str, *, people_in: str | None = None) -> str:
    """Escaped text with the channel links and mentions that `normalise` turned into text
    ("#C222", "@W333") made live entities again (<#C222>, <@W333>).

    Channel links never notify anyone, so they are always relinked. A person is mentioned
    only where `people_in` (the draft) mentions them: what *Post rewrite* publishes is the
    author's own words, mentions included; a review never notifies the people its draft
    names (people_in=None). Only Slack ids are linked (a U, W or C, then capitals and
    digits, one digit at least), and broadcasts (<!here>) are never built.
    """
    escaped = _LIVE_CHANNEL.sub(r"<#\1>", escaped)
    if not people_in:
        return escaped
    named = set(_USER_ID.findall(people_in))  # as text ("@W333") or markup ("<@W333>")
    return _LIVE_USER.sub(
        lambda m: f"<@{m.group(1)}>" if m.group(1) in named else m.group(), escaped
    )


def mention(user_id: str) -> str:
    """A user mention; only ever built for the person who asked or clicked."""
    if not re.fullmatch(r"[UW][A-Z0-9]+", user_id or ""):
        return "someone"
    return f"<@{user_id}>"
