"""Every input error is one line and exit 2: a damaged database, a folder, an empty file
(never written to by a read-only command), purge --days 0 without --yes, a bad log level;
and in a batch, a line nested 1,000 deep or over the length limit is that line's error."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.review.reviewer import MAX_DRAFT_CHARS
from bot.store.store import Store
from tests.fakes.cli import cli_env, run_cli
from tests.fakes.seed import Seeder

COMMANDS = [["stats"], ["digest", "--channel", "C0123ABCD"], ["purge"], ["digest", "--once"]]


def run(db: Path | str, *args: str, **env: str) -> subprocess.CompletedProcess:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", **env}  # the digest clock's client (never called)
    return run_cli(*args, env=cli_env(SOCIALWAY_DB=str(db), **env), text=True, timeout=60)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return line


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_damaged_database_is_one_line(tmp_path, args):
    db = tmp_path / "sw.db"
    with Store(db) as store:
        Seeder(store, [datetime(2026, 3, 24, tzinfo=UTC).timestamp()]).review(0, score=40)
    data = bytearray(db.read_bytes())
    data[:100] = b"\x00garbage" * 12 + b"\x00" * 4  # the header sqlite checks first
    db.write_bytes(bytes(data))
    line = one_line(run(db, *args))
    assert line.startswith(f"socialway: can't read the database at {db}: ")


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_folder_is_one_line(tmp_path, args):
    line = one_line(run(tmp_path, *args))
    assert (
        line == f"socialway: SOCIALWAY_DB is a folder ({tmp_path}); point it at the database file"
    )


def test_read_only_commands_never_write_into_an_empty_file(tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    stats = run(db, "stats")
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout == "No reviews or LLM calls recorded yet.\n"
    digest = one_line(run(db, "digest", "--channel", "C0123ABCD", "--preview"))
    assert digest == f"socialway: the database at {db} is empty: no reviews yet"
    assert db.stat().st_size == 0


def test_purge_of_everything_asks_for_yes_and_says_how_many(tmp_path):
    db = tmp_path / "sw.db"
    clock = [datetime.now(UTC).timestamp() - 60]
    with Store(db) as store:
        seed = Seeder(store, clock)
        seed.review(clock[0], score=40)
        seed.review(clock[0], score=70)
    line = one_line(run(db, "purge", "--days", "0"))
    assert line == (
        "socialway: --days 0 erases the words of every review kept (2 reviews); add --yes to do it"
    )
    with Store(db) as store:
        assert store.purgeable(0) == 2  # nothing erased
    done = run(db, "purge", "--days", "0", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Erased the words of 2 reviews older than 0 days")


def test_an_unknown_log_level_is_refused_with_the_settings(tmp_path):
    line = one_line(run(tmp_path / "none.db", "stats", SOCIALWAY_LOG_LEVEL="LOUD"))
    assert "SOCIALWAY_LOG_LEVEL should be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in line
    serve = run_cli("serve", env=cli_env(SOCIALWAY_LOG_LEVEL="LOUD"), text=True, timeout=60)
    assert serve.returncode == 2 and "SOCIALWAY_LOG_LEVEL should be one of" in serve.stderr


def test_batch_lines_too_deep_or_too_long_are_their_own_errors_and_the_batch_goes_on(tmp_path):
    deep = "[" * 1000 + "]" * 1000
    lines = [
        json.dumps({"id": 1, "text": "Hello there"}),
        '{"id": 2, "text": ' + deep + "}",
        json.dumps({"id": 3, "text": "x" * (MAX_DRAFT_CHARS + 1)}),
        json.dumps({"id": 4, "text": "\u200b\u200b \u2060"}),
        json.dumps({"id": 5, "text": "Thanks for coming!"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("review", "--format", "jsonl", str(source), text=True, timeout=120)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, None, 3, 4, 5]
    assert "verdict" in out[0] and "verdict" in out[4]
    assert out[1]["error"] == "line 2 is nested too deeply to read as a draft"
    assert out[2]["error"] == (
        f"line 3: the draft is {MAX_DRAFT_CHARS + 1:,} characters; Social Way reviews up to "
        f"{MAX_DRAFT_CHARS:,} (split it, or trim it)"
    )
    assert out[3]["error"] == "line 4: the draft is empty; nothing to review"
    assert "3 of 5 lines could not be reviewed" in result.stderr


def test_a_single_draft_of_invisible_characters_or_too_long_is_one_line(tmp_path):
    empty = run_cli("review", "\u200b\u200b", text=True)
    assert one_line(empty) == "socialway: the draft is empty; nothing to review"
    long_file = tmp_path / "long.txt"
    long_file.write_text("word " * 30_000, encoding="utf-8")
    line = one_line(run_cli("review", "--file", str(long_file), text=True))
    assert line.startswith("socialway: the draft is 150,000 characters; Social Way reviews up to")


def test_a_successful_batch_says_how_many_and_where(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Hello"}\n{"text": "Bye"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("review", "--format", "jsonl", str(source), "--out", str(out), text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"socialway: reviewed 2 drafts; output written to {out}\n"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
