"""Posting one channel's digest exactly once per week, across restarts, crashes and processes.

The protocol, per (channel, week):
1. claim the row in `digests` (`Store.claim_digest`: INSERT ... ON CONFLICT DO NOTHING in
   the store's write transaction, serialised across processes and hosts): one process wins;
2. post the message stamped with Slack message metadata (event_type `socialway_digest`,
   payload {channel, week_start});
3. record the message's ts.
A process that dies between 1 and 3 leaves a claim with no ts. Once that claim is older than
`stale_after`, the next scheduler takes it over and first reads the channel's history
(include_all_metadata) for the stamp: found means the post happened and only step 3 is
redone; not found means it posts. The same path retries a failed post, at most
`max_attempts` times per week.

The claim stays in the store, where the transaction that makes it exactly once is; the
rest lives here, beside the other Slack senders, because every other step is a Web API
call (the post, the history read) or the policy for Slack's errors (429, 5xx).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import traceback
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.aggregate import digest_for
from bot.digest.week import Week
from bot.slack.digest_blocks import digest_message
from bot.store.store import Store

log = logging.getLogger(__name__)

EVENT_TYPE = "socialway_digest"
STALE_AFTER = 600.0  # seconds before a silent claim is presumed dead
MAX_ATTEMPTS = 5
RETRY_5XX = 60.0  # seconds before a post Slack failed with a 5xx is tried again (a tick)
HISTORY_PAGES = 5


@dataclass(frozen=True)
class Outcome:
    """What happened to one channel's digest: posted, found, busy, posted-before, failed..."""

    channel_id: str
    week_start: str
    state: str
    ts: str = ""
    error: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def metadata(channel_id: str, week: Week) -> dict:
    """The stamp that lets a later process recognise this digest in the channel's history."""
    return {
        "event_type": EVENT_TYPE,
        "event_payload": {"channel": channel_id, "week_start": week.key},
    }


def find_posted(client, channel_id: str, week: Week) -> str | None:
    """The ts of this week's digest if the channel's history holds it (posted after the week)."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        response = client.conversations_history(
            channel=channel_id,
            oldest=f"{week.end:.6f}",
            include_all_metadata=True,
            limit=200,
            cursor=cursor,
        )
        for message in response.get("messages") or []:
            stamp = message.get("metadata") or {}
            payload = stamp.get("event_payload") or {}
            if (
                stamp.get("event_type") == EVENT_TYPE
                and payload.get("week_start") == week.key
                and payload.get("channel") == channel_id
            ):
                return message.get("ts")
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


def post_digest(
    store: Store,
    client,
    channel_id: str,
    week: Week,
    *,
    reviewer=None,
    claimed_by: str | None = None,
    stale_after: float = STALE_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
) -> Outcome:
    """Post `channel_id`'s digest of `week` unless it was (or is being) posted already.

    `reviewer` (a `Reviewer`) gives the digest its rules' titles and re-scores its
    before → after; without one, rule ids stand for titles and nothing is re-scored."""
    key = week.key
    row = store.digest_row(channel_id, key)
    if row and row["posted_ts"]:
        return Outcome(channel_id, key, "posted-before", row["posted_ts"])
    state = store.claim_digest(
        channel_id,
        key,
        claimed_by=claimed_by or worker_name(),
        stale_after=stale_after,
        max_attempts=max_attempts,
    )
    if state == "posted":
        return Outcome(
            channel_id, key, "posted-before", store.digest_row(channel_id, key)["posted_ts"]
        )
    if state in ("busy", "gave_up"):
        log.info("digest %s %s: %s, nothing to do here", channel_id, key, state)  # busy: elsewhere
        return Outcome(channel_id, key, state)
    try:
        if state == "recovering":
            ts = find_posted(client, channel_id, week)
            if ts:
                store.mark_digest_posted(channel_id, key, ts)
                log.info("digest %s %s was already posted (%s); recorded it", channel_id, key, ts)
                return Outcome(channel_id, key, "found", ts)
        message = digest_message(digest_for(store, channel_id, week, reviewer))
        response = client.chat_postMessage(
            channel=channel_id,
            text=message["text"],
            blocks=message["blocks"],
            metadata=metadata(channel_id, week),
            unfurl_links=False,
            unfurl_media=False,
        )
    except (SlackApiError, SlackClientError, OSError, ValueError) as error:
        reason = _reason(error)
        log.warning("digest %s %s not posted: %s (will retry later)", channel_id, key, reason)
        return _failed(store, channel_id, key, reason, _retry_in(error), stale_after)
    except Exception as error:  # a bug or a database error: still one of the week's attempts
        reason = unexpected(error)
        log.error(
            "digest %s %s not posted: %s (will retry later); traceback without the message:\n%s",
            channel_id,
            key,
            reason,
            "".join(traceback.format_tb(error.__traceback__)).rstrip(),
        )
        return _failed(store, channel_id, key, reason)
    ts = response.get("ts") or ""
    store.mark_digest_posted(channel_id, key, ts)
    log.info("digest %s %s posted (%s)", channel_id, key, ts)
    return Outcome(channel_id, key, "posted", ts)


def _failed(
    store: Store,
    channel_id: str,
    key: str,
    reason: str,
    retry_in: float | None = None,
    stale_after: float = STALE_AFTER,
) -> Outcome:
    """Count the failed attempt (the claim goes stale; at most `max_attempts` a week).

    `retry_in`: Slack said when to come back (a 429's Retry-After, a 5xx's backoff), so
    the claim goes stale then instead of after `stale_after`. The retry is a "recovering"
    claim like any other: it looks in the channel's history before posting."""
    stale_at = None
    if retry_in is not None:
        stale_at = store.clock() - stale_after + min(retry_in, stale_after)
    try:
        store.digest_failed(channel_id, key, reason, claimed_at=stale_at)
    except Exception as error:  # the store itself is failing: the claim still goes stale
        reason_now = unexpected(error)
        log.error("digest %s %s: could not record the failure: %s", channel_id, key, reason_now)
    return Outcome(channel_id, key, "failed", error=reason)


def unexpected(error: Exception) -> str:
    """A failure we didn't foresee, said without its message (it could quote stored words);
    SQLite's own messages ("database is locked", "malformed JSON") name no data and stay."""
    if isinstance(error, sqlite3.Error):
        return f"unexpected {type(error).__name__}: {str(error)[:200]}"
    return f"unexpected {type(error).__name__}"


def _retry_in(error: Exception) -> float | None:
    """Seconds Slack asked us to wait (429 Retry-After), a tick for a 5xx; None otherwise.
    The same policy as the answers' jobs (bot.slack.replies): wait, don't sleep in a thread."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", 0) if isinstance(error, SlackApiError) else 0
    if status == 429:
        for name, value in (getattr(response, "headers", None) or {}).items():
            if name.lower() == "retry-after":
                try:
                    return max(1.0, float(value[0] if isinstance(value, list) else value))
                except (TypeError, ValueError):
                    break
        return RETRY_5XX
    return RETRY_5XX if status >= 500 else None


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 0)
        if status == 429 or status >= 500:  # a 5xx body is a page, not an error code
            return f"slack: http_{status}"
        return f"slack: {error.response.get('error', 'error')}"
    return f"{type(error).__name__}: {error}"
