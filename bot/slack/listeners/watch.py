"""Watch mode: each new top-level human message in a watched channel gets a threaded review.

Reviewed: a plain message, and a file share with text (a draft posted with its image —
the text is the draft). Skipped: any other subtype (edits, joins, bot posts, thread
broadcasts), bots (including this one), thread replies, messages that mention the bot
(the mention listener answers those), and retried deliveries of an event already seen.
"""

from __future__ import annotations

from bot.slack.flow import Ask, review_and_answer
from bot.slack.listeners.common import event_key, ref_of
from bot.slack.replies import Place
from bot.slack.text import plain
from bot.store.store import STORE_ERRORS

REVIEWED_SUBTYPES = (None, "", "file_share")


def is_new_human_post(event: dict, bot_user_id: str) -> bool:
    if event.get("subtype") not in REVIEWED_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    if not event.get("user") or event.get("user") == bot_user_id:
        return False
    if event.get("thread_ts") and event.get("thread_ts") != event.get("ts"):
        return False
    if event.get("channel_type") not in (None, "channel", "group"):
        return False
    text = event.get("text") or ""
    return not (bot_user_id and f"<@{bot_user_id}" in text) and bool(plain(text).strip())


def review_post(deps, event: dict, team_id: str, place: Place) -> None:
    review_and_answer(deps, Ask(plain(event["text"]), place, "watch", team_id))


def register(app, deps) -> None:
    @app.event("message")
    def handle_message(body, event, context):
        if not is_new_human_post(event, context.get("bot_user_id") or ""):
            return
        try:  # a read (WAL: never waits on a writer)
            if not deps.store.channel_settings(event.get("channel", "")).watch:
                return
        except STORE_ERRORS as error:  # can't tell whether it's watched: don't post there
            deps.health.failed(error, "reading watch mode")
            return
        place = Place(
            user_id=event["user"],
            channel_id=event.get("channel", ""),
            public=True,
            thread_ts=event.get("ts"),
            ref=ref_of(body),
            team_id=body.get("team_id", ""),
        )
        job = (review_post, deps, event, body.get("team_id", ""), place)
        if not deps.submit(*job, place=place, key=event_key(body)):
            deps.busy(place)
