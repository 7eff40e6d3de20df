"""Slack's assistant panel (Agents & AI Apps), through bolt's `Assistant` middleware.

A new thread gets a one-line greeting and suggested prompts; the channel the person is
looking at (the thread's context) picks the playbook and muted rules, and is kept in
the conversation's state when it changes. Every message in a thread of the DM — the
panel's, or a reply under a review in a plain DM (bolt's Assistant takes both) — goes
to the same conversation handler; only the panel's threads get a status and a title.
"""

from __future__ import annotations

import logging

from slack_bolt import Assistant

from bot.slack import conversation
from bot.slack.listeners.common import event_key, ref_of
from bot.slack.listeners.dm import is_person_writing, where_of, words_of

log = logging.getLogger("socialway.slack")


def thread_where(body: dict, event: dict) -> tuple[conversation.Where, str]:
    """Where an assistant_thread_* event's thread is, and the channel in view ("" if none)."""
    thread = event.get("assistant_thread") or {}
    context = thread.get("context") or {}
    where = conversation.Where(
        team_id=body.get("team_id") or context.get("team_id") or "",
        channel_id=thread.get("channel_id", ""),
        thread_ts=thread.get("thread_ts", ""),
        user_id=thread.get("user_id", ""),
        surface="assistant",
        ref=ref_of(body),
    )
    return where, context.get("channel_id") or ""


def register(app, deps) -> None:
    assistant = Assistant(logger=log)

    @assistant.thread_started
    def handle_thread_started(body, event):
        where, in_view = thread_where(body, event)
        job = (conversation.start_thread, deps, where, in_view)
        if not deps.submit(*job, place=where.place, key=event_key(body)):
            deps.busy(where.place)

    @assistant.thread_context_changed
    def handle_context_changed(body, event):
        where, in_view = thread_where(body, event)
        deps.submit(conversation.change_context, deps, where, in_view, key=event_key(body))

    @assistant.user_message
    def handle_user_message(body, event, context):
        if not is_person_writing(event, context.get("bot_user_id") or ""):
            return
        where = where_of(body, event, "dm")  # the handler finds out it's the panel's thread
        text = words_of(event, context.get("bot_user_id") or "")
        job = (conversation.handle, deps, where, text)
        if not deps.submit(*job, place=where.place, key=event_key(body)):
            deps.busy(where.place)

    app.assistant(assistant)
