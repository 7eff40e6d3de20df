"""`socialway playbook list|check`: see which playbooks exist and prove their rules work.

`check` loads a playbook (validation names file, rule and field for each problem) and
runs every rule's examples: each `fail` example must trigger its rule, each `pass`
example must not. Exit 0 when all is well, 1 when anything fails.
"""

from __future__ import annotations

import argparse
import os

from bot.cli.inputs import InputError, Streams
from bot.config import SettingsError, load_settings
from bot.review.playbooks.loader import (
    PlaybookError,
    PlaybookLibrary,
    check_examples,
    check_speed,
    default_playbook_dir,
)

EXIT_CHECK_FAILED = 1


def add_parser(subparsers) -> None:
    """Adds `playbook list` and `playbook check` to the top-level parser."""
    p = subparsers.add_parser("playbook", help="list playbooks or check one")
    commands = p.add_subparsers(dest="playbook_command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="the playbooks available, with their paths")
    listing.add_argument("--json", action="store_true", help="print JSON lines")
    listing.set_defaults(func=run_list)
    check = commands.add_parser("check", help="validate a playbook and run its examples")
    check.add_argument(
        "playbook",
        nargs="?",
        metavar="ID|PATH",
        help="playbook id or YAML file (default: every playbook, SOCIALWAY_PLAYBOOKS included)",
    )
    check.set_defaults(func=run_check)


def library_from(environ) -> PlaybookLibrary:
    """The playbooks `review` and the server see: SOCIALWAY_PLAYBOOKS folders, then playbooks/."""
    try:
        settings = load_settings(environ)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None
    return PlaybookLibrary(dirs=[*settings.playbook_dirs, default_playbook_dir()])


def run_list(args: argparse.Namespace, streams: Streams) -> int:
    return list_playbooks(library_from(streams.environ), streams, as_json=args.json)


def run_check(args: argparse.Namespace, streams: Streams) -> int:
    return check_playbooks(library_from(streams.environ), streams, args.playbook)


def list_playbooks(library: PlaybookLibrary, streams: Streams, *, as_json: bool) -> int:
    """The playbooks that load, on stdout; each file that doesn't, on stderr (file, line,
    what is wrong) without hiding the good ones."""
    books, problems = library.loaded()
    report_broken(problems, streams)
    rows = [
        {
            "id": book.id,
            "name": book.name,
            "version": str(book.version),
            "rules": len(book.rules),
            "path": str(book.path),
        }
        for book in books
    ]
    if as_json:
        import json  # only --json needs it; every command builds this module's parser

        streams.stdout.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return 0
    header = {"id": "ID", "name": "NAME", "version": "VERSION", "rules": "RULES", "path": "PATH"}
    table = [header, *rows]
    widths = {key: max(len(str(row[key])) for row in table) for key in header}
    for row in table:
        cells = [str(row[key]).ljust(widths[key]) for key in ("id", "name", "version")]
        cells.append(str(row["rules"]).rjust(widths["rules"]))
        cells.append(str(row["path"]))
        streams.stdout.write("  ".join(cells).rstrip() + "\n")
    return 0


def check_playbooks(library: PlaybookLibrary, streams: Streams, wanted: str | None) -> int:
    """Checks one playbook, or each one the library knows; 1 if any problem or failure."""
    targets = [wanted] if wanted else list(library.ids())
    if wanted and looks_like_path(wanted) and not os.path.isfile(wanted):
        raise InputError(f"no playbook file at {wanted}")
    if wanted and not looks_like_path(wanted) and wanted not in library.ids():
        try:
            library.get(wanted)  # raises the library's own friendly "unknown playbook" line
        except PlaybookError as error:
            if problem_lines(error)[0].startswith("Unknown playbook"):
                raise
            # A file named for the id that can't be read: a failed check, said as one.
            streams.stdout.writelines(line + "\n" for line in problem_lines(error))
            streams.stdout.write(f"{wanted}: not loaded (cannot be read)\n")
            return EXIT_CHECK_FAILED
    ok = True
    if not wanted:
        unreadable = library.unreadable()  # files with no playbook id to check them by
        streams.stdout.writelines(line + "\n" for line in unreadable)
        files = {line.split(": ", 1)[0] for line in unreadable}
        streams.stdout.writelines(
            f"{name}: not loaded (cannot be read)\n" for name in sorted(files)
        )
        ok = not unreadable
    for target in targets:
        ok = check_one(library, target, streams) and ok
    return 0 if ok else EXIT_CHECK_FAILED


def check_one(library: PlaybookLibrary, target: str, streams: Streams) -> bool:
    out = streams.stdout
    try:
        book = library.get(target)
    except PlaybookError as error:
        out.writelines(line + "\n" for line in problem_lines(error))
        out.write(f"{target}: not loaded ({plural(len(problem_lines(error)), 'problem')})\n")
        return False
    failures = check_examples(book) + check_speed(book)
    out.writelines(line + "\n" for line in failures)
    total = example_count(book)
    rules = f"{plural(len(book.rules), 'rule')}, {plural(total, 'example')}"
    if failures:
        out.write(f"{book.id}: {rules}, {len(failures)} failing\n")
        return False
    out.write(f"{book.id}: {rules}, all pass\n")
    return True


def report_broken(problems: list[str], streams: Streams) -> None:
    """Each problem of a playbook file that didn't load, on stderr, then how many files."""
    if problems:
        streams.stderr.writelines(f"socialway: {line}\n" for line in problems)
        streams.stderr.write(
            "socialway: the playbooks above were left out; "
            "`socialway playbook check` runs every check\n"
        )


def example_count(book) -> int:
    """How many examples the playbook's rules carry, `fail` and `pass` together."""
    return sum(len(rule.fail) + len(rule.passes) for rule in book.rules)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def problem_lines(error: PlaybookError) -> list[str]:
    return list(getattr(error, "problems", None) or [str(error)])


def looks_like_path(value: str) -> bool:
    return os.sep in value or "/" in value or value.endswith((".yml", ".yaml"))
