"""`socialway serve`: the Slack app's own options and start-up (bot/slack/serve.py),
registered as a command here, since the CLI may import slack but slack never the CLI."""

from __future__ import annotations

import argparse

from bot.cli.inputs import Streams
from bot.slack import serve as slack_serve


def add_parser(subparsers) -> None:
    slack_serve.add_parser(subparsers).set_defaults(func=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    return slack_serve.run(args, streams.environ)
