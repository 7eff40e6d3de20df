"""Whether the rules engine can read a draft's words: its phrases are English, so a draft
with no words, or in another language, gets a plain note instead of silent praise."""

from __future__ import annotations

import re
from functools import cache

from bot.review.rules.metrics.measures import SHORTCODE

NOTE_NO_WORDS = "There are no words here to review, only emoji, symbols or numbers."
NOTE_OTHER_LANGUAGE = (
    "This draft looks like it isn't in English. The playbook's phrases are English, so only "
    "the measures (links, hashtags, emoji, “!”, length) were checked."
)

_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _other_script() -> re.Pattern:
    """Letters of other scripts: Greek to Ethiopic and the Indic scripts, kana, CJK, Hangul
    (ranges, so the scan is a fast set test; curly quotes, dashes and emoji fall outside).
    Compiled on first use: `re` builds a class of ~35,000 characters one by one (~7 ms),
    which a start-up reviewing an ASCII draft need not pay."""
    return re.compile(r"[\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]")


# Words almost every English sentence has and other Latin-script languages don't ("a",
# "in", "no", "on", "me", "is", "was", "die"... are words there too, so they are left out),
# and the commonest short words of French, Spanish, German, Italian, Portuguese and Dutch.
# fmt: off
_ENGLISH = frozenset((
    "the", "and", "to", "of", "for", "with", "are", "were", "be", "it", "this", "that",
    "you", "your", "we", "our", "my", "at", "by", "from", "not", "if", "have", "has", "can",
    "just", "all", "what", "how", "get", "more", "out", "now", "new", "about", "they", "he",
    "she", "his", "her", "their", "there", "here", "one", "like", "but", "or", "up", "i",
    "it's", "you're", "we're", "don't",
))
_OTHER_LATIN = frozenset((
    "le", "la", "les", "des", "est", "et", "une", "pour", "avec", "dans", "nous", "vous",
    "sur", "pas", "qui",  # French
    "el", "los", "las", "que", "por", "para", "una", "con", "del", "es", "muy",  # Spanish
    "der", "das", "und", "ist", "nicht", "mit", "für", "ein", "eine", "wir", "sie", "auf",
    "den", "dem",  # German
    "il", "che", "di", "della", "sono", "non", "gli",  # Italian
    "não", "uma", "com", "os", "você",  # Portuguese
    "het", "een", "en", "van", "niet", "voor", "met",  # Dutch
    "ne", "ça", "vos", "votre", "notre", "nos", "mais", "très", "aussi", "au", "aux",  # more French
    "y", "su", "sus", "pero", "más", "también", "ahora",  # more Spanish
))
# fmt: on
_ACCENTED = re.compile(r"[\u00c0-\u00ff\u0100-\u017f]")
_EDGE_PUNCTUATION = ',.;:!?¡¿()[]"“”«»…'
_SAMPLE_WORDS = 24


def reading_notes(text: str, english_seen: bool = False) -> tuple[str, ...]:
    """The note to add when the words can't be read: none, only symbols, or another
    language (another script, or French, Spanish, German... in the Latin alphabet).

    `english_seen`: the caller already met English words ("you", "our"), so the draft is
    not in another Latin-script language."""
    draft = text
    if ":" in text:
        text = SHORTCODE.sub(" ", text)  # Slack's emoji shortcodes are not words
    if text.isascii():
        if not _ASCII_LETTER.search(text):
            return (NOTE_NO_WORDS,) if draft.strip() else ()
    elif _other_script().search(text) is not None:  # most non-ASCII is quotes, dashes, emoji
        if len(_other_script().findall(text)) * 2 > len(_LETTER.findall(text)):
            return (NOTE_OTHER_LANGUAGE,)
    elif _LETTER.search(text) is None:
        return (NOTE_NO_WORDS,) if draft.strip() else ()
    if english_seen:
        return ()
    return (NOTE_OTHER_LANGUAGE,) if other_latin_language(text) else ()


def other_latin_language(text: str) -> bool:
    """Whether a draft in the Latin alphabet reads as French, Spanish, German... rather than
    English: among its first words, none of English's commonest, and at least two signs of
    another language: one of its common words, and another or an accented word."""
    words = text.lower().split(None, _SAMPLE_WORDS)[:_SAMPLE_WORDS]
    if len(words) < 6 or not _ENGLISH.isdisjoint(words):
        return False  # the common case, decided without touching the punctuation
    words = [w.strip(_EDGE_PUNCTUATION) for w in words]
    if not _ENGLISH.isdisjoint(words):
        return False
    # Evidence of another language: its common words, and words with accented letters
    # ("limitée", "ça", "für"), which English borrows only now and then ("café").
    common = sum(1 for w in words if w in _OTHER_LATIN)
    accented = sum(1 for w in words if w not in _OTHER_LATIN and _ACCENTED.search(w))
    return common >= 1 and common + accented >= 2  # names alone ("Taizé", "Bío Bío") aren't
