"""Follow-ups in the thread of a review Social Way posted in a channel after a mention.

The person who asked can keep going in the thread without mentioning the bot: "shorter",
"for LinkedIn", "why hard-sell?", or the next version of the draft. Anyone else's
messages, small talk, and messages that mention the bot (the mention listener answers
those) are left alone. The conversation starts from the thread's stored review.
"""

from __future__ import annotations

from bot.review.conversation import Conversation
from bot.slack import conversation
from bot.slack.listeners.common import event_key, ref_of
from bot.slack.listeners.dm import is_person_writing
from bot.slack.text import plain


def is_thread_reply(event: dict) -> bool:
    thread_ts = event.get("thread_ts")
    in_channel = event.get("channel_type") in ("channel", "group")
    return in_channel and bool(thread_ts) and thread_ts != event.get("ts")


def conversation_of(deps, channel_id: str, thread_ts: str) -> dict | None:
    """The thread's conversation, started from its review on the first follow-up."""
    found = deps.store.get_conversation(channel_id, thread_ts)
    if found is not None:
        return found
    row = deps.store.thread_review(channel_id, thread_ts)
    if row is None:
        return None
    state = Conversation(
        draft=row["draft"],
        platform=row["platform"] or None,
        playbook=row["playbook"] or None,
        review=deps.store.review_of(row).to_dict(),
        rewrite=row["rewrite"] or "",
        drafted_at=row["created_at"],
    )
    deps.store.save_conversation(
        channel_id,
        thread_ts,
        surface="thread",
        state=state.to_dict(),
        team_id=row["team_id"] or "",
        user_id=row["user_id"] or "",
        drafted_at=row["created_at"],
    )
    return deps.store.get_conversation(channel_id, thread_ts)


def register(app, deps) -> None:
    @app.event("message", matchers=[lambda event: is_thread_reply(event)])
    def handle_thread_reply(body, event, context):
        bot = context.get("bot_user_id") or ""
        if not is_person_writing(event, bot) or (bot and f"<@{bot}" in event.get("text", "")):
            return
        where = conversation.Where(
            team_id=body.get("team_id") or "",
            channel_id=event.get("channel", ""),
            thread_ts=event["thread_ts"],
            user_id=event["user"],
            surface="thread",
            ref=ref_of(body),
        )
        # no "busy" note when full: most thread replies aren't for us, and nobody asked
        job = (follow_up, deps, where, plain(event.get("text") or ""))
        deps.submit(*job, place=where.place, key=event_key(body))


def follow_up(deps, where: conversation.Where, text: str) -> None:
    """A reply in a channel thread: for us only in a review's thread, from its asker."""
    found = conversation_of(deps, where.channel_id, where.thread_ts)
    if found is not None and found["user_id"] == where.user_id:
        conversation.handle(deps, where, text)
