"""`socialway review`: one draft (argument, stdin or file) or a batch (JSON lines or CSV).

This module parses what the user asked for and hands each draft to the `Reviewer`; the
output is built in render.py, batches are streamed by batch.py.
"""

from __future__ import annotations

import argparse

from bot.cli.inputs import (
    InputError,
    Streams,
    check_argv_text,
    decode_text,
    read_file_text,
    require_draft,
)
from bot.cli.render import render_review, review_json
from bot.cli.startup import settle
from bot.cli.terminal import Painter, color_enabled
from bot.review.core.platforms import PLATFORMS
from bot.review.reviewer import ENGINES, DraftTooLong, Reviewer, ReviewRequest

FORMATS = ("text", "json", "jsonl")
EPILOG = """examples:
  socialway review "BUY NOW!!! Only 3 left"
  socialway review --platform x --file draft.txt
  socialway review --json --in-reply-to "You lost my order" "Sorry, that's on us."
  socialway review --format jsonl posts.jsonl --out reviews.jsonl
  socialway review --csv calendar.csv --column text --out reviewed.csv

exit codes: 0 reviewed; 1 a batch finished but some items have an error;
2 usage or bad input (one line on stderr says what to fix)."""


def add_parser(subparsers) -> None:
    """Adds the `review` command and its options to the top-level parser."""
    p = subparsers.add_parser(
        "review",
        help="review a draft (or a batch of drafts)",
        description="Review a draft against a playbook. TEXT may be several words; "
        "use - to read the draft from stdin.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("text", nargs="*", metavar="TEXT", help="the draft, or - for stdin")
    p.add_argument("--file", "-f", metavar="FILE", help="read the draft from a UTF-8 file")
    p.add_argument("--playbook", "-p", metavar="ID|PATH", help="playbook id or YAML file")
    p.add_argument("--platform", choices=list(PLATFORMS), help="where it will be posted")
    p.add_argument("--in-reply-to", metavar="TEXT", help="the comment this draft answers")
    p.add_argument("--engine", choices=ENGINES, default="auto", help="default: auto")
    out = p.add_mutually_exclusive_group()
    out.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        default="text",
        help="print the review as JSON",
    )
    out.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, or jsonl: read JSON lines, write one review per line",
    )
    out.add_argument("--csv", metavar="FILE", help="review a CSV file (with --column)")
    p.add_argument("--column", default="text", help="the CSV column with drafts (default: text)")
    p.add_argument("--out", "-o", metavar="FILE", help="batch output file (default: stdout)")
    colour = p.add_mutually_exclusive_group()
    colour.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the verdict and highlight quotes (auto: only on a terminal)",
    )
    colour.add_argument(
        "--no-color",
        dest="color",
        action="store_const",
        const="never",
        help="no ANSI colour (NO_COLOR in the environment does the same)",
    )
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace, streams: Streams) -> int:
    """`socialway review` with the Reviewer its --engine asks for, closed afterwards."""
    # Imported here: the LLM client is heavy, and only `review` needs it.
    from bot.cli.engine import cli_reviewer

    with cli_reviewer(args.engine) as reviewer:  # LLM engine when configured
        return run(args, reviewer, streams)


def run(args: argparse.Namespace, reviewer: Reviewer, streams: Streams) -> int:
    """Runs `socialway review`; returns the exit code."""
    check_usage(args)
    reviewer.playbooks.get(args.playbook)  # an unknown or broken playbook stops us here
    settle()  # the playbook lives as long as the run: never scanned by the collector again
    for line in reviewer.playbooks.unreadable():  # others that can't be read: say so, go on
        streams.stderr.write(f"socialway: warning: {line}\n")
    if args.engine == "llm" and reviewer.llm is None:
        streams.stderr.write("socialway: no LLM is configured; using the rules engine\n")

    def review_one(text: str, **overrides):
        return reviewer.review(request_for(args, text, **overrides))

    if args.csv or args.format == "jsonl":
        from bot.cli import batch as cli_batch  # CSV and JSON lines: only a batch needs them

    if args.csv:
        return cli_batch.review_csv(args.csv, args.column, args.out, review_one, streams)
    if args.format == "jsonl":
        source = args.file or (args.text[0] if args.text else "-")
        return cli_batch.review_jsonl(source, args.out, review_one, streams)
    draft = require_draft(read_draft(args, streams))
    try:
        review = review_one(draft)
    except DraftTooLong as error:
        raise InputError(str(error)) from None
    if args.format == "json":
        streams.stdout.write(review_json(review) + "\n")
    else:
        paint = Painter(color_enabled(streams.stdout, args.color, streams.environ))
        streams.stdout.write(render_review(review, draft, paint))
    return 0


def check_usage(args: argparse.Namespace) -> None:
    """Combinations argparse can't express, each with a line saying what to do instead."""
    batch = bool(args.csv) or args.format == "jsonl"
    if args.file and args.text:
        raise InputError("give the draft as TEXT, - or --file, not more than one")
    if args.csv and args.text:
        raise InputError("--csv reads its drafts from the CSV file; drop TEXT")
    if args.format == "jsonl" and len(args.text) > 1:
        raise InputError("--format jsonl takes one source: a file, or - for stdin")
    if args.out and not batch:
        raise InputError("--out is for batches (--format jsonl or --csv)")
    if not batch and not args.text and not args.file:
        raise InputError("nothing to review: give TEXT, - (stdin) or --file FILE")


def read_draft(args: argparse.Namespace, streams: Streams) -> str:
    """The single draft the user gave, from the command line, stdin or a file."""
    if args.file:
        return read_file_text(args.file)
    if args.text == ["-"]:
        return decode_text(streams.stdin.read(), "stdin")
    return check_argv_text(" ".join(args.text))


def request_for(args: argparse.Namespace, text: str, **overrides) -> ReviewRequest:
    """The request for one draft: the command's options, overridden per batch item."""
    fields = {
        "text": text,
        "playbook": args.playbook,
        "platform": args.platform,
        "in_reply_to": args.in_reply_to,
        "engine": args.engine,
    }
    fields.update(overrides)
    return ReviewRequest(**fields)
