"""One message in a conversation with Social Way, from understanding it to the answer.

A conversation lives in a thread: a DM (its draft's thread), the assistant panel's thread,
or the thread of a review in a channel. Its state (`review.conversation.Conversation`:
the draft, platform, playbook, reply-to comment, last review and rewrite, rules ignored)
is kept in the store under (channel, thread) and erased with drafts by the retention.
A DM as a whole also remembers its latest conversation (thread ""), so a top-level
"shorter" in a DM applies to the last draft sent there.

Every answer goes to the thread it was asked in and nowhere else: a DM never posts in a
channel. Rules answers go out at once; an AI step (a review's better version, another
tone, a free-form request) runs on the AI pool and replaces its placeholder when ready,
verified by the LLM engine like any rewrite. Turns in one thread are taken one at a time
(striped locks), so two quick messages never overwrite each other's state.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace

from bot.jobs import once
from bot.review.conversation import (
    Conversation,
    find_rule,
    find_rule_to_ignore,
    same_draft,
    understand,
    what_moved,
    why_answer,
)
from bot.review.core.model import Review
from bot.review.core.platforms import get_platform
from bot.review.mute import without_rules
from bot.review.reviewer import ReviewRequest
from bot.review.rules.shorten import shorter
from bot.slack import blocks as kit
from bot.slack import conversation_blocks as talk
from bot.slack.flow import LLM_BUSY, improve, send_once
from bot.slack.replies import Place, Sent, replace_message, send
from bot.store.store import ChannelSettings

log = logging.getLogger("socialway.slack")

NEEDS_AI = (
    "That needs the AI engine, which isn't set up here (an admin can set OPENAI_API_KEY). "
    "Without it I can: review each new version and say what moved, make it *shorter*, judge "
    "it *for LinkedIn* (or X, Instagram…), check it *as a reply to: &lt;comment&gt;*, explain a "
    "rule (*why hard-sell?*) and *ignore* one."
)
NO_AI_HERE = (
    "That channel keeps drafts away from the AI engine, so I can't do that here. The rules "
    "can still make it *shorter*, judge it for a platform, explain or ignore a rule."
)
NO_DRAFT = "Paste a draft first (as you'd post it), then ask me for changes."
OFF_TOPIC = (
    "I'm Social Way: I review brand posts and replies before they go public and suggest a "
    "more human version. If that was a draft, say *review it*."
)
ASK_DRAFT = "Paste the draft here, as you'd post it, and I'll review it."
ASK_REPLY = (
    "Send the customer's comment as *as a reply to: &lt;their comment&gt;*, then paste your reply "
    "— I'll check it against what they said."
)
THANKS = "Glad it helps. Paste the next version any time."
START_OVER = "Fresh start — paste the next draft whenever you're ready."
CANT_SHORTEN = (
    "The rules can't make this shorter without changing what it says; every sentence "
    "carries something. Try cutting one you could live without."
)
WORKING = "✍️ Writing a {what}…"
LLM_BUSY_VERSION = "The AI engine is too busy right now — please ask again in a minute."
STATUS = "is reviewing your draft…"
STATUS_WRITING = "is writing…"
TITLE_LIMIT = 60
_STRIPES = 64
_locks = [threading.Lock() for _ in range(_STRIPES)]
A_DRAFT_AFTER_ALL = Conversation(pending="\0")  # an answer's "this was a draft, not a request"
# in a channel thread Social Way answers only what is plainly for it (no small talk there)
CHANNEL_KINDS = frozenset(
    {
        "help",
        "reply_to",
        "ignore",
        "why",
        "tone",
        "platform",
        "playbook",
        "freeform",
        "draft",
        "start_over",
    }
)


@dataclass(frozen=True)
class Where:
    """The thread a message came from and who wrote it."""

    team_id: str
    channel_id: str
    thread_ts: str  # answers go in this thread
    user_id: str
    surface: str  # dm | assistant | thread (a review's thread in a channel)
    ref: str = ""
    top_level: bool = False  # a DM message outside any thread

    @property
    def place(self) -> Place:
        return Place(
            self.user_id,
            self.channel_id,
            public=True,
            thread_ts=self.thread_ts,
            ref=self.ref,
            team_id=self.team_id,
        )

    @property
    def visibility(self) -> str:
        """A conversation in a channel thread is public there; a DM's is never posted."""
        return "public" if self.surface == "thread" else "personal"

    @property
    def keys(self) -> list[str]:
        """The thread keys the state is kept under (a DM also keeps its latest as "")."""
        return [self.thread_ts, ""] if self.surface == "dm" else [self.thread_ts]


# -- the state ------------------------------------------------------------------------


def _lock(where: Where) -> threading.Lock:
    return _locks[hash((where.channel_id, where.thread_ts)) % _STRIPES]


def load(deps, where: Where) -> Conversation:
    """This thread's conversation; a DM top-level message continues the DM's latest one."""
    keys = [""] if where.top_level else where.keys
    for key in keys:
        row = deps.store.get_conversation(where.channel_id, key)
        if row is not None:
            return Conversation.from_dict(row["state"])
    return Conversation()


def save(deps, where: Where, convo: Conversation) -> None:
    title = " ".join(convo.draft.split())[:TITLE_LIMIT]
    for key in where.keys:
        deps.store.save_conversation(
            where.channel_id,
            key,
            surface=where.surface,
            state=convo.to_dict(),
            team_id=where.team_id,
            user_id=where.user_id,
            title=title,
            drafted_at=convo.drafted_at or None,
        )


def remember(deps, where: Where, draft: str, **changes) -> None:
    """After an AI step: keep its result, unless the draft moved on meanwhile."""
    with _lock(where):
        convo = load(deps, where)
        if convo.draft == draft:
            save(deps, where, replace(convo, **changes))


# -- one turn -------------------------------------------------------------------------


def handle(deps, where: Where, text: str) -> None:
    """Understand `text`, answer in `where`'s thread and keep the new state."""
    where = in_panel(deps, where)
    with _lock(where):
        convo = load(deps, where)
        intent = understand(text, has_draft=bool(convo.draft), tones=deps.reviewer.tones)
        if where.surface == "thread" and intent.kind not in CHANNEL_KINDS:
            return
        if where.surface == "assistant":
            status(deps, where, STATUS)
        changed = ANSWERS[intent.kind](deps, where, convo, intent.arg)
        if changed is A_DRAFT_AFTER_ALL:  # "Why wait? …" with nothing to explain: a draft
            changed = on_draft(deps, where, convo, text)
        if changed is not None:
            # retention counts from the draft: words said about it go with it, no later
            # (a draft brought from another conversation keeps its own time)
            new_draft = changed.draft != convo.draft and changed.drafted_at == convo.drafted_at
            if new_draft or not changed.drafted_at:
                changed = replace(changed, drafted_at=deps.store.clock())
            save(deps, where, changed)


def in_panel(deps, where: Where) -> Where:
    """A DM thread the assistant panel started is the panel's (status, title, context)."""
    if where.surface != "dm" or where.top_level:
        return where
    known = deps.store.get_conversation(where.channel_id, where.thread_ts)
    return (
        replace(where, surface="assistant") if known and known["surface"] == "assistant" else where
    )


def say(deps, where: Where, text: str) -> Sent | None:
    return send(deps, where.place, talk.line(text))


def say_ours(deps, where: Where, mrkdwn: str) -> Sent | None:
    """A message of our own words (already safe mrkdwn)."""
    return send(deps, where.place, kit.notice(mrkdwn))


def judging(deps, where: Where, convo: Conversation) -> ChannelSettings:
    """The channel whose playbook, muted rules and AI switch apply: in the assistant panel
    the one the person is looking at, otherwise the conversation's own."""
    channel = convo.context_channel if where.surface == "assistant" else ""
    channel = channel or where.channel_id
    return deps.store.channel_settings(channel) if channel else ChannelSettings("")


def request_for(where: Where, convo: Conversation, channel: ChannelSettings, **extra):
    return ReviewRequest(
        text=convo.draft,
        playbook=convo.playbook or channel.playbook,
        platform=convo.platform,
        in_reply_to=convo.in_reply_to,
        user=where.user_id,
        allow_llm=channel.llm_allowed,
        **extra,
    )


def rules_of(deps, where: Where, convo: Conversation) -> Review | None:
    """The rules review of the conversation's draft as it stands: what a new version is
    compared with (the same judge on both sides, whatever the AI added last time)."""
    if not convo.draft:
        return None
    channel = judging(deps, where, convo)
    try:
        review = deps.reviewer.rules_review(request_for(where, convo, channel))
    except ValueError:
        return None
    return without_rules(review, muted(channel, convo))


def muted(channel: ChannelSettings, convo: Conversation) -> tuple[str, ...]:
    return (*channel.muted_rules, *convo.ignored)


# -- reviews --------------------------------------------------------------------------


def review_draft(deps, where: Where, convo: Conversation, intro_of=None) -> Conversation | None:
    """Review `convo.draft`, answer with the rules review at once and (with an AI engine)
    its better version in its place; `intro_of(review)` gives the line above it."""
    channel = judging(deps, where, convo)
    request = request_for(where, convo, channel)
    try:
        rules = without_rules(deps.reviewer.rules_review(request), muted(channel, convo))
    except ValueError as error:  # an unknown playbook or platform
        say(deps, where, f"I couldn't review that: {error}")
        return None
    if where.surface == "assistant" and not convo.review:
        title(deps, where, convo.draft)
    intro = intro_of(rules) if intro_of else None
    llm = deps.reviewer.wants_llm(request)
    # once per job: a job run again (after a crash or a wait) keeps its row and its message
    review_id = once("review", lambda: record(deps, where, convo.draft, rules, llm), save=False)
    working = kit.WORKING if llm else None
    hint = not convo.review
    message = talk.review_message(
        rules, review_id=review_id, draft=convo.draft, intro=intro, working=working, hint=hint
    )
    sent = send_once(deps, where.place, *message)
    if sent is not None and sent.ts:
        deps.quietly(
            deps.store.set_review_message, review_id, message_ts=sent.ts, thread_ts=where.thread_ts
        )
    if llm and sent is None:
        deps.quietly(deps.store.set_llm_pending, review_id, False)
    elif llm:
        job = (deps, where, request, rules, channel, convo, review_id, sent, intro, time.time())
        if not deps.submit_llm(finish_review, *job, place=where.place):
            # this process is full: the rules answer stands, with a note instead of the AI one
            deps.quietly(deps.store.set_llm_pending, review_id, False)
            noted = replace(rules, notes=(*rules.notes, LLM_BUSY))
            message = talk.review_message(
                noted, review_id=review_id, draft=convo.draft, intro=intro, hint=hint
            )
            replace_message(deps, where.place, sent, *message)
    return replace(convo, review=rules.to_dict(), rewrite=rules.rewrite.text, pending="")


def record(deps, where: Where, draft: str, rules: Review, llm: bool) -> int:
    """Store the review (0 when the store can't take it: the answer goes out anyway);
    `llm_pending` before any message exists, so no button sees a final-looking rewrite."""
    review_id = deps.quietly(
        deps.store.record_review,
        rules,
        draft=draft,
        surface=where.surface,
        visibility=where.visibility,
        team_id=where.team_id,
        channel_id=where.channel_id,
        user_id=where.user_id,
        thread_ts=where.thread_ts,
        default=0,
    )
    if review_id and llm:
        deps.quietly(deps.store.set_llm_pending, review_id, True)
    return review_id


def finish_review(deps, where, request, rules, channel, convo, review_id, sent, intro, queued):
    """The AI step of a conversation's review: stored, shown in place of the rules one."""
    try:
        if time.time() - queued > deps.settings.llm_budget:  # queued in any process
            better = replace(rules, notes=(*rules.notes, LLM_BUSY))
        else:
            better = improve(deps, request, rules, muted(channel, convo), where.ref)
        deps.quietly(deps.store.update_review, review_id, better, llm_pending=0)
    except Exception:
        deps.quietly(deps.store.set_llm_pending, review_id, False)
        raise
    hint = not convo.review
    message = talk.review_message(
        better, review_id=review_id, draft=convo.draft, intro=intro, hint=hint
    )
    replace_message(deps, where.place, sent, *message)
    remember(deps, where, convo.draft, review=better.to_dict(), rewrite=better.rewrite.text)


# -- other versions (tones, free-form requests) ----------------------------------------


def another_version(deps, where: Where, convo: Conversation, *, tone=None, instruction=None):
    """A warmer / shorter / … version, or the AI's answer to a free-form request."""
    channel = judging(deps, where, convo)
    request = request_for(
        where, convo, channel, tone=tone, instruction=instruction, previous_rewrite=convo.rewrite
    )
    if deps.reviewer.llm is not None and channel.llm_allowed:
        rules = without_rules(deps.reviewer.rules_review(request), muted(channel, convo))
        what = f"{tone} version" if tone else "new version"
        if where.surface == "assistant":
            status(deps, where, STATUS_WRITING)
        sent = send_once(deps, where.place, talk.line(WORKING.format(what=what)))
        job = (deps, where, request, rules, channel, convo, sent, what)
        if sent is not None and not deps.submit_llm(finish_version, *job, place=where.place):
            replace_message(deps, where.place, sent, kit.notice(LLM_BUSY_VERSION))
        return None
    if tone == "shorter":
        return rules_shorter(deps, where, convo, channel)
    say_ours(deps, where, NO_AI_HERE if deps.reviewer.llm is not None else NEEDS_AI)
    return None


def finish_version(deps, where, request, rules, channel, convo, sent, what) -> None:
    review = improve(deps, request, rules, muted(channel, convo), where.ref)
    # set aside or unavailable, the AI's version is the rules one: say so in the title
    ai_wrote = review.engine == "llm" and review.rewrite.text != rules.rewrite.text
    title = f"A {what}" if ai_wrote else "The rules version"
    replace_message(deps, where.place, sent, version_message(title, review, convo.draft))
    if ai_wrote and review.rewrite.text.strip():
        remember(deps, where, convo.draft, rewrite=review.rewrite.text)


def version_message(title: str, review: Review, draft: str) -> dict:
    rewrite = review.rewrite
    if not rewrite.text.strip() or rewrite.text.split() == draft.split():
        note = "I couldn't write a version that keeps every fact and reads better than the draft."
        return talk.line(" ".join([note, *review.notes]))
    return talk.rewrite_message(
        title, rewrite.text, missing=rewrite.facts_missing, notes=review.notes
    )


def rules_shorter(deps, where: Where, convo: Conversation, channel) -> Conversation | None:
    try:
        playbook = deps.playbooks.get(convo.playbook or channel.playbook)
        result = shorter(
            convo.draft, playbook, platform=convo.platform, in_reply_to=convo.in_reply_to
        )
    except ValueError as error:
        say(deps, where, f"I couldn't do that: {error}")
        return None
    if result is None:
        say_ours(deps, where, CANT_SHORTEN)
        return None
    before, after = len(convo.draft.strip()), len(result.text)
    notes = (
        f"{before} → {after} characters · scores {result.review.human_score}/100",
        *result.changes,
    )
    send(deps, where.place, talk.rewrite_message("A shorter version", result.text, notes=notes))
    return replace(convo, rewrite=result.text)


# -- the answers, one per kind of message ----------------------------------------------


def on_draft(deps, where, convo: Conversation, text: str):
    if convo.draft and same_draft(convo.draft, text):
        old = rules_of(deps, where, convo)
        return review_draft(
            deps, where, replace(convo, draft=text), intro_of=lambda new: _moved(old, new)
        )
    if where.surface == "thread":
        return None  # in a channel, only a new version of the thread's draft is for us
    # a comment given before the first draft is what that draft replies to
    comment = None if convo.draft else convo.in_reply_to
    fresh = replace(convo, draft=text, review=None, rewrite="", in_reply_to=comment, pending="")
    return review_draft(deps, where, fresh)


def on_tone(deps, where, convo: Conversation, tone: str):
    convo = convo if convo.draft else last_draft(deps, where, convo)
    if not convo.draft:
        say_ours(deps, where, NO_DRAFT)
        return None
    changed = another_version(deps, where, convo, tone=tone)
    return changed or convo


def on_freeform(deps, where, convo: Conversation, text: str):
    if not convo.draft:
        say_ours(deps, where, NO_DRAFT)
        return None
    return another_version(deps, where, convo, instruction=text)


def on_platform(deps, where, convo: Conversation, platform: str):
    label = get_platform(platform).label
    changed = replace(convo, platform=platform)
    return _rereviewed(
        deps, where, convo, changed, f"I'll judge your drafts here for {label}", f"For {label}."
    )


def on_playbook(deps, where, convo: Conversation, wanted: str):
    try:
        playbook = deps.playbooks.get(wanted)
    except ValueError:
        known = ", ".join(deps.playbooks.ids())
        say(deps, where, f"I don't know a playbook called “{wanted}”. Known: {known}.")
        return None
    changed = replace(convo, playbook=playbook.id)
    return _rereviewed(
        deps, where, convo, changed, f"I'll use {playbook.name} here", f"With {playbook.name}."
    )


def _rereviewed(deps, where, convo: Conversation, changed: Conversation, noted: str, lead: str):
    """The conversation with a setting changed: with no draft yet, say it is noted; else
    review the draft again under it, leading with what moved."""
    if not convo.draft:
        say(deps, where, f"Got it: {noted}.")
        return changed
    old = rules_of(deps, where, convo)
    return review_draft(deps, where, changed, intro_of=lambda new: f"{lead} " + _moved(old, new))


def on_reply_to(deps, where, convo: Conversation, comment: str):
    changed = replace(convo, in_reply_to=comment)
    if not convo.draft:
        say_ours(deps, where, "Got the comment. Now paste your reply and I'll check it against it.")
        return changed
    intro = "Reviewed as a reply to the comment."
    return review_draft(deps, where, changed, intro_of=lambda new: intro)


def _playbook_or_say(deps, where, convo: Conversation):
    """The playbook this conversation is judged by, or None once the person was told why not."""
    try:
        return deps.playbooks.get(convo.playbook or judging(deps, where, convo).playbook)
    except ValueError as error:
        say(deps, where, f"I couldn't look that up: {error}")
        return None


def on_why(deps, where, convo: Conversation, query: str):
    review = convo.last_review()
    playbook = _playbook_or_say(deps, where, convo)
    if playbook is None:
        return None
    rule = find_rule(playbook, query, review)
    if rule is None and review is None:
        return A_DRAFT_AFTER_ALL
    if rule is None:
        flagged = sorted({f.rule for f in review.findings}) if review else []
        known = ", ".join(flagged) or ", ".join(r.id for r in playbook.rules[:8])
        words = query.strip()
        if words and words.lower() in convo.draft.lower():  # their words, not flagged
            say(deps, where, f"Nothing flagged “{words}” — it reads fine. Flagged: {known}.")
        else:
            say(deps, where, f"I'm not sure which rule you mean. Try one of: {known}.")
        return None
    say(deps, where, why_answer(playbook, rule, review))
    return None


def on_ignore(deps, where, convo: Conversation, query: str):
    review = convo.last_review()
    playbook = _playbook_or_say(deps, where, convo)
    if playbook is None:
        return None
    rule = find_rule_to_ignore(playbook, query, review)
    if rule is None and not convo.draft:
        return A_DRAFT_AFTER_ALL
    if rule is None:
        flagged = ", ".join(sorted({f.rule for f in review.findings})) if review else ""
        tail = f" Flagged here: {flagged}." if flagged else ""
        say(deps, where, f"I don't know a rule called “{query}”.{tail}")
        return None
    changed = replace(convo, ignored=tuple(dict.fromkeys((*convo.ignored, rule.id))))
    if review is None:
        say(deps, where, f"OK — I'll leave {rule.title} out of this conversation.")
        return changed
    after = without_rules(review, [rule.id])
    say(
        deps,
        where,
        f"OK — I'll leave {rule.title} (`{rule.id}`) out of this conversation. "
        f"{review.human_score} → {after.human_score}.",
    )
    return replace(changed, review=after.to_dict())


def on_start_over(deps, where, convo: Conversation, _arg: str):
    say_ours(deps, where, START_OVER)
    return convo.fresh()


def on_review_pending(deps, where, convo: Conversation, _arg: str):
    if not convo.pending:
        say_ours(deps, where, ASK_DRAFT)
        return None
    fresh = replace(convo, draft=convo.pending, review=None, rewrite="", pending="")
    return review_draft(deps, where, fresh)


def on_unrelated(deps, where, convo: Conversation, text: str):
    say_ours(deps, where, OFF_TOPIC)
    return replace(convo, pending=text)


def on_help(deps, where, convo: Conversation, _arg: str):
    ai = "" if deps.reviewer.llm is not None else "\n_No AI engine here: the rules answer._"
    say_ours(deps, where, talk.HELP + ai)
    return None


def fixed(text: str):
    def answer(deps, where, convo, _arg):
        say_ours(deps, where, text)
        return None

    return answer


ANSWERS = {
    "help": on_help,
    "start_over": on_start_over,
    "thanks": fixed(THANKS),
    "greeting": fixed(talk.GREETING),
    "review_pending": on_review_pending,
    "ask_draft": fixed(ASK_DRAFT),
    "ask_reply": fixed(ASK_REPLY),
    "reply_to": on_reply_to,
    "ignore": on_ignore,
    "why": on_why,
    "tone": on_tone,
    "platform": on_platform,
    "playbook": on_playbook,
    "freeform": on_freeform,
    "unrelated": on_unrelated,
    "draft": on_draft,
}


def _moved(old: Review | None, new: Review) -> str:
    return what_moved(old, new) if old else f"{new.human_score}/100."


def last_draft(deps, where: Where, convo: Conversation) -> Conversation:
    """ "Make my last draft warmer" in a new thread: the person's latest draft elsewhere."""
    for row in deps.store.user_conversations(where.user_id, limit=5):
        found = Conversation.from_dict(row["state"])
        if found.draft and row["team_id"] in ("", where.team_id):
            return replace(
                convo,
                draft=found.draft,
                platform=found.platform,
                in_reply_to=found.in_reply_to,
                review=found.review,
                rewrite=found.rewrite,
                drafted_at=found.drafted_at,
            )
    return convo


# -- the assistant panel's own calls ---------------------------------------------------


def status(deps, where: Where, text: str) -> None:
    """ "is reviewing your draft…" under the thread; Slack clears it when we answer."""
    _assistant_call(deps, where, "assistant_threads_setStatus", status=text)


def title(deps, where: Where, draft: str) -> None:
    words = " ".join(draft.split())
    text = words if len(words) <= TITLE_LIMIT else words[: TITLE_LIMIT - 1].rstrip() + "…"
    _assistant_call(deps, where, "assistant_threads_setTitle", title=text)


def _assistant_call(deps, where: Where, method: str, **params) -> bool:
    try:
        client = deps.client_for(where.team_id)
        getattr(client, method)(channel_id=where.channel_id, thread_ts=where.thread_ts, **params)
        return True
    except Exception as error:  # a nicety: the answer itself still goes out
        log.warning("%s failed (ref=%s): %s", method, where.ref, type(error).__name__)
        return False


def start_thread(deps, where: Where, context_channel: str) -> None:
    """A new assistant thread: a one-line greeting and the suggested prompts."""
    with _lock(where):
        convo = replace(load(deps, where), context_channel=context_channel)
        save(deps, where, convo)
    say_ours(deps, where, talk.GREETING)
    _assistant_call(
        deps,
        where,
        "assistant_threads_setSuggestedPrompts",
        prompts=talk.suggested_prompts(),
        title="Try one of these:",
    )


def change_context(deps, where: Where, context_channel: str) -> None:
    """The person is looking at another channel: its playbook and mutes apply from now."""
    with _lock(where):
        convo = load(deps, where)
        if convo.context_channel != context_channel:
            save(deps, where, replace(convo, context_channel=context_channel))
