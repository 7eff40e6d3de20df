"""Batch review through the CLI: JSON lines and CSV content calendars, in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.fakes.cli import ROOT, cli_env, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "cli"
VERDICTS = {"Ready to post", "A few touches", "Reads like an ad"}
REVIEW_COLUMNS = ["human_score", "verdict", "top_findings", "rewrite", "facts_missing", "error"]


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return run_cli(*args, stdin=stdin)


def jsonl(*items) -> bytes:
    return "".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items).encode()


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


# --- JSON lines -----------------------------------------------------------------------


def test_jsonl_keeps_order_echoes_ids_and_reviews_each_line():
    items = [
        {"id": "a", "text": "BUY NOW!!! Only 3 left"},
        {"id": 2, "text": "Thanks, Sam — what should we fix first?", "platform": "x"},
        {"text": "No id on this one, what do you think?"},
        {
            "id": "d",
            "text": "We apologize for any inconvenience.",
            "in_reply_to": "You lost my order.",
        },
    ]
    result = run("review", "--format", "jsonl", "-", stdin=jsonl(*items))
    assert result.returncode == 0, result.stderr.decode()
    out = records(result)
    assert [r["id"] for r in out] == ["a", 2, None, "d"]
    for item, record in zip(items, out, strict=True):
        assert "error" not in record
        assert record["verdict"] in VERDICTS
        for finding in record["findings"]:
            assert item["text"][finding["start"] : finding["end"]] == finding["quote"]
    assert out[0]["findings"]
    assert out[1]["platform"] == "x"


def test_jsonl_bad_lines_become_error_lines_and_nothing_is_lost():
    lines = (
        jsonl(
            {"id": 1, "text": "BUY NOW!!! Only 3 left"},
            "{not json",
            {"id": 3, "body": "no text field"},
            "",  # blank lines are skipped
            {"id": 4, "text": "   "},
            {"id": 5, "text": "Hello there, how are you?", "platform": "myspace"},
            '["a list", "not an object"]',
            {"id": 7, "text": "Last one — what do you think?"},
        )
        + b'{"id": 8, "text": "caf\xe9"}\n'
    )
    result = run("review", "--format", "jsonl", "-", stdin=lines)
    assert result.returncode == 1
    out = records(result)
    assert [r["id"] for r in out] == [1, None, 3, 4, 5, None, 7, 8]  # 8 salvaged from bad UTF-8
    errors = {r["line"]: r["error"] for r in out if "error" in r}
    assert set(errors) == {2, 3, 5, 6, 7, 9}
    assert "isn't valid JSON" in errors[2]
    assert '"text"' in errors[3]
    assert "empty" in errors[5]
    assert "myspace" in errors[6]
    assert "JSON object" in errors[7]
    assert "UTF-8" in errors[9]
    assert "verdict" in out[0] and "verdict" in out[6]
    message = result.stderr.decode()
    assert "6 of 8 lines could not be reviewed" in message
    assert "Traceback" not in message


def test_jsonl_from_a_file_to_an_out_file(tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_bytes(jsonl({"id": "x1", "text": "BUY NOW!!! Only 3 left"}))
    target = tmp_path / "reviews.jsonl"
    for how in (["--file", str(source)], [str(source)]):
        result = run("review", "--format", "jsonl", *how, "--out", str(target))
        assert result.returncode == 0, result.stderr.decode()
        assert result.stdout == b""
        (record,) = [json.loads(line) for line in target.read_text().splitlines()]
        assert record["id"] == "x1" and record["findings"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.jsonl", "reviews.jsonl"]


def test_jsonl_missing_source_is_a_usage_error(tmp_path):
    result = run("review", "--format", "jsonl", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2
    assert "none.jsonl" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


# --- CSV ------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_round_trip_keeps_every_column_and_adds_the_review(tmp_path):
    source = tmp_path / "calendar.csv"
    shutil.copy(FIXTURES / "calendar.csv", source)
    target = tmp_path / "reviewed.csv"
    result = run("review", "--csv", str(source), "--column", "text", "--out", str(target))
    assert result.returncode == 1  # the row with an empty draft is reported, not dropped
    assert "1 of 4 rows could not be reviewed" in result.stderr.decode()
    original, reviewed = read_csv(source), read_csv(target)
    assert len(reviewed) == len(original) == 4
    with target.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["date", "channel", "text", "owner", *REVIEW_COLUMNS]
    for before, after in zip(original, reviewed, strict=True):
        assert {k: after[k] for k in before} == before  # nothing changed, nothing lost
    pushy, warm, empty, multiline = reviewed
    assert pushy["verdict"] in VERDICTS and int(pushy["human_score"]) < 100
    assert pushy["top_findings"] and pushy["rewrite"]
    assert warm["error"] == "" and warm["verdict"] in VERDICTS
    assert empty["error"] and empty["verdict"] == "" and empty["owner"] == "Cleo"
    assert multiline["text"] == 'Line one,\nline two with a "quote" and café ☕'
    assert multiline["verdict"] in VERDICTS


def test_csv_to_stdout_and_a_rerun_reuses_the_review_columns(tmp_path):
    source = tmp_path / "ok.csv"
    source.write_text("id,Text\n1,BUY NOW!!! Only 3 left\n2,What would you like to see next?\n")
    first = run("review", "--csv", str(source), "--column", "text")  # case-insensitive match
    assert first.returncode == 0, first.stderr.decode()
    again_source = tmp_path / "again.csv"
    again_source.write_bytes(first.stdout)
    second = run("review", "--csv", str(again_source), "--column", "Text")
    assert second.returncode == 0
    header = next(csv.reader(io.StringIO(second.stdout.decode())))
    assert header == ["id", "Text", *REVIEW_COLUMNS]
    assert second.stdout == first.stdout


def test_csv_without_the_column_names_the_columns(tmp_path):
    source = tmp_path / "cal.csv"
    source.write_text("date,body\n2026-01-01,hello\n")
    result = run("review", "--csv", str(source), "--column", "text")
    message = result.stderr.decode()
    assert result.returncode == 2
    assert 'no column "text"' in message and "date, body" in message
    assert len(message.splitlines()) == 1


def test_csv_that_is_not_utf8_is_refused(tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes("text\nCaf\xe9 opening\n".encode("latin-1"))
    result = run("review", "--csv", str(source))
    assert result.returncode == 2
    assert "isn't UTF-8" in result.stderr.decode()


def test_a_failed_csv_batch_leaves_the_out_file_untouched(tmp_path):
    source = tmp_path / "big.csv"
    good = "".join(f"{i},What do you think of plan {i}?\n" for i in range(2000))
    source.write_bytes(b"id,text\n" + good.encode() + b"9999,caf\xe9\n")
    target = tmp_path / "out.csv"
    target.write_text("previous results\n")
    result = run("review", "--csv", str(source), "--out", str(target))
    assert result.returncode == 2
    assert "isn't UTF-8" in result.stderr.decode()
    assert target.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "out.csv"]


def test_batch_flags_that_do_not_go_together(tmp_path):
    for args in (
        ["--csv", "x.csv", "some text"],
        ["--out", str(tmp_path / "o"), "some text"],
        ["--csv", "x.csv", "--json"],
    ):
        result = run("review", *args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr.decode()


# --- progress bar: on a terminal only -------------------------------------------------


def run_slow_batch(args: list[str], first: bytes, rest: bytes, *, stderr_tty: bool):
    """Runs a batch reading stdin that arrives in two parts a second apart (a long batch).

    Returns (exit code, stdout, stderr). stderr is a pseudo-terminal when `stderr_tty`.
    """
    pty = pytest.importorskip("pty")
    master = slave = None
    if stderr_tty:
        master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=slave if stderr_tty else subprocess.PIPE,
        env=cli_env(),
    )
    chunks: list[bytes] = []
    reader = None
    if stderr_tty:
        os.close(slave)

        def drain():
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    return
                if not chunk:
                    return
                chunks.append(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
    proc.stdin.write(first)
    proc.stdin.flush()
    if reader:  # on a terminal, the rest arrives once the bar is up (however slow the start)
        deadline = time.monotonic() + 30
        while b"reviewing" not in b"".join(chunks) and time.monotonic() < deadline:
            time.sleep(0.05)
    else:
        time.sleep(1.0)  # longer than the bar's half-second wait
    stdout, stderr = proc.communicate(rest, timeout=60)
    if reader:
        reader.join(10)
        os.close(master)
        stderr = b"".join(chunks)
    return proc.returncode, stdout, stderr.decode("utf-8")


CSV_HEAD = b"id,text\n" + b"".join(b"%d,What about plan %d?\n" % (i, i) for i in range(20))
CSV_TAIL = b"".join(b"%d,BUY NOW!!! Only %d left\n" % (i, i) for i in range(20, 40))
JSONL_HEAD = jsonl(*({"id": i, "text": f"What about plan {i}?"} for i in range(20)))
JSONL_TAIL = jsonl(*({"id": i, "text": "BUY NOW!!!"} for i in range(20, 40)))


@pytest.mark.parametrize(
    ("args", "first", "rest"),
    [(["--csv", "-"], CSV_HEAD, CSV_TAIL), (["--format", "jsonl", "-"], JSONL_HEAD, JSONL_TAIL)],
    ids=["csv", "jsonl"],
)
def test_a_long_batch_draws_progress_on_a_terminal_and_nothing_on_a_pipe(args, first, rest):
    code, stdout, on_terminal = run_slow_batch(["review", *args], first, rest, stderr_tty=True)
    assert code == 0, on_terminal
    assert "reviewing… " in on_terminal and " drafts" in on_terminal
    assert on_terminal.endswith("\r\x1b[Ksocialway: reviewed 40 drafts; output on stdout\r\n")
    assert len(stdout.decode().splitlines()) in (40, 41)  # every item, in order
    code, piped_out, on_pipe = run_slow_batch(["review", *args], first, rest, stderr_tty=False)
    assert code == 0
    assert on_pipe == "socialway: reviewed 40 drafts; output on stdout\n"  # no bar or escapes
    assert piped_out == stdout


def test_a_csv_quote_that_is_never_closed_is_warned_about_and_the_rest_still_reviewed(tmp_path):
    source = tmp_path / "cal.csv"
    source.write_bytes(
        b'id,text\n1,"BUY NOW and more\n2,Thanks for coming!\n3,"fine, quoted"\n'
        b'4,"two\nlines"\n5,"never closed\n6,last one\n'
    )
    result = run("review", "--csv", str(source))
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [r["text"] for r in rows] == [
        '"BUY NOW and more',
        "Thanks for coming!",
        "fine, quoted",
        "two\nlines",
        '"never closed',
        "last one",
    ]
    warnings = result.stderr.decode().splitlines()
    assert warnings[:2] == [
        f'socialway: {source} line {n}: a quote (") is not closed where it should be; '
        "read that line as it stands and the lines after it as rows"
        for n in (2, 7)
    ]
    assert warnings[2] == "socialway: reviewed 6 drafts; output on stdout"


def test_a_semicolon_separated_csv_is_read_and_written_back_the_same_way(tmp_path):
    source = tmp_path / "cal.csv"
    source.write_text("id;text;owner\n1;BUY NOW!!! Only 3 left, hurry;Ana\n", encoding="utf-8")
    result = run("review", "--csv", str(source))
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode()), delimiter=";"))
    assert rows[0]["text"] == "BUY NOW!!! Only 3 left, hurry" and rows[0]["owner"] == "Ana"
    assert rows[0]["verdict"] == "Reads like an ad"
