"""A shorter version without an AI: the rules rewrite, then wordy phrases and filler cut.

Only cuts that cannot change a fact: a wordy phrase becomes its plain form ("in order to"
→ "to"), intensifiers that add nothing go ("really", "very"). The result must keep every
fact of the draft (fact_check.check_facts), score no lower than the draft (never pushier) and
be shorter. It starts from the rules rewrite, which drops push on purpose ("only 3 left")
and says so; otherwise there is no rules version and the person is told so plainly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.review.core.model import Review
from bot.review.rules.engine import review as rules_engine_review
from bot.review.rules.fact_check import check_facts

_WORDY = tuple(
    (re.compile(pattern, re.IGNORECASE), plain)
    for pattern, plain in (
        (r"\bin order to\b", "to"),
        (r"\bdue to the fact that\b", "because"),
        (r"\bat this point in time\b", "now"),
        (r"\bat the present time\b", "now"),
        (r"\bin the event that\b", "if"),
        (r"\bfor the purpose of\b", "for"),
        (r"\bin spite of the fact that\b", "although"),
        (r"\bwith regard to\b", "about"),
        (r"\bin regards? to\b", "about"),
        (r"\bprior to\b", "before"),
        (r"\ba (?:large|great) number of\b", "many"),
        (r"\bthe majority of\b", "most"),
        (r"\bis able to\b", "can"),
        (r"\bare able to\b", "can"),
        (r"\bmake sure to\b", ""),
        (r"\bplease note that\s+", ""),
        (r"\bwe(?: are|'re) (?:so |very |really )?(?:excited|thrilled|delighted|pleased|happy)"
         r" to (?:announce|share|let you know|tell you)(?: that)?\s+", ""),
    )
)  # fmt: skip
_FILLER = re.compile(
    r"\b(?:really|very|actually|basically|literally|truly|totally|absolutely|simply|"
    r"definitely|incredibly|extremely|super)\s+(?=[^\W\d_])",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_MARK = re.compile(r"[ \t]+([,.;:!?])")


@dataclass(frozen=True)
class Shorter:
    """A shorter version and its review (re-scored by the rules engine)."""

    text: str
    review: Review
    changes: tuple[str, ...] = ()  # what the rules rewrite changed on the way (push dropped)


def compress(text: str) -> str:
    """`text` with wordy phrases made plain and filler words cut; spacing tidied."""
    return "\n".join(_compress_line(line) for line in text.split("\n")).strip()


def _compress_line(line: str) -> str:
    cut = line
    for pattern, plain in _WORDY:
        cut = pattern.sub(lambda m, plain=plain: _cased(m.group(0), plain), cut)
    cut = _FILLER.sub("", cut)
    cut = _SPACE_BEFORE_MARK.sub(r"\1", _SPACES.sub(" ", cut)).strip()
    if cut != line.strip() and line.strip()[:1].isupper() and cut[:1].islower():
        cut = cut[:1].upper() + cut[1:]  # the cut took the sentence's first word
    return cut


def shorter(draft: str, playbook, *, platform=None, in_reply_to=None) -> Shorter | None:
    """The rules' shorter version of `draft`, or None when they can't make one safely."""
    before = rules_engine_review(draft, playbook, platform=platform, in_reply_to=in_reply_to)
    base, changes = before.rewrite.text.strip(), before.rewrite.changes
    if not base or before.rewrite.facts_missing:  # the rules' own rewrite is the safe base
        base, changes = draft, ()
    candidate = compress(base)
    if not candidate or len(candidate) >= len(draft.strip()):
        return None
    if check_facts(base, candidate):  # what the rules rewrite dropped, it dropped as push
        return None
    after = rules_engine_review(candidate, playbook, platform=platform, in_reply_to=in_reply_to)
    if after.human_score < before.human_score:
        return None
    return Shorter(candidate, after, changes)


def _cased(found: str, plain: str) -> str:
    if plain and found[:1].isupper():
        return plain[:1].upper() + plain[1:]
    return plain
