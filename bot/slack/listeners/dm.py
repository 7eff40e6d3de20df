"""Direct messages: a draft sent to Social Way gets its review in the draft's thread, and
the conversation goes on there (or at the top of the DM, about the latest draft).

Only a person writing is answered: the bot's own messages, other bots, edits, deletions
and joins are not (no loops), and a retried delivery is one job (keyed by its event id).
Replies inside a DM thread arrive through the assistant listener (bolt's Assistant takes
every threaded IM message); see listeners/assistant.py.
"""

from __future__ import annotations

from bot.slack import conversation
from bot.slack.listeners.common import event_key, ref_of
from bot.slack.listeners.mention import strip_mentions
from bot.slack.text import plain

WRITTEN = (None, "", "file_share")  # subtypes of a person writing (a file share has text)


def is_person_writing(event: dict, bot_user_id: str) -> bool:
    """A message a person wrote (not a bot, not an edit/join/deletion) with some text."""
    if event.get("subtype") not in WRITTEN or event.get("bot_id") or event.get("bot_profile"):
        return False
    user = event.get("user")
    if not user or user == bot_user_id:
        return False
    return bool(plain(event.get("text") or "").strip())


def is_im(event: dict) -> bool:
    return event.get("channel_type") == "im"


def words_of(event: dict, bot_user_id: str) -> str:
    """The message as plain text, without a mention of the bot ("@Social Way shorter")."""
    return plain(strip_mentions(event.get("text") or "", bot_user_id))


def where_of(body: dict, event: dict, surface: str) -> conversation.Where:
    thread_ts = event.get("thread_ts")
    return conversation.Where(
        team_id=body.get("team_id") or event.get("team") or "",
        channel_id=event.get("channel", ""),
        thread_ts=thread_ts or event.get("ts", ""),
        user_id=event.get("user", ""),
        surface=surface,
        ref=ref_of(body),
        top_level=not thread_ts,
    )


def register(app, deps) -> None:
    @app.event("message", matchers=[lambda event: is_im(event)])
    def handle_direct_message(body, event, context):
        if not is_person_writing(event, context.get("bot_user_id") or ""):
            return
        where = where_of(body, event, "dm")
        text = words_of(event, context.get("bot_user_id") or "")
        job = (conversation.handle, deps, where, text)
        if not deps.submit(*job, place=where.place, key=event_key(body)):
            deps.busy(where.place)
