"""A `socialway` start imports only what its command needs: the parser of the command
asked for alone (the same parser as in the whole program's), and a warm `review` reads
its playbook from the cache without yaml, the schema, the store, logging or typing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.cli.main import COMMANDS, build_parser
from tests.cli.test_docs import commands
from tests.paths import ROOT


def helps(parser) -> dict[str, str]:
    return {" ".join(words): sub.format_help() for words, sub in commands(parser)}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_commands_own_parser_is_the_one_the_program_has(name):
    whole = helps(build_parser())
    own = helps(build_parser([name, "--help"]))
    mine = {words: text for words, text in own.items() if words.split()[1:2] == [name]}
    assert mine and all(whole[words] == text for words, text in mine.items())
    assert set(own) - {"socialway"} <= set(whole)


def test_options_before_the_command_get_the_whole_parser():
    assert helps(build_parser(["--version", "review"])) == helps(build_parser())
    assert helps(build_parser(["revew"])) == helps(build_parser())


def test_a_warm_review_imports_only_what_it_needs(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    avoided = {
        "yaml",
        "bot.review.playbooks.schema",
        "bot.store.store",
        "bot.cli.digest",
        "bot.cli.stats",
        "bot.slack.serve",
        "logging",
        "typing",
    }
    code = (
        "import sys; from bot.cli.main import main; main(['review', 'hi']); "
        f"print(sorted({avoided!r} & set(sys.modules)))"
    )
    run = [sys.executable, "-c", code]
    cold, warm = (
        subprocess.run(run, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        for _ in range(2)
    )
    *review, imported = warm.stdout.splitlines()
    assert imported == "[]"
    assert review == cold.stdout.splitlines()[:-1]
