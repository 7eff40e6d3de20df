"""Every `socialway` command, and every option of every command, is in README.md.

As sqlite-utils' docs test does for its CLI: the real parser is walked, so a command or
option added without a word in the README fails here. An option counts when it sits on a
README line that names its command (`socialway digest … --once`), the style of the
README's command examples, so `--days` of `purge` does not vouch for `--days` of `stats`.
"""

from __future__ import annotations

import argparse
import re

import pytest

from bot.cli.main import build_parser
from tests.paths import ROOT

README_LINES = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ("socialway",)):
    """(the command's words, its parser) for the program and each command and sub-command."""
    yield words, parser
    for action in parser._actions:  # argparse offers no public walk of its sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*words, name))


def option_name(action: argparse.Action) -> str:
    """The name a reader would look for: the long form when there is one (`--file`, not `-f`)."""
    longs = [name for name in action.option_strings if name.startswith("--")]
    return (longs or action.option_strings)[0]


COMMANDS = [" ".join(words) for words, _ in commands(build_parser())]
OPTIONS = [
    (" ".join(words), option_name(action))
    for words, parser in commands(build_parser())
    for action in parser._actions
    if action.option_strings and not isinstance(action, argparse._HelpAction)
]


def lines_naming(command: str) -> list[str]:
    """README lines where `command` is written out (not as the start of a longer word)."""
    pattern = re.compile(re.escape(command) + r"(?![\w-])")
    return [line for line in README_LINES if pattern.search(line)]


def test_the_parser_has_the_commands_this_test_walks():
    assert {"socialway review", "socialway playbook check", "socialway purge"} <= set(COMMANDS)
    assert ("socialway review", "--in-reply-to") in OPTIONS


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert lines_naming(command), f"README.md never shows `{command}`"


@pytest.mark.parametrize(("command", "option"), OPTIONS, ids=[f"{c} {o}" for c, o in OPTIONS])
def test_every_option_is_in_the_readme_beside_its_command(command, option):
    pattern = re.compile(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])")
    assert any(pattern.search(line) for line in lines_naming(command)), (
        f"README.md has no line with `{command}` and its option `{option}`"
    )
