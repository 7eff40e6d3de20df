"""One review from ask to answer, the same for every surface.

The rules review goes out at once (microseconds to make). When the reviewer will also
ask the LLM, that first answer says a more human version is being written; the better
review then replaces it (chat.update or response_url) — or, if the LLM step fails, the
rules review stays with a short note. One stored review row, updated in place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.review.model import Review
from bot.review.mute import without_rules
from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from bot.slack.replies import Place, replace_message, send, tell
from bot.slack.text import escape
from bot.store import ChannelSettings

log = logging.getLogger("socialway.slack")

LLM_FAILED = "AI suggestions unavailable right now — this is the rules review."
EMPTY = (
    "There's nothing to review yet — send a draft with it, e.g. "
    "`/socialway We're hiring! Come build with us`."
)


@dataclass(frozen=True)
class Ask:
    """A review someone asked for: the draft as plain text and where the answer goes."""

    draft: str
    place: Place
    surface: str  # command | modal | mention | shortcut | watch | tone
    team_id: str = ""
    platform: str | None = None
    playbook: str | None = None
    in_reply_to: str | None = None
    tone: str | None = None
    intro: str | None = None
    shareable: bool = True  # False: someone else's words; the bot never posts a rewrite of them

    @property
    def visibility(self) -> str:
        """public (in the channel), private (the asker's own), personal (not to be posted)."""
        if self.place.public:
            return "public"
        return "private" if self.shareable else "personal"


def channel_settings(deps, channel_id: str) -> ChannelSettings:
    return deps.store.channel_settings(channel_id) if channel_id else ChannelSettings("")


def render(review: Review, review_id: int, ask: Ask, working: str | None = None):
    """The full message and the compact one kept for Slack's msg_too_long."""
    options = {
        "review_id": review_id,
        "public": ask.place.public,
        "working": working,
        "postable": ask.shareable,
    }
    return (
        kit.review_message(review, intro=ask.intro, **options),
        kit.review_message(review, compact=True, **options),
    )


def review_request(ask: Ask, channel: ChannelSettings) -> ReviewRequest:
    """What the reviewer is asked: the channel's playbook and AI switch apply everywhere."""
    return ReviewRequest(
        text=ask.draft,
        playbook=ask.playbook or channel.playbook,
        platform=ask.platform,
        in_reply_to=ask.in_reply_to,
        tone=ask.tone,
        user=ask.place.user_id,
        allow_llm=channel.llm_allowed,
    )


def review_and_answer(deps, ask: Ask) -> int | None:
    """Review `ask.draft` and answer where `ask.place` says; returns the stored review id."""
    if not ask.draft.strip():
        tell(deps, ask.place, EMPTY)
        return None
    channel = channel_settings(deps, ask.place.channel_id)
    request = review_request(ask, channel)
    try:
        rules = without_rules(deps.reviewer.rules_review(request), channel.muted_rules)
    except ValueError as error:  # an unknown playbook or platform: say which
        tell(deps, ask.place, f"I couldn't review that: {escape(str(error))}")
        return None
    llm = deps.reviewer.wants_llm(request)
    if ask.tone:
        # a button's response_url replaces the message the button is on, so another tone
        # is one new message, sent when it is ready (after a short note that it's coming)
        tell(deps, ask.place, f"✍️ Writing a {escape(ask.tone)} version…")
        rules, llm = improve(deps, request, rules, channel.muted_rules, ask.place.ref), False
    review_id = deps.store.record_review(
        rules,
        draft=ask.draft,
        surface=ask.surface,
        visibility=ask.visibility,
        team_id=ask.team_id,
        channel_id=ask.place.channel_id,
        user_id=ask.place.user_id,
        thread_ts=ask.place.thread_ts or "",
    )
    working = (kit.WORKING if ask.place.replaceable else kit.COMING_BELOW) if llm else None
    sent = send(deps, ask.place, *render(rules, review_id, ask, working))
    if sent is None:
        return review_id
    if sent.ts:
        deps.store.set_review_message(
            review_id, message_ts=sent.ts, thread_ts=ask.place.thread_ts or ""
        )
    if llm:
        better = improve(deps, request, rules, channel.muted_rules, ask.place.ref)
        deps.store.update_review(review_id, better)
        replace_message(deps, ask.place, sent, *render(better, review_id, ask))
    return review_id


def improve(deps, request: ReviewRequest, rules: Review, muted, ref: str = "") -> Review:
    """The reviewer's best review, or the rules one with a note if that step fails."""
    try:
        return without_rules(deps.reviewer.review(request), muted)
    except Exception:
        log.exception("LLM review failed (ref=%s); answering with the rules review", ref)
        return replace(rules, notes=(*rules.notes, LLM_FAILED))
