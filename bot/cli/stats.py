"""`socialway stats`: what the reviews and the LLM cost, by day, from the store.

Reads SOCIALWAY_DB (through Settings). Reviews are the ones Slack stored; LLM reviews,
calls (every HTTP attempt, retries included), cache hits and tokens come from the usage
ledger the LLM engine writes.
"""

from __future__ import annotations

import argparse

from bot.cli.database import existing_store
from bot.cli.inputs import InputError, Streams
from bot.config import SettingsError, load_settings

COLUMNS = (
    ("day", "day"),
    ("reviews", "reviews"),
    ("llm_reviews", "LLM reviews"),
    ("calls", "calls"),
    ("failed_calls", "failed"),
    ("cache_hits", "cache hits"),
    ("prompt_tokens", "tokens in"),
    ("completion_tokens", "tokens out"),
)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "stats",
        help="reviews, LLM calls, cache hits and tokens by day",
        description="Usage by day (UTC) from the database at SOCIALWAY_DB.",
    )
    p.add_argument("--days", type=int, default=30, help="how many days back (default: 30)")
    p.add_argument("--json", action="store_true", help="print JSON lines, one per day")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    try:
        settings = load_settings(streams.environ)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None
    if args.days < 1:
        raise InputError(f"--days should be 1 or more, not {args.days}")
    with existing_store(settings.database, read_only=True) as store:
        days = store.usage_by_day(days=args.days) if store is not None else []
    if args.json:
        import json  # only --json needs it; every command builds this module's parser

        for day in days:
            streams.stdout.write(json.dumps(day) + "\n")
        return 0
    streams.stdout.write(render_table(days))
    return 0


def render_table(days: list[dict]) -> str:
    if not days:
        return "No reviews or LLM calls recorded yet.\n"
    totals = {key: sum(d[key] for d in days) for key, _ in COLUMNS[1:]}
    rows = [[str(d[key]) for key, _ in COLUMNS] for d in days]
    rows.append(["total", *(str(totals[key]) for key, _ in COLUMNS[1:])])
    header = [label for _, label in COLUMNS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip() + "\n"

    return "".join(line(r) for r in [header, *rows])
