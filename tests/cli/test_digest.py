"""`socialway digest` and `socialway purge` as a user (or the Procfile clock) runs them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.digest.week import last_full_week
from bot.store.store import Store
from tests.conftest import BOT_TOKEN
from tests.fakes.cli import ROOT, run_cli
from tests.fakes.cli import cli_env as clean_env
from tests.fakes.seed import Seeder
from tests.fakes.slack_api import DRAFTS

DAY = 86400


def cli_env(db: Path, **extra: str) -> dict[str, str]:
    return clean_env(NO_COLOR="1", SOCIALWAY_DB=str(db), **extra)


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, env=env, text=True, timeout=60)


@pytest.fixture
def db(tmp_path) -> Path:
    """Reviews in the week of 23 March 2026 (UTC) and this week's real one."""
    path = tmp_path / "cli.db"
    clock = [datetime(2026, 3, 24, 12, tzinfo=UTC).timestamp()]
    with Store(path, clock=lambda: clock[0]) as store:
        seed = Seeder(store, clock)
        seed.review(clock[0], score=40, rules=("urgency",))
        seed.review(clock[0] + DAY, user="U0BOB", score=80, rules=("urgency",))
        last_week = last_full_week(time.time(), "UTC")
        seed.review(last_week.start + DAY, score=55, rules=("hard-sell",))
        store.update_channel_settings(DRAFTS, digest_on=True, digest_hour=0, timezone="UTC")
    return path


def test_preview_prints_the_digest_of_a_chosen_week(db):
    result = run(cli_env(db), "digest", "--channel", DRAFTS, "--week", "2026-03-26")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Your week in Social Way — C0DRAFTS, 23–29 March 2026\n")
    assert "2 drafts reviewed — none the week before" in result.stdout
    assert "1. Urgency and scarcity — in 2 drafts" in result.stdout


def test_preview_of_a_quiet_week_is_one_line(db):
    result = run(cli_env(db), "digest", "--channel", DRAFTS, "--preview", "--week", "2026-01-07")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("A quiet week in C0DRAFTS (5–11 January 2026)")
    assert result.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("digest",), "give the channel id with --channel"),
        (("digest", "--channel", "general"), "give the channel id with --channel"),
        (("digest", "--channel", DRAFTS, "--week", "last"), "--week should be a date"),
        (("digest", "--loop", "--channel", DRAFTS), "drop --channel"),
        (("digest", "--channel", DRAFTS, "--post"), "posting needs SLACK_BOT_TOKEN"),
        (("purge", "--days", "-1"), "--days should be 0 or more"),
    ],
)
def test_mistakes_get_one_friendly_line(db, args, message):
    result = run(cli_env(db), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_database_is_named(tmp_path):
    result = run(cli_env(tmp_path / "nowhere.db"), "purge")
    assert result.returncode == 2
    assert "no database at" in result.stderr and "SOCIALWAY_DB" in result.stderr


def test_post_posts_once(db, slack_api):
    env = cli_env(db, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack_api.api_url)
    first = run(env, "digest", "--channel", DRAFTS, "--post", "--week", "2026-03-26")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Posted the digest of 23–29 March 2026 to C0DRAFTS")
    second = run(env, "digest", "--channel", DRAFTS, "--post", "--week", "2026-03-26")
    assert second.returncode == 0
    assert "was already posted" in second.stdout
    [call] = slack_api.calls("chat.postMessage")
    assert call.params["metadata"]["event_payload"]["week_start"] == "2026-03-23"


def test_post_failure_exits_1_with_the_reason(db, slack_api):
    slack_api.fail_next("chat.postMessage", "not_in_channel")
    env = cli_env(db, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack_api.api_url)
    result = run(env, "digest", "--channel", DRAFTS, "--post")
    assert result.returncode == 1
    assert "slack: not_in_channel" in result.stderr


def test_the_clock_process_posts_due_digests_and_stops_on_sigterm(db, slack_api):
    env = cli_env(db, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack_api.api_url)
    clock = subprocess.Popen(
        [sys.executable, "-m", "bot", "digest", "--loop"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        [call] = slack_api.wait_for("chat.postMessage", timeout=30)
    finally:
        clock.send_signal(signal.SIGTERM)
        _, err = clock.communicate(timeout=30)
    assert clock.returncode == 0, err
    week = last_full_week(time.time(), "UTC")
    assert call.params["metadata"]["event_payload"] == {"channel": DRAFTS, "week_start": week.key}
    assert "1 draft reviewed" in call.params["text"]
    assert "retention: erased the text of 2 reviews" in err  # the March reviews are old


def test_once_posts_what_is_due_then_exits(db, slack_api):
    env = cli_env(db, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack_api.api_url)
    result = run(env, "digest", "--once")
    assert result.returncode == 0, result.stderr
    week = last_full_week(time.time(), "UTC")
    assert result.stdout == f"C0DRAFTS {week.key} posted\n"
    assert run(env, "digest", "--once").stdout == ""  # already posted this week


def test_purge_erases_old_words_now(db):
    result = run(cli_env(db, DRAFT_RETENTION_DAYS="30"), "purge")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Erased the words of 2 reviews older than 30 days")
    with Store(db) as store:
        rows = store.db.execute("SELECT draft, human_score FROM reviews ORDER BY id").fetchall()
    assert rows[0] == (None, 40) and rows[1] == (None, 80)
    assert rows[2][0] is not None  # last week's review is inside the retention
