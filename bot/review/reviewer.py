"""The one door every surface (CLI, Slack, digest) uses to get a review.

It picks the engine for a request and guarantees an answer: the rules review is always
available and is the floor an LLM review never falls below. The LLM engine plugs in here
(`llm=`); without one, every review comes from the rules engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from bot.review.core.model import Review
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review as rules_engine_review

ENGINES = ("auto", "rules", "llm")
# The longest draft (or comment replied to) reviewed: 2.5x Slack's 40,000-character message
# limit. The engine is linear in length, but a 10 MB line should not hold a batch for
# seconds; anything longer is refused with this limit named.
MAX_DRAFT_CHARS = 100_000
NOTE_NO_LLM = "No AI engine is configured (set OPENAI_API_KEY or OPENAI_BASE_URL); rules only."
NOTE_LLM_FAILED = "AI suggestions unavailable right now; this is the rules review."


class DraftTooLong(ValueError):
    """A draft (or the comment it answers) over MAX_DRAFT_CHARS; the message says so."""


def check_length(text: str, what: str = "the draft") -> None:
    """Raises DraftTooLong, one friendly line, when `text` is over MAX_DRAFT_CHARS."""
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftTooLong(
            f"{what} is {len(text):,} characters; Social Way reviews up to "
            f"{MAX_DRAFT_CHARS:,} (split it, or trim it)"
        )


@dataclass(frozen=True)
class ReviewRequest:
    """What a surface asks for: the draft and how to judge it."""

    text: str
    playbook: str | None = None  # id or path; None = the library's default
    platform: str | None = None
    in_reply_to: str | None = None
    tone: str | None = None  # one of `Reviewer.tones` (prompts/tones.txt)
    engine: str = "auto"  # auto | rules | llm
    user: str | None = None  # who asked (budgets, cache); never sent to the LLM
    allow_llm: bool = True  # False when the channel keeps drafts away from the LLM
    # a conversation's free-form request ("less salesy but keep the code") and the last
    # rewrite it refers to; the LLM's answer is verified like any rewrite
    instruction: str | None = None
    previous_rewrite: str | None = None


class Reviewer:
    """Reviews drafts with the rules engine, and with the LLM engine when one is configured."""

    RECHECK_SECONDS = 1.0  # how often a playbook is looked for on disk again (edits show)

    def __init__(self, playbooks: PlaybookLibrary, llm=None):
        self.playbooks = playbooks
        self.llm = llm
        self._recent: dict = {}  # playbook ref -> (playbook, when it was looked up)

    def playbook(self, ref):
        """The playbook for `ref`, looked up on disk at most once a RECHECK_SECONDS: finding
        it (folders listed, files stat'ed) cost as much as the review itself."""
        now = time.monotonic()
        hit = self._recent.get(ref)
        if hit is not None and now - hit[1] < self.RECHECK_SECONDS:
            return hit[0]
        book = self.playbooks.get(ref)
        self._recent[ref] = (book, now)
        return book

    @property
    def tones(self) -> tuple[str, ...]:
        """The tones another version can be written in: the prompts' tones.txt, in its
        order; none without the LLM engine, which writes them."""
        return tuple(self.llm.prompts.tones) if self.llm is not None else ()

    def rules_review(self, request: ReviewRequest) -> Review:
        """The fast, deterministic review: microseconds, no network."""
        check_length(request.text)
        if request.in_reply_to:
            check_length(request.in_reply_to, "the comment it replies to")
        playbook = self.playbook(request.playbook)
        return rules_engine_review(
            request.text,
            playbook,
            platform=request.platform,
            in_reply_to=request.in_reply_to,
        )

    def wants_llm(self, request: ReviewRequest) -> bool:
        """Whether `review()` will try the LLM (so a surface can show that work is under way)."""
        if request.engine == "rules" or not request.allow_llm:
            return False
        return self.llm is not None

    def review(self, request: ReviewRequest) -> Review:
        """The best review available; an LLM failure ends in the rules review, never an error."""
        rules = self.rules_review(request)
        if not self.wants_llm(request):
            if request.engine == "llm" and request.allow_llm and self.llm is None:
                return replace(rules, notes=(*rules.notes, NOTE_NO_LLM))
            return rules
        try:
            return self.llm.improve(request, rules, self.playbook(request.playbook))
        except Exception as exc:  # the engine handles its own failures; this is the backstop
            import logging  # ~6 ms at start-up, for a failure a rules-only run never has

            logging.getLogger(__name__).error(
                "LLM engine failed (%s); rules review used", type(exc).__name__
            )
            return replace(rules, notes=(*rules.notes, NOTE_LLM_FAILED))

    def close(self) -> None:
        """Releases the LLM engine's connections (a no-op for rules only)."""
        close = getattr(self.llm, "close", None)
        if close is not None:
            close()
