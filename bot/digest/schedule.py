"""When a channel's digest is due, and which week it covers.

The domain half of the weekly clock: it reads the channels' settings and says which
(channel, week) pairs are due now. Posting them exactly once is Slack's half
(bot/slack/digest_post.py, driven by bot/slack/digest_clock.py); the claim that makes it
exactly once is a write transaction in the store (`Store.claim_digest`).
"""

from __future__ import annotations

import logging

from bot.digest.week import UnknownTimezone, Week, last_full_week, send_time
from bot.store.store import ChannelSettings, Store

log = logging.getLogger(__name__)


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


def latest_week(store: Store, channel_id: str, now: float | None = None) -> Week:
    """The week a digest for `channel_id` would cover now (its last full week)."""
    tz = store.channel_settings(channel_id).timezone
    return last_full_week(store.clock() if now is None else now, tz)
