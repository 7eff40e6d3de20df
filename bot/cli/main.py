"""The `socialway` command: builds the parser from each command's module and runs the
handler that module set (`set_defaults(func=...)`), so adding a command is one module and
its line in COMMANDS. Only the module of the command asked for is imported (a plain
`socialway review` pays for no other); `socialway --help` and usage errors import them all.

Exit codes: 0 done; 1 a batch item or a playbook check failed (the output says which);
2 usage or bad input, with one friendly line on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from bot import __version__
from bot.cli.inputs import InputError, Streams
from bot.cli.startup import settle
from bot.review.playbooks.loader import PlaybookError

EXIT_USAGE = 2
# Each command and the module whose add_parser adds it (and sets its handler), in the order
# `socialway --help` lists them.
COMMANDS = {
    "review": "bot.cli.review",
    "playbook": "bot.cli.playbook",  # `socialway playbook list|check`
    "stats": "bot.cli.stats",
    "serve": "bot.cli.serve",  # the Slack app
    "digest": "bot.cli.digest",  # adds `purge` too
    "purge": "bot.cli.digest",
    "migrate": "bot.cli.migrate",  # the Procfile's release step
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: when it starts with a command, that command's alone (nothing
    before it could need the others: `--help` and errors there list them all)."""
    parser = argparse.ArgumentParser(
        prog="socialway",
        description="Review drafts against your team's rules of engagement.",
    )
    parser.add_argument("--version", action="version", version=f"socialway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    asked = [argv[0]] if argv and argv[0] in COMMANDS else COMMANDS
    for module in dict.fromkeys(COMMANDS[name] for name in asked):
        importlib.import_module(module).add_parser(commands)
    return parser


def store_unavailable() -> tuple[type[Exception], ...]:
    """StoreUnavailable once the store has been imported (nothing could raise it before), so
    a command that never opens a database never imports the store and sqlite3."""
    errors = sys.modules.get("bot.store.errors")
    return (errors.StoreUnavailable,) if errors is not None else ()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)  # usage errors exit 2 here
    settle()  # start-up's objects frozen, the collector on (`python -m bot` turned it off)
    streams = Streams(stdin=sys.stdin.buffer, stdout=sys.stdout, stderr=sys.stderr)
    try:
        return args.func(args, streams)
    except InputError as error:
        streams.stderr.write(f"socialway: {error}\n")
    except PlaybookError as error:
        from bot.cli.playbook import problem_lines

        streams.stderr.writelines(line + "\n" for line in problem_lines(error))
    except store_unavailable() as error:  # PostgreSQL unreachable: one line, no password
        streams.stderr.write(f"socialway: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's final flush quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return EXIT_USAGE
