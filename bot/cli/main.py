"""The `socialway` command: parses arguments and hands each command to its module.

Exit codes: 0 done; 1 a batch item or a playbook check failed (the output says which);
2 usage or bad input, with one friendly line on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from bot import __version__
from bot.cli import digest as cli_digest  # `socialway digest` and `socialway purge`
from bot.cli import migrate as cli_migrate  # `socialway migrate` (the Procfile's release step)
from bot.cli import playbook as cli_playbook
from bot.cli import review as cli_review
from bot.cli import stats as cli_stats  # `socialway stats` (LLM helper)
from bot.cli.inputs import InputError, Streams
from bot.review.playbooks.loader import PlaybookError
from bot.slack import serve as slack_serve  # `socialway serve` (slack-app helper)
from bot.store.errors import StoreUnavailable

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialway",
        description="Review drafts against your team's rules of engagement.",
    )
    parser.add_argument("--version", action="version", version=f"socialway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli_review.add_parser(commands)
    cli_playbook.add_parser(commands)
    cli_stats.add_parser(commands)
    slack_serve.add_parser(commands)
    cli_digest.add_parser(commands)  # adds both `digest` and `purge`
    cli_migrate.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    streams = Streams(stdin=sys.stdin.buffer, stdout=sys.stdout, stderr=sys.stderr)
    try:
        if args.command == "review":
            # Imported here: the LLM client is heavy, and only `review` needs it.
            from bot.cli.engine import cli_reviewer  # the Reviewer for --engine (LLM helper)

            with cli_reviewer(args.engine) as reviewer:  # LLM engine when configured
                return cli_review.run(args, reviewer, streams)
        if args.command == "stats":
            return cli_stats.run(args, streams)
        if args.command == "serve":
            return slack_serve.run(args)
        if args.command == "digest":
            return cli_digest.run_digest(args, streams)
        if args.command == "purge":
            return cli_digest.run_purge(args, streams)
        if args.command == "migrate":
            return cli_migrate.run(args, streams)
        return cli_playbook.run(args, cli_playbook.library_from(streams.environ), streams)
    except InputError as error:
        streams.stderr.write(f"socialway: {error}\n")
    except PlaybookError as error:
        streams.stderr.writelines(line + "\n" for line in cli_playbook.problem_lines(error))
    except StoreUnavailable as error:  # PostgreSQL unreachable: one line, no password
        streams.stderr.write(f"socialway: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's final flush quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return EXIT_USAGE
