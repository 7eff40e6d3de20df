"""Whether a draft has anything in it to review.

A draft of zero-width spaces, joiners, direction marks or a byte-order mark looks empty
to the person who sent it, and is: `str.strip()` keeps those characters (they are
"format" characters, not spaces), so they are removed before asking.
"""

from __future__ import annotations

import unicodedata


def is_blank(text: str) -> bool:
    """Whether `text` is only whitespace and invisible format characters (category Cf)."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped[0].isprintable():
        return False  # the usual draft: it starts visible (format chars aren't printable)
    return all(  # stops at the first visible character
        ch.isspace() or unicodedata.category(ch) == "Cf" for ch in stripped
    )
