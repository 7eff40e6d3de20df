"""What the reply metrics (reply_thanks, reply_acknowledges, reply_deflects, reply_canned,
reply_asks_again) share: whether a reply answers in kind, where its words start and end,
and their phrase-list parameters made one regex each."""

from __future__ import annotations

import re

from bot.review.rules.comment import Reply, phrase_regex, read_comment
from bot.review.rules.metrics.base import Context, Hit
from bot.review.rules.metrics.measures import Measures
from bot.review.rules.metrics.sentences import last_sentence, whole_stripped

PHRASE_LISTS = ("accept", "warm", "stock", "channels")  # parameters that are phrase lists


def prepare_phrases(p: dict) -> None:
    """Each phrase-list parameter the rule has, as one regex (under "_" + its name)."""
    for name in PHRASE_LISTS:
        if name in p:
            p["_" + name] = phrase_regex(p[name])


def comment_is_complaint(comment: str) -> bool:
    """Whether the comment being answered is negative: a complaint or a problem report."""
    return read_comment(comment).kind in ("complaint", "abuse")


# What a reply to feedback, praise or a complaint may do instead of the words "thank you"
# or "sorry": apologise, act, ask back (mid-troubleshooting), or say one of the rule's
# `accept` phrases ("that doesn't look right"), or, to praise, one of its `warm` ones
# ("glad you enjoyed it").
def answers_in_kind(p: dict, ms: Measures, ctx: Context) -> bool:
    if ms.owns:
        return True
    said = _lowered(ctx.text)
    for accept in (p.get("_accept"), p.get("_warm") if ctx.read.kind == "praise" else None):
        if accept is not None and accept.search(said):
            return True
    reply = ctx.reply(p)
    # Mid-troubleshooting: a question back, or a request for something in particular
    # ("DM us a photo of the error", "let us know the results").
    if reply.acts or reply.asks_back:
        return True
    return reply.asks_for


def _lowered(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _absence(text: str) -> list[Hit]:
    s, e = last_sentence(text)
    if e <= s:
        s, e = whole_stripped(text)
    return [(s, e, "")] if e > s else []


def reply_absence(ctx: Context, reply: Reply) -> list[Hit]:
    """An absence finding in a reply quotes its last sentence with words: never the
    signature, nor the @-names it opens with."""
    hits = _absence(ctx.text[: reply.body_end])
    if hits:
        s, e, _ = hits[0]
        m = LEADING_HANDLE.match(ctx.text, s, e)
        if m is not None and m.end() < e:
            s = m.end()
        hits = [(s, e, "")]
    return hits


def gives_nothing(ms: Measures, reply: Reply) -> bool:
    """Only stock lines and channel switches: no apology, action, or word of its own."""
    return not (ms.owns or reply.acts or reply.content or reply.takes_from_comment)


def sentence_around(text: str, span: tuple[int, int], end: int) -> tuple[int, int]:
    """The sentence of the reply body holding `span` ("Please send us a DM!"), without the
    @-names it opens with; the span itself when it runs past the body. A "." inside a link
    ("example.com") ends no sentence."""
    s, e = span
    if e > end:
        return span
    start = s
    while start > 0 and not _ends_sentence(text, start - 1, end):
        start -= 1
    stop = e
    while stop < end and not _ends_sentence(text, stop, end):
        stop += 1
    stop = min(end, stop + 1) if stop < end and text[stop] != "\n" else stop
    while start < s and text[start].isspace():
        start += 1
    lead = LEADING_HANDLE.match(text, start, s)
    if lead is not None:
        start = lead.end()
    return start, stop


def _ends_sentence(text: str, i: int, end: int) -> bool:
    ch = text[i]
    return ch == "\n" or (ch in ".!?" and (i + 1 >= end or text[i + 1].isspace()))


LEADING_HANDLE = re.compile(r"(?:\.?@\w+[\s,:]*)+")
