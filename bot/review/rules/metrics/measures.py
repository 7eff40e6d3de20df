"""The built-in measures of a draft, taken in ONE pass, that every metric check reads.

One combined regex tokenises only what the measures need (links, hashtags, "!", "?",
emoji, ALL-CAPS words, and capitalised names when a playbook asks for them), and the
measures' words (lexicon.py) ride along in the playbook's phrase scan; every rule's
thresholds are then checked against that one result, so adding rules never adds passes
over the text.
"""

from __future__ import annotations

import functools
import re

from bot.review.core.platforms import Platform, weighted_length
from bot.review.rules.sentence_words import NOT_NAMES

_EMOJI_CHAR = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55"
    "\u231a\u231b\u23e9-\u23fa\u203c\u2049\u3030\u303d\u3297\u3299"
)
_EMOJI_MOD = "[\ufe0f\U0001f3fb-\U0001f3ff]*"  # variation selector, skin tones
_EMOJI = f"[{_EMOJI_CHAR}]{_EMOJI_MOD}(?:\u200d[{_EMOJI_CHAR}]{_EMOJI_MOD})*"

LINK = r"<https?://[^>\s]*>|https?://[^\s<>]+|www\.[^\s<>]+"
_HTTP = re.compile(r"https?://[^\s<>]+")
_WWW = re.compile(r"www\.[^\s<>]+")
_SLACK_LINK = re.compile(r"<https?://[^>\s]*>")
_BANGS = re.compile(r"!!*")  # `!+`, opening with a literal the regex engine skips to
_HASHTAG = re.compile(r"#\w*[^\W\d_]\w*")
# Slack sends emoji as shortcodes (":fire:", ":+1:", ":skin-tone-2:"); they count as emoji.
# (Written to start with ":" so the regex engine jumps from colon to colon.)
SHORTCODE = re.compile(r":(?<!\w:)(?=[a-z0-9_+-]*[a-z])[a-z0-9][a-z0-9_+-]*:(?!\w)")


@functools.cache
def _emoji_scans() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(emoji, shortcode or emoji, a character at U+203C or above, where every emoji
    character is), compiled when a draft first needs them: ~1.5 ms a start-up that reviews
    plain ASCII never spends. (The last is a negated class: "[\u203c-\U0010ffff]" takes
    re ~5 ms to compile.)"""
    return (
        re.compile(_EMOJI),
        re.compile(f"{SHORTCODE.pattern}|{_EMOJI}"),
        re.compile("[^\x00-\u203b]"),
    )


# The first [A-Z] is consumed before the look-behind so the regex engine can skip ahead
# to capitals quickly.
# An ALL-CAPS word, hyphenated ones whole ("GAME-CHANGER", not "GAME" and "CHANGER").
_CAPS = re.compile(
    r"[A-Z](?<![\w@#$&'’-][A-Z])[A-Z'’]*[A-Z](?:-[A-Z][A-Z'’]*[A-Z])*(?![\w'’]|-[A-Z])"
)
NAME = re.compile(r"[A-Z](?<![\w@#$&'’][A-Z])[a-z]+(?:['’][a-z]+)?(?!\w)")
# Found from its "@" (a literal the regex engine jumps to), not tried at every position.
_EMAIL = re.compile(r"@(?<=[\w.+-]@)[\w-]+\.[\w.-]+")
# Capitals, as bytes ("U"; "Q" for an apostrophe, or a "?" standing for "’" or any other
# non-ASCII character): an ALL-CAPS word is a capital, then capitals or apostrophes, then
# a capital, so it starts where _CAPS_START finds one; no match starts before.
_CAPITALS = bytes(
    ord("U") if 65 <= c <= 90 else ord("Q") if c in (39, 63) else 32 for c in range(256)
)
_CAPS_START = re.compile(rb"UQ*U")


class Measures:
    """What one pass over a draft found: spans (start, end) per kind, and counts."""

    __slots__ = (
        "bangs",
        "caps",
        "congrats",
        "emoji",
        "hashtags",
        "help",
        "invites",
        "links",
        "names",
        "owns",
        "questions",
        "thanks",
        "thanks_at",
        "we",
        "weighed",
        "words",
        "you",
    )

    def __init__(self) -> None:
        self.we: list[tuple[int, int]] = []
        self.you = self.invites = self.thanks = self.owns = self.help = self.congrats = 0
        self.thanks_at = 1 << 62  # where the first thanks word starts
        self.names: dict[str, int] = {}
        self.words = -1  # whitespace-separated words, up to WORDS_CAP; -1 until counted
        self.weighed = -1  # the platform's length of the draft; -1 until weighed

    def word_count(self, text: str) -> int:
        """How many words `text` has, counted once and only up to WORDS_CAP (as
        `len(text.split(None, WORDS_CAP))`: at most WORDS_CAP + 1)."""
        if self.words < 0:
            if text.isascii():  # a word starts where a non-space follows a space (or opens)
                marks = text.encode("ascii").translate(_SPACE_MARKS)
                self.words = min(marks.count(b" x") + marks.startswith(b"x"), WORDS_CAP + 1)
            else:
                self.words = len(text.split(None, WORDS_CAP))
        return self.words

    def weighted_length(self, text: str, platform: Platform) -> int:
        """platforms.weighted_length of the draft, weighed once: on X it runs a link scan,
        and both the length metric and the strengths ask."""
        if self.weighed < 0:
            self.weighed = weighted_length(text, platform)
        return self.weighed

    def fits(self, text: str, platform: Platform) -> bool:
        """platforms.fits, from the length weighed once."""
        return platform.limit is None or self.weighted_length(text, platform) <= platform.limit


WORDS_CAP = 64  # the metrics and strengths only ask "fewer than 12?" and "at most 50?"
# An ASCII character as str.split sees it: whitespace " ", anything else "x" (one C pass
# each to translate and count, instead of making a string of every word).
_SPACE_MARKS = bytes(32 if chr(c).isspace() else 120 for c in range(256))


def link_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the links in `text` (as LINK finds them), each regex starting from a literal."""
    if "://" not in text and "www." not in text:
        return []
    found = []
    for m in _HTTP.finditer(text):
        s = m.start()
        slack = _SLACK_LINK.match(text, s - 1) if s and text[s - 1] == "<" else None
        found.append(slack.span() if slack is not None else m.span())
    if "www." in text:
        found += [m.span() for m in _WWW.finditer(text)]
        found.sort()
    spans: list[tuple[int, int]] = []
    for s, e in found:
        if not spans or s >= spans[-1][1]:
            spans.append((s, e))
    return spans


def bang_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of "!" in `text`."""
    return [m.span() for m in _BANGS.finditer(text)] if "!" in text else []


def name_counts(text: str, more_than: int = 0) -> dict[str, int]:
    """How often each capitalised word that may be a name occurs (sentence words left out),
    for the words said more than `more_than` times: only those can break a `name_repeats`
    limit, and most drafts repeat no word that often, so most counts are never made."""
    found = NAME.findall(text)
    if len(found) - len(set(found)) < more_than:  # too few repeats for any word to pass
        return {}
    counts: dict[str, int] = {}
    for word in found:
        counts[word] = counts.get(word, 0) + 1
    return {w: n for w, n in counts.items() if n > more_than and w not in NOT_NAMES}


def measure(
    text: str, ms: Measures, needs: frozenset[str] = frozenset(), names_over: int = 0
) -> Measures:
    """The character-level measures; each scan is skipped when its trigger is absent.

    `needs` names the optional measures a playbook's metrics read ("bangs", "names"); the
    strengths take "!" runs on demand. `names_over`: only names said more often than this
    are counted (the lowest `name_repeats` max of the playbook).
    """
    ms.questions = text.count("?")
    ms.bangs = bang_spans(text) if "bangs" in needs else None
    # One byte per character (non-ASCII ones "?"), so offsets agree with the text's; the
    # scan starts at the first place an ALL-CAPS word can (its look-behind still sees the
    # characters before).
    at = _CAPS_START.search(text.encode("ascii", "replace").translate(_CAPITALS))
    ms.caps = [m.span() for m in _CAPS.finditer(text, at.start())] if at is not None else []
    ms.links = link_spans(text)
    if ms.questions and ms.links:  # "?season=spring" in a link asks nothing
        ms.questions -= sum(text.count("?", s, e) for s, e in ms.links)
    ms.hashtags = (
        [
            m.span()
            for m in _HASHTAG.finditer(text)
            if m.start() == 0
            or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_&/#")
        ]
        if "#" in text
        else []
    )
    # Every emoji character is at or above U+203C: most non-ASCII drafts (curly quotes,
    # dashes, accents) skip the scan.
    if ":" in text and SHORTCODE.search(text):
        ms.emoji = _spans(_emoji_scans()[1], text)
    elif text.isascii():
        ms.emoji = []
    else:
        emoji, _, high = _emoji_scans()
        ms.emoji = _spans(emoji, text) if high.search(text) else []
    if "@" in text and _EMAIL.search(text):
        ms.help += 1
    if "names" in needs:
        ms.names = name_counts(text, names_over)
    return ms


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


# The measures taken only when a playbook's metrics read them (Measures attributes, named
# in `measure(needs=...)`); the rest are always taken.
OPTIONAL = frozenset({"bangs", "names"})
