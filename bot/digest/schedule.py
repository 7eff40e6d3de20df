"""Posting each channel's digest exactly once per week, across restarts, crashes and processes.

The protocol, per (channel, week):
1. claim the row in `digests` (INSERT ... ON CONFLICT DO NOTHING in the store's write
   transaction, serialised across processes and hosts): one process wins;
2. post the message stamped with Slack message metadata (event_type `socialway_digest`,
   payload {channel, week_start});
3. record the message's ts.
A process that dies between 1 and 3 leaves a claim with no ts. Once that claim is older than
`stale_after`, the next scheduler takes it over and first reads the channel's history
(include_all_metadata) for the stamp: found means the post happened and only step 3 is
redone; not found means it posts. The same path retries a failed post, at most
`max_attempts` times per week.

`client` is a slack_sdk WebClient (one workspace) or anything with `for_team(team_id)`
(bot.slack.installs.TeamClients: several workspaces, each channel posted with its team's
token; a channel whose team is unknown or no longer installed is skipped, nothing counted).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import traceback
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.aggregate import Digest, build_digest
from bot.digest.render import digest_message
from bot.digest.week import UnknownTimezone, Week, last_full_week, send_time
from bot.review.rules.engine import review as rules_review
from bot.store.store import ChannelSettings, Store

log = logging.getLogger(__name__)

EVENT_TYPE = "socialway_digest"
STALE_AFTER = 600.0  # seconds before a silent claim is presumed dead
MAX_ATTEMPTS = 5
RETRY_5XX = 60.0  # seconds before a post Slack failed with a 5xx is tried again (a tick)
HISTORY_PAGES = 5
TICK = 60.0  # seconds between looks for due digests
PURGE_EVERY = 86400.0


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


def rescorer(library):
    """`rescore(text, playbook_id) -> score` with the rules engine, or None without a library."""
    if library is None:
        return None

    def rescore(text: str, playbook_id: str | None) -> int | None:
        try:
            return rules_review(text, library.get(playbook_id or None)).human_score
        except ValueError:  # the playbook went away since the review
            return None

    return rescore


def digest_for(store: Store, channel_id: str, week: Week, library=None) -> Digest:
    return build_digest(store, channel_id, week, library, rescorer(library))


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
    library=None,
    claimed_by: str | None = None,
    stale_after: float = STALE_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
) -> Outcome:
    """Post `channel_id`'s digest of `week` unless it was (or is being) posted already."""
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
        message = digest_message(digest_for(store, channel_id, week, library))
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
        reason = _unexpected(error)
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
        reason_now = _unexpected(error)
        log.error("digest %s %s: could not record the failure: %s", channel_id, key, reason_now)
    return Outcome(channel_id, key, "failed", error=reason)


def _unexpected(error: Exception) -> str:
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


def due(store: Store, now: float) -> list[tuple[ChannelSettings, Week]]:
    """Channels whose last full week's digest is due at `now` (their weekday and hour passed)."""
    result = []
    for channel in store.channels_with_digest():
        try:
            week = last_full_week(now, channel.timezone)
            when = send_time(week, channel.digest_weekday, channel.digest_hour)
        except UnknownTimezone as error:
            log.warning("digest for %s skipped: %s", channel.channel_id, error)
            continue
        if now >= when:
            result.append((channel, week))
    return result


def client_for_channel(client, channel: ChannelSettings):
    """The client that posts in `channel`: the one client, or its team's (None: not known)."""
    if isinstance(client, WebClient) or not hasattr(client, "for_team"):
        return client
    return client.for_team(channel.team_id)


def run_due(store: Store, client, *, library=None, now: float | None = None, **options):
    """Post every digest that is due and not yet posted; returns what happened to each."""
    now = store.clock() if now is None else now
    outcomes = []
    for channel, week in due(store, now):
        try:
            row = store.digest_row(channel.channel_id, week.key)
            if row and row["posted_ts"]:
                continue
            poster = client_for_channel(client, channel)
            if poster is None:  # nothing claimed, so nothing counts against the week
                log.warning(
                    "digest %s %s skipped: %s",
                    channel.channel_id,
                    week.key,
                    f"team {channel.team_id} is not installed"
                    if channel.team_id
                    else "no team recorded for it (save its settings again)",
                )
                outcomes.append(Outcome(channel.channel_id, week.key, "not-installed"))
                continue
            outcome = post_digest(
                store, poster, channel.channel_id, week, library=library, **options
            )
        except Exception as error:  # before its claim (nothing to count): the others go on
            reason = _unexpected(error)
            log.error("digest %s %s not claimed: %s", channel.channel_id, week.key, reason)
            continue
        outcomes.append(outcome)
    return outcomes


def run_forever(settings, store: Store, client, stop_event: threading.Event, *, library=None,
                tick: float = TICK, purge_every: float = PURGE_EVERY) -> None:  # fmt: skip
    """The clock: retention once a day, due digests every `tick` seconds, until `stop_event`."""
    last_purge: float | None = None
    while not stop_event.is_set():
        now = store.clock()
        if last_purge is None or now - last_purge >= purge_every:
            last_purge = now
            try:
                erased = store.purge(settings.draft_retention_days)
                log.info("retention: erased the text of %d reviews", erased)
            except Exception:
                log.exception("retention run failed; will try again tomorrow")
        try:
            run_due(store, client, library=library)
        except Exception:
            log.exception("digest run failed; will try again in %.0f s", tick)
        stop_event.wait(tick)


def start_background(settings, store: Store, client, stop_event: threading.Event, *,
                     library=None, tick: float = TICK) -> threading.Thread:  # fmt: skip
    """Run the clock in a daemon thread of the server (for `socialway serve`)."""
    thread = threading.Thread(
        target=run_forever,
        args=(settings, store, client, stop_event),
        kwargs={"library": library, "tick": tick},
        name="socialway-digest-clock",
        daemon=True,
    )
    thread.start()
    return thread


def latest_week(store: Store, channel_id: str, now: float | None = None) -> Week:
    """The week a digest for `channel_id` would cover now (its last full week)."""
    tz = store.channel_settings(channel_id).timezone
    return last_full_week(store.clock() if now is None else now, tz)
