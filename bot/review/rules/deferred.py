"""Stdlib regexes compiled on first use, not at import or when a playbook is unpickled.

re compiles in Python: ~50 µs for a short pattern, milliseconds for an alternation of a
few hundred phrases. The rules modules hold ~50 module-level regexes, of which the review
of a short draft uses one, and a compiled playbook's conditions and reply metrics hold
word lists that unpickling compiled again at every load: ~15 ms of every `socialway
review` in all, for patterns most drafts never try.
"""

from __future__ import annotations

import re

# What the code asks a pattern for; its methods are taken from the compiled pattern.
_FORWARDED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class DeferredPattern:
    """re.compile(pattern, flags), compiled the first time one of its methods is asked for.

    The compiled pattern's bound methods are then set on the instance, where attribute
    lookup finds them before __getattr__ is ever asked again: a call costs what the
    compiled pattern's own does. Pickled as its source, so unpickling compiles nothing."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags

    def __reduce__(self):
        return DeferredPattern, (self.pattern, self.flags)

    def __getattr__(self, name: str):
        if name not in _FORWARDED:  # (pickle and copy probe for others: they are absent)
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self.flags)
        for method in _FORWARDED:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
