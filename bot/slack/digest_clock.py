"""The server's weekly clock: every due digest posted (each exactly once), retention daily.

`socialway serve` runs it in a daemon thread of each process (`start_background`, from
bot/slack/wsgi.py); `socialway digest --loop` and `--once` run it in the foreground. Which
channels are due is the digest's own business (bot/digest/schedule.py); posting one is
bot/slack/digest_post.py.

`client` is a slack_sdk WebClient (one workspace) or anything with `for_team(team_id)`
(bot.slack.installs.TeamClients: several workspaces, each channel posted with its team's
token; a channel whose team is unknown or no longer installed is skipped, nothing counted).
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient

from bot.digest.schedule import due
from bot.slack.digest_post import Outcome, post_digest, unexpected
from bot.store.store import ChannelSettings, Store

log = logging.getLogger(__name__)

TICK = 60.0  # seconds between looks for due digests
PURGE_EVERY = 86400.0


def client_for_channel(client, channel: ChannelSettings):
    """The client that posts in `channel`: the one client, or its team's (None: not known)."""
    if isinstance(client, WebClient) or not hasattr(client, "for_team"):
        return client
    return client.for_team(channel.team_id)


def run_due(store: Store, client, *, reviewer=None, now: float | None = None, **options):
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
                store, poster, channel.channel_id, week, reviewer=reviewer, **options
            )
        except Exception as error:  # before its claim (nothing to count): the others go on
            reason = unexpected(error)
            log.error("digest %s %s not claimed: %s", channel.channel_id, week.key, reason)
            continue
        outcomes.append(outcome)
    return outcomes


def run_forever(settings, store: Store, client, stop_event: threading.Event, *, reviewer=None,
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
            run_due(store, client, reviewer=reviewer)
        except Exception:
            log.exception("digest run failed; will try again in %.0f s", tick)
        stop_event.wait(tick)


def start_background(settings, store: Store, client, stop_event: threading.Event, *,
                     reviewer=None, tick: float = TICK) -> threading.Thread:  # fmt: skip
    """Run the clock in a daemon thread of the server (for `socialway serve`)."""
    thread = threading.Thread(
        target=run_forever,
        args=(settings, store, client, stop_event),
        kwargs={"reviewer": reviewer, "tick": tick},
        name="socialway-digest-clock",
        daemon=True,
    )
    thread.start()
    return thread
