"""`socialway digest` (preview, post, or run the weekly clock) and `socialway purge`.

socialway digest --channel C0123 [--week 2026-03-23]     # print it here (the default)
socialway digest --channel C0123 --post                  # post it, exactly once
socialway digest --loop                                  # the clock (Procfile `clock:`)
socialway purge [--days 30]                              # retention, now
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from bot.cli.database import existing_store
from bot.cli.inputs import InputError, Streams
from bot.cli.terminal import printable
from bot.config import Settings, SettingsError, load_settings

# The digest, the store, slack_sdk, logging and threads are imported where they are used:
# every other command builds this parser, and a plain `socialway review` should not pay.
if TYPE_CHECKING:
    from bot.digest.aggregate import Digest
    from bot.review.reviewer import Reviewer
    from bot.store.store import Store

POSTED = {
    "posted": "Posted the digest of {week} to {channel} (ts {ts}).",
    "found": "The digest of {week} was already in {channel} (ts {ts}); recorded it.",
    "posted-before": "The digest of {week} was already posted to {channel} (ts {ts}).",
    "busy": "Another process is posting the digest of {week} to {channel} right now.",
    "gave_up": "Gave up posting the digest of {week} to {channel} after repeated failures.",
    "failed": "Could not post the digest of {week} to {channel}: {error}. It will be retried.",
    "not-installed": "Skipped {channel}: its workspace is not installed (nothing posted).",
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "digest",
        help="preview or post a channel's weekly digest, or run the digest clock",
        description="The weekly digest of a channel: printed here (--preview, the default), "
        "posted to Slack once (--post), or posted for every channel when due (--loop).",
    )
    p.add_argument("--channel", metavar="ID", help="the Slack channel id, like C0123ABCD")
    p.add_argument("--week", metavar="DATE", help="any date in the week (default: last week)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--preview", action="store_true", help="print it here (default)")
    mode.add_argument("--post", action="store_true", help="post it to the channel, once")
    mode.add_argument("--loop", action="store_true", help="post every due digest, forever")
    mode.add_argument("--once", action="store_true", help="post every due digest, then exit")
    p.set_defaults(func=run_digest)
    q = subparsers.add_parser(
        "purge",
        help="erase draft and rewrite text older than the retention now",
        description="Erase drafts, rewrites and quoted words older than DRAFT_RETENTION_DAYS "
        "(default 30); scores and rule ids stay for the trends. The server does this daily.",
    )
    q.add_argument("--days", type=int, help="override DRAFT_RETENTION_DAYS for this run")
    q.add_argument("--yes", action="store_true", help="confirm --days 0 (erase every draft)")
    q.set_defaults(func=run_purge)


def _settings(streams: Streams) -> Settings:
    try:
        return load_settings(streams.environ)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None


def _reviewer(settings: Settings) -> Reviewer:
    """The rules reviewer the digest re-scores with (and takes its rules' titles from)."""
    from bot.review.playbooks.loader import PlaybookLibrary, default_playbook_dir
    from bot.review.reviewer import Reviewer

    return Reviewer(PlaybookLibrary(dirs=[*settings.playbook_dirs, default_playbook_dir()]))


def digest_plain(digest: Digest, channel_name: str | None = None) -> str:
    """The digest for a person at a terminal: its text, each stored word made printable."""
    from bot.digest.render import digest_text

    return digest_text(digest, printable, channel_name)


def _client(settings: Settings):
    """SLACK_BOT_TOKEN's client; with OAuth, the clients of every installed team."""
    if settings.oauth:
        from bot.slack.installs import TeamClients, installation_store

        return TeamClients(settings, installation_store(settings))
    if not settings.slack_bot_token.startswith("xoxb-"):
        raise InputError("posting needs SLACK_BOT_TOKEN (the bot token, it starts with xoxb-)")
    from bot.slack.client import make_client

    return make_client(settings)


def run_digest(args: argparse.Namespace, streams: Streams) -> int:
    from bot.digest.aggregate import digest_for
    from bot.slack.digest_post import post_digest

    settings = _settings(streams)
    if args.loop or args.once:
        if args.channel or args.week:
            raise InputError("--loop and --once post every due digest; drop --channel/--week")
        return _clock(settings, streams, forever=args.loop)
    if not args.channel or not re.fullmatch(r"[CG][A-Z0-9]{2,}", args.channel):
        raise InputError("give the channel id with --channel, like --channel C0123ABCD")
    with existing_store(settings.database, read_only=not args.post) as store:
        if store is None:
            raise InputError(f"the database at {settings.db_path} is empty: no reviews yet")
        week = _week(args, store)
        reviewer = _reviewer(settings)
        if not args.post:
            streams.stdout.write(digest_plain(digest_for(store, args.channel, week, reviewer)))
            return 0
        outcome = post_digest(
            store,
            _channel_client(settings, store, args.channel),
            args.channel,
            week,
            reviewer=reviewer,
        )
    line = POSTED[outcome.state].format(
        week=week.label(), channel=args.channel, ts=outcome.ts, error=outcome.error
    )
    (streams.stdout if outcome.state not in ("failed", "gave_up") else streams.stderr).write(
        line + "\n"
    )
    return 0 if outcome.state in ("posted", "found", "posted-before") else 1


def _channel_client(settings: Settings, store: Store, channel_id: str):
    """The client that may post in `channel_id` (its team's, with OAuth)."""
    from bot.slack.digest_clock import client_for_channel

    channel = store.channel_settings(channel_id)
    client = client_for_channel(_client(settings), channel)
    if client is None:
        raise InputError(
            f"{channel_id}'s workspace "
            + (f"({channel.team_id}) is not installed" if channel.team_id else "is not known")
            + ": install Social Way there, then save the channel's /socialway settings"
        )
    return client


def _week(args: argparse.Namespace, store: Store):
    from datetime import date

    from bot.digest.schedule import latest_week
    from bot.digest.week import UnknownTimezone, week_of

    tz = store.channel_settings(args.channel).timezone
    try:
        if not args.week:
            return latest_week(store, args.channel)
        try:
            day = date.fromisoformat(args.week)
        except ValueError:
            raise InputError(
                f"--week should be a date like 2026-03-23, not {args.week!r}"
            ) from None
        return week_of(day, tz)
    except UnknownTimezone as error:
        raise InputError(f"{error} (fix it with /socialway settings)") from None


def _clock(settings: Settings, streams: Streams, *, forever: bool) -> int:
    import logging
    import signal
    import threading

    from bot.slack.digest_clock import run_due, run_forever

    client = _client(settings)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLogger().level))
    with existing_store(settings.database, must_exist=False) as store:  # the clock may start it
        if not forever:
            for outcome in run_due(store, client, reviewer=_reviewer(settings)):
                streams.stdout.write(f"{outcome.channel_id} {outcome.week_start} {outcome.state}\n")
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a platform's polite stop
        streams.stderr.write("socialway digest clock: running (Ctrl-C to stop)\n")
        run_forever(settings, store, client, stop, reviewer=_reviewer(settings))
    return 0


def run_purge(args: argparse.Namespace, streams: Streams) -> int:
    settings = _settings(streams)
    days = settings.draft_retention_days if args.days is None else args.days
    if days < 0:
        raise InputError(f"--days should be 0 or more, not {days}")
    with existing_store(settings.database) as store:
        if days == 0 and not args.yes:
            n = store.purgeable(0)
            raise InputError(
                f"--days 0 erases the words of every review kept ({n} review"
                f"{'s' if n != 1 else ''}); add --yes to do it"
            )
        erased = store.purge(days)
    streams.stdout.write(
        f"Erased the words of {erased} review{'s' if erased != 1 else ''} older than {days} "
        "days; scores and rule ids are kept for the trends.\n"
    )
    return 0
