"""Multi-workspace settings: read once, checked at start, the manifest's scopes, no secret shown."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import SettingsError, check_for_slack, load_settings
from bot.slack.client import make_client
from bot.slack.installs import BOT_SCOPES, REDIRECT_PATH, installs_db_path
from bot.slack.startup import slack_problems, start_up_problems
from tests.conftest import CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET
from tests.paths import ROOT

OAUTH = {
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
}


def problems(env: dict) -> list[str]:
    try:
        check_for_slack(load_settings(env))
    except SettingsError as error:
        return error.problems
    return []


def test_client_id_and_secret_mean_oauth_and_no_bot_token_is_needed():
    settings = load_settings(OAUTH)
    assert settings.oauth and not settings.slack_bot_token
    assert problems(OAUTH) == []
    assert CLIENT_SECRET not in repr(settings) and "slack_client_secret='***'" in repr(settings)
    assert make_client(settings).token is None  # bolt's own client: each team has its token


def test_a_stray_bot_token_is_not_used_with_oauth():
    settings = load_settings({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-one-workspace"})
    assert make_client(settings).token is None


def test_one_workspace_is_unchanged_without_client_credentials():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    assert not settings.oauth
    assert make_client(settings).token == "xoxb-1"
    assert problems({"SLACK_SIGNING_SECRET": SIGNING_SECRET}) == [
        "SLACK_BOT_TOKEN is missing: the bot token, it starts with xoxb-"
    ]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SLACK_CLIENT_ID": CLIENT_ID}, "SLACK_CLIENT_SECRET is missing"),
        ({"SLACK_CLIENT_SECRET": CLIENT_SECRET}, "SLACK_CLIENT_ID is missing"),
        ({**OAUTH, "SLACK_CLIENT_ID": "my-app"}, "SLACK_CLIENT_ID should look like"),
        ({**OAUTH, "SLACK_CLIENT_SECRET": "not hex!"}, "SLACK_CLIENT_SECRET should be the hex"),
        ({**OAUTH, "SLACK_APP_TOKEN": "xapp-1"}, "need HTTP mode"),
        ({**OAUTH, "SLACK_REDIRECT_URI": "http://x/slack/oauth_redirect"}, "SLACK_REDIRECT_URI"),
        ({**OAUTH, "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is missing"),
    ],
)
def test_half_or_malformed_oauth_settings_are_one_line_each(env, expected):
    found = problems(env)
    assert any(expected in line for line in found), found


def test_start_up_with_oauth_asks_slack_nothing(tmp_path):
    with socket.socket() as closed:  # nothing listens here: a call would fail
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = load_settings(
        {
            **OAUTH,
            "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
            "SOCIALWAY_DB": str(tmp_path / "sw.db"),
        }
    )
    assert start_up_problems(settings) == []
    assert slack_problems(settings) == []
    assert Path(installs_db_path(settings)) == tmp_path / "sw.installations.db"
    assert Path(installs_db_path(settings)).exists()  # its tables are made at start


def test_an_installations_file_that_cannot_be_opened_is_one_line(tmp_path):
    settings = load_settings({**OAUTH, "SOCIALWAY_DB": str(tmp_path / "missing" / "sw.db")})
    [line] = slack_problems(settings)
    assert line.startswith("can't open the installations file")
    assert "sw.installations.db" in line


def test_serve_refuses_half_an_oauth_set_up_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_APP_TOKEN": "xapp-1"})
    env["SOCIALWAY_DB"] = str(tmp_path / "sw.db")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_CLIENT_SECRET is missing" in result.stderr
    assert "need HTTP mode" in result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr  # not needed with OAuth
    assert "Traceback" not in result.stderr


def test_the_install_asks_for_the_manifests_bot_scopes():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    oauth = manifest["oauth_config"]
    assert tuple(oauth["scopes"]["bot"]) == BOT_SCOPES
    assert oauth["redirect_urls"] == [f"https://YOUR-HOST{REDIRECT_PATH}"]
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)


def test_building_the_oauth_app_warns_about_nothing(oauth_settings, store, caplog):
    import logging

    from tests.conftest import build

    with caplog.at_level(logging.INFO):
        app = build(oauth_settings, store)
    app.deps.close()
    app.deps.reviewer.close()
    assert app.oauth_flow is not None and app.oauth_flow.install_path == "/slack/install"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
