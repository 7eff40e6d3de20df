"""One review from ask to answer, the same for every surface.

The rules review goes out at once (microseconds to make). When the reviewer will also
ask the LLM, that first answer says a more human version is being written and has no
"Post rewrite" button yet. The AI step then runs as its own job on the AI pool
(`deps.submit_llm`), so the next person's rules answer never queues behind someone's AI
call; when that pool is full the step waits its turn, at most `llm_budget` seconds, then
gives up with a note. The better review replaces the first (chat.update or response_url)
— or, if the LLM step fails, the rules review stays with a short note.

One stored review row, updated in place. Its `llm_pending` is 1 while the AI step runs
(`ai_writing`), so a button pressed meanwhile knows the rewrite isn't final. Every redraw
(`redraw`) renders what is stored now — the review, its votes, the writing line — so the
AI update never wipes a vote's thanks, nor a vote the writing line. How a review is drawn
beyond that (`blocks.MessageOptions`: its buttons, the draft, the tones offered) is built
once per answer — `message_options` for an ask, `stored_options` for a stored review.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from bot.jobs import once
from bot.review.core.model import Review
from bot.review.mute import without_rules
from bot.review.reviewer import ReviewRequest
from bot.review.rules.blank import is_blank
from bot.slack import blocks as kit
from bot.slack.deps import BUSY
from bot.slack.replies import Place, Sent, replace_message, send, tell
from bot.slack.text import escape
from bot.store.store import STORE_ERRORS, ChannelSettings

log = logging.getLogger("socialway.slack")

LLM_FAILED = "AI suggestions unavailable right now — this is the rules review."
LLM_BUSY = "The AI engine was too busy to get to this in time — this is the rules review."
AI_STILL_WRITING = "The AI version is still being written — give it a few seconds."
EMPTY = (
    "There's nothing to review yet — send a draft with it, e.g. "
    "`/socialway We're hiring! Come build with us`."
)
REDRAWS = 3  # a vote racing the AI update: draw again while the stored state moves


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
    tones: bool = True  # offer "Another tone" (set from `tones_offered` when answering)

    @property
    def visibility(self) -> str:
        """public (in the channel), private (the asker's own), personal (not to be posted)."""
        if self.place.public:
            return "public"
        return "private" if self.shareable else "personal"


def channel_settings(deps, channel_id: str) -> ChannelSettings:
    """The channel's settings; the defaults when there are none, or the store can't say."""
    if not channel_id:
        return ChannelSettings("")
    try:
        return deps.store.channel_settings(channel_id)
    except STORE_ERRORS as error:
        deps.health.failed(error, "reading channel settings")
        return ChannelSettings(channel_id)


def message_options(deps, ask: Ask, review_id: int) -> kit.MessageOptions:
    """How the review of `ask` is drawn, beyond the review: the draft ("nothing to change"),
    the tones offered, and which tone this is (None: not another tone)."""
    return kit.MessageOptions(
        review_id=review_id,
        public=ask.place.public or bool(ask.place.thread_ts),  # post button: "in thread"
        intro=ask.intro,
        postable=ask.shareable,
        draft=ask.draft,
        tones=deps.reviewer.tones if ask.tones else (),
        tone=ask.tone,
    )


def stored_options(deps, row: dict, *, public: bool, postable: bool) -> kit.MessageOptions:
    """How a stored review is drawn again: its draft, the tones its channel offers now, and
    for another tone an unnamed header (which tone isn't stored)."""
    offered = tones_offered(deps, channel_settings(deps, row["channel_id"]))
    return kit.MessageOptions(
        review_id=row["id"],
        public=public,
        postable=postable,
        draft=row["draft"],
        tones=deps.reviewer.tones if offered else (),
        tone="" if row["surface"] == "tone" else None,
    )


def render(review: Review, options: kit.MessageOptions, working: str | None = None):
    """The full message and the compact one kept for Slack's msg_too_long (its intro too:
    it says whose words these are). While the AI writes (`working`) there is no "Post
    rewrite": the rewrite shown isn't the final one."""
    shown = replace(options, working=working, postable=options.postable and not working)
    return kit.review_message(review, shown), kit.review_message(review, shown, compact=True)


def tones_offered(deps, channel: ChannelSettings) -> bool:
    """Whether to offer "Another tone": only when the AI engine is there and allowed here."""
    return deps.reviewer.wants_llm(ReviewRequest(text="-", allow_llm=channel.llm_allowed))


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
    """Review `ask.draft` and answer where `ask.place` says; returns the stored review id
    (None when nothing was stored yet: an empty draft, a refusal, or another tone, whose
    review is stored by its AI job)."""
    if is_blank(ask.draft):
        tell(deps, ask.place, EMPTY)
        return None
    channel = channel_settings(deps, ask.place.channel_id)
    ask = replace(ask, tones=tones_offered(deps, channel))
    request = review_request(ask, channel)
    try:
        rules = without_rules(deps.reviewer.rules_review(request), channel.muted_rules)
    except ValueError as error:  # an unknown playbook or platform: say which
        tell(deps, ask.place, f"I couldn't review that: {escape(str(error))}")
        return None
    if ask.tone:
        # a button's response_url replaces the message the button is on, so another tone
        # is one new message, sent when it is ready (after a short note that it's coming)
        once("tone", lambda: _write_in_tone(deps, ask, request, rules, channel))
        return None
    llm = deps.reviewer.wants_llm(request)
    # saved with the "sent" step: a crash before it repeats only the stored row
    review_id = once("review", lambda: record(deps, ask, rules, llm_pending=llm), save=False)
    working = (kit.WORKING if ask.place.replaceable else kit.COMING_BELOW) if llm else None
    options = message_options(deps, ask, review_id)
    sent = send_once(deps, ask.place, *render(rules, options, working))
    if sent is not None and sent.ts:
        deps.quietly(
            deps.store.set_review_message,
            review_id,
            message_ts=sent.ts,
            thread_ts=ask.place.thread_ts or "",
        )
    if llm and sent is None:  # nobody saw the rules answer: no AI step for it either
        deps.quietly(deps.store.set_llm_pending, review_id, False)
    elif llm:
        job = (deps, ask, request, rules, channel, review_id, sent, time.time())
        if not deps.submit_llm(finish_with_llm, *job, place=ask.place):
            # this process is full: the rules answer stands, with a note instead of the AI one
            deps.quietly(deps.store.set_llm_pending, review_id, False)
            noted = replace(rules, notes=(*rules.notes, LLM_BUSY))
            replace_message(deps, ask.place, sent, *render(noted, options))
    return review_id


def _write_in_tone(deps, ask: Ask, request, rules: Review, channel: ChannelSettings) -> bool:
    """The note that another tone is coming, and its AI job (once per job: a rerun after a
    crash neither repeats the note nor writes a second version). A full process says so."""
    tell(deps, ask.place, f"✍️ Writing a {escape(ask.tone)} version…")
    job = (answer_in_tone, deps, ask, request, rules, channel)
    if deps.submit_llm(*job, place=ask.place):
        return True
    tell(deps, ask.place, BUSY)
    return False


def send_once(deps, place, message: dict, compact: dict | None = None) -> Sent | None:
    """`send`, done once per job: a job run again (after a crash or a wait) that had already
    sent this answer gets what was sent, not a second copy."""
    kept = once("sent", lambda: _sent_dict(send(deps, place, message, compact)))
    return Sent(**kept) if kept else None


def _sent_dict(sent: Sent | None) -> dict | None:
    return (
        None if sent is None else {"kind": sent.kind, "channel_id": sent.channel_id, "ts": sent.ts}
    )


def record(deps, ask: Ask, review: Review, llm_pending: bool = False) -> int:
    """Store the review (id 0 when the store can't take it: the answer goes out anyway).
    `llm_pending` before any message exists, so no button sees a final-looking rewrite."""
    review_id = deps.quietly(_record, deps, ask, review, default=0)
    if review_id and llm_pending:
        deps.quietly(deps.store.set_llm_pending, review_id, True)
    return review_id


def _record(deps, ask: Ask, review: Review) -> int:
    return deps.store.record_review(
        review,
        draft=ask.draft,
        surface=ask.surface,
        visibility=ask.visibility,
        team_id=ask.team_id,
        channel_id=ask.place.channel_id,
        user_id=ask.place.user_id,
        thread_ts=ask.place.thread_ts or "",
    )


def answer_in_tone(deps, ask: Ask, request, rules: Review, channel: ChannelSettings) -> None:
    """Another tone (on the AI pool): written, stored, then sent as one new message."""
    review = improve(deps, request, rules, channel.muted_rules, ask.place.ref)
    review_id = once("review", lambda: record(deps, ask, review), save=False)
    sent = send_once(deps, ask.place, *render(review, message_options(deps, ask, review_id)))
    if sent is not None and sent.ts:
        deps.quietly(
            deps.store.set_review_message,
            review_id,
            message_ts=sent.ts,
            thread_ts=ask.place.thread_ts or "",
        )


def finish_with_llm(
    deps, ask: Ask, request, rules: Review, channel, review_id: int, sent: Sent, queued: float
) -> None:
    """The AI step (on the AI pool): the better review stored, then shown in place of the
    rules one. One that waited longer than the AI budget for a free worker gives up."""
    try:
        waited = time.time() - queued
        if waited > deps.settings.llm_budget:
            log.warning(
                "AI step waited %.0fs for a worker (ref=%s); skipped", waited, ask.place.ref
            )
            better = replace(rules, notes=(*rules.notes, LLM_BUSY))
        else:
            made = lambda: improve(deps, request, rules, channel.muted_rules, ask.place.ref)  # noqa: E731
            better = Review.from_dict(once("better", lambda: made().to_dict()))
        # one write: never half
        stored = review_id and deps.quietly(_update, deps, review_id, better, default=False)
    except Exception:
        deps.quietly(deps.store.set_llm_pending, review_id, False)
        raise
    options = message_options(deps, ask, review_id)
    if not stored:  # the store can't say what to draw: show this one as it is
        replace_message(deps, ask.place, sent, *render(better, options), resend=True)
        return
    redraw(deps, ask.place, sent, options, resend=True)


def _update(deps, review_id: int, review: Review) -> bool:
    deps.store.update_review(review_id, review, llm_pending=0)
    return True


def improve(deps, request: ReviewRequest, rules: Review, muted, ref: str = "") -> Review:
    """The reviewer's best review, or the rules one with a note if that step fails."""
    try:
        return without_rules(deps.reviewer.review(request), muted)
    except Exception:
        log.exception("LLM review failed (ref=%s); answering with the rules review", ref)
        return replace(rules, notes=(*rules.notes, LLM_FAILED))


# -- the stored state, drawn -----------------------------------------------------------


def ai_writing(deps, row: dict) -> bool:
    """True while the review's AI step runs. A flag older than the step could possibly take
    (its process died mid-way) no longer counts, so the rewrite can still be posted."""
    if not row.get("llm_pending"):
        return False
    longest = 2 * deps.settings.llm_budget + 60  # a turn in the queue, the step, Slack
    return time.time() - (row.get("created_at") or 0) < longest


def thanks(deps, review_id: int) -> str | None:
    """The feedback line under a review once someone voted, with the counts so far."""
    kinds = [f["kind"] for f in deps.store.feedback_for(review_id)]
    up, down = kinds.count("helpful"), kinds.count("not_helpful")
    return f"Thanks for the feedback — 👍 {up} · 👎 {down}" if up or down else None


def redraw(
    deps, place: Place, sent: Sent, options: kit.MessageOptions, *, resend: bool = False
) -> None:
    """Show review `options.review_id` as stored now in place of `sent`: the review, its
    votes, and — while the AI step runs — the writing line and no "Post rewrite".

    A vote and the AI update each redraw, and their chat.updates can cross; so after
    drawing, the stored state is read again and, if it moved meanwhile, drawn again —
    whichever draws last shows the final review with every vote. `resend`: if the first
    swap fails, send the review as a new message instead (see `replace_message`).
    """
    drawn = None
    for n in range(REDRAWS):
        row = deps.store.get_review(options.review_id)
        if row is None:
            return
        writing = ai_writing(deps, row)
        state = (row["review_json"], writing, thanks(deps, options.review_id))
        if state == drawn:
            return
        voted = replace(options, feedback=state[2])
        message, compact = render(
            deps.store.review_of(row), voted, kit.WORKING if writing else None
        )
        swapped = replace_message(deps, place, sent, message, compact, resend=resend and n == 0)
        if not swapped or not sent.replaceable:
            return
        drawn = state
