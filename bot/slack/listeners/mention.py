"""`@Social Way <draft>`: a review in a thread under the mention.

Mentioned inside a thread, the subject is the thread's first message — or, when the
mention carries words and the first message is someone else's comment, those words as a
reply to that comment. Someone else's first message is reviewed privately for the asker
(an ephemeral message in the thread, visibility "personal", no "Post rewrite").
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.slack.flow import Ask, review_and_answer
from bot.slack.listeners.common import event_key, ref_of
from bot.slack.replies import Place, error_code, friendly, later_if_transient, tell
from bot.slack.text import plain

USAGE = (
    "Mention me with a draft — `@Social Way We're hiring!` — or mention me in a thread to "
    "review its first message."
)
SOMEONE_ELSES = (
    "The thread's first message, reviewed for you only: it's someone else's words, so "
    "there's no button to post a rewrite of it."
)


def strip_mentions(text: str, bot_user_id: str) -> str:
    """The mention text without the bot's own mention(s)."""
    if bot_user_id:
        return re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", "", text).strip()
    return re.sub(r"^\s*<@[A-Z0-9]+(\|[^>]*)?>", "", text).strip()


def thread_parent(deps, channel_id: str, thread_ts: str, team_id: str = "") -> dict | None:
    page = deps.client_for(team_id).conversations_replies(
        channel=channel_id, ts=thread_ts, limit=1, inclusive=True
    )
    messages = page.get("messages") or []
    return messages[0] if messages else None


def parent_ask(parent: dict, text: str, event: dict, place: Place, team_id: str) -> Ask:
    """The review of the thread's first message: in the thread when it's the asker's own;
    someone else's words are reviewed for the asker only, with no "Post rewrite" (as the
    message shortcut does)."""
    if parent.get("user") and parent.get("user") == event.get("user"):
        return Ask(text, place, "mention", team_id, intro="The thread's first message:")
    private = replace(place, public=False)  # an ephemeral message in the thread
    return Ask(text, private, "mention", team_id, intro=SOMEONE_ELSES, shareable=False)


def review_mention(deps, event: dict, bot_user_id: str, team_id: str, place: Place) -> None:
    draft = plain(strip_mentions(event.get("text", ""), bot_user_id))
    thread_ts = event.get("thread_ts")
    ask = Ask(draft=draft, place=place, surface="mention", team_id=team_id)
    if thread_ts and thread_ts != event.get("ts"):
        try:
            parent = thread_parent(deps, place.channel_id, thread_ts, place.team_id)
        except Exception as error:
            later_if_transient(error)  # a 429 or 5xx: the job tries again a little later
            tell(deps, place, friendly(error_code(error), place.channel_id, place.ref))
            return
        parent_text = plain((parent or {}).get("text", "")).strip()
        by_someone_else = parent and parent.get("user") not in (event.get("user"), bot_user_id)
        if draft and parent_text and by_someone_else and not parent.get("bot_id"):
            intro = "Your reply, reviewed against the comment it answers."
            ask = Ask(draft, place, "mention", team_id, in_reply_to=parent_text, intro=intro)
        elif not draft:
            if not parent_text:
                tell(deps, place, "The thread's first message has no text I can review.")
                return
            ask = parent_ask(parent, parent_text, event, place, team_id)
    elif not draft.strip():
        tell(deps, place, USAGE)
        return
    review_and_answer(deps, ask)


def register(app, deps) -> None:
    @app.event("app_mention")
    def handle_mention(body, event, context):
        place = Place(
            user_id=event.get("user", ""),
            channel_id=event.get("channel", ""),
            public=True,
            thread_ts=event.get("thread_ts") or event.get("ts"),
            ref=ref_of(body),
            team_id=body.get("team_id", ""),
        )
        bot = context.get("bot_user_id") or ""
        team_id = place.team_id
        job = (review_mention, deps, event, bot, team_id, place)
        if not deps.submit(*job, place=place, key=event_key(body)):
            deps.busy(place)
