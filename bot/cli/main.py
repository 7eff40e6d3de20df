"""The `socialway` command: builds the parser from each command's module and runs the
handler that module set (`set_defaults(func=...)`), so adding a command is one module and
one line in COMMANDS, and this file never names a command.

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
from bot.cli import playbook as cli_playbook  # `socialway playbook list|check`
from bot.cli import review as cli_review
from bot.cli import serve as cli_serve  # `socialway serve` (the Slack app)
from bot.cli import stats as cli_stats
from bot.cli.inputs import InputError, Streams
from bot.cli.startup import settle
from bot.review.playbooks.loader import PlaybookError

EXIT_USAGE = 2
# In the order `socialway --help` lists them; each module's add_parser sets its handler.
COMMANDS = (cli_review, cli_playbook, cli_stats, cli_serve, cli_digest, cli_migrate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialway",
        description="Review drafts against your team's rules of engagement.",
    )
    parser.add_argument("--version", action="version", version=f"socialway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def store_unavailable() -> tuple[type[Exception], ...]:
    """StoreUnavailable once the store has been imported (nothing could raise it before), so
    a command that never opens a database never imports the store and sqlite3."""
    errors = sys.modules.get("bot.store.errors")
    return (errors.StoreUnavailable,) if errors is not None else ()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    settle()  # start-up's objects frozen, the collector on (`python -m bot` turned it off)
    streams = Streams(stdin=sys.stdin.buffer, stdout=sys.stdout, stderr=sys.stderr)
    try:
        return args.func(args, streams)
    except InputError as error:
        streams.stderr.write(f"socialway: {error}\n")
    except PlaybookError as error:
        streams.stderr.writelines(line + "\n" for line in cli_playbook.problem_lines(error))
    except store_unavailable() as error:  # PostgreSQL unreachable: one line, no password
        streams.stderr.write(f"socialway: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's final flush quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return EXIT_USAGE
