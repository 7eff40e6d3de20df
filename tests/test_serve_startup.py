"""`socialway serve` refuses to start on bad settings, playbooks or prompts: one line each."""

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_settings_name_each_variable():
    result = serve({})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("SLACK_BOT_TOKEN" in line and "xoxb-" in line for line in lines)
    assert any("SLACK_SIGNING_SECRET" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_malformed_tokens_say_what_they_should_look_like():
    result = serve({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_APP_TOKEN": "nope"})
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN should start with xoxb-" in result.stderr
    assert "SLACK_APP_TOKEN should start with xapp-" in result.stderr


def test_a_malformed_playbook_stops_start_up_naming_file_rule_and_field(tmp_path):
    (tmp_path / "bad.yml").write_text(
        'id: bad\nname: Bad\nversion: "1"\ndescription: x\nrules:\n'
        "  - id: r1\n    principle: p\n    title: t\n    why: w\n    suggest: s\n"
        "    severity: loud\n",
        encoding="utf-8",
    )
    result = serve(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "abcdef0123456789",
            "SOCIALWAY_PLAYBOOKS": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert "bad.yml: rule r1: severity:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_token_slack_refuses_is_one_line_not_a_traceback(tmp_path):
    from tests.fakes.slack_api import FakeSlackAPI

    with FakeSlackAPI() as slack:
        result = serve(
            {
                "SLACK_API_URL": slack.api_url,
                "SLACK_BOT_TOKEN": "xoxb-revoked",
                "SLACK_SIGNING_SECRET": "abcdef0123456789",
                "SOCIALWAY_DB": str(tmp_path / "sw.db"),
                "PORT": "9",  # never bound: start-up stops before the server
            }
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "socialway serve: SLACK_BOT_TOKEN was refused by Slack (invalid_auth): copy the Bot "
        "User OAuth Token (xoxb-...) again from OAuth & Permissions, and reinstall the app if "
        "it was revoked"
    ]


def test_a_slack_that_cannot_be_reached_is_one_line_not_a_traceback(tmp_path):
    import socket

    with socket.socket() as closed:  # a port on loopback that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = serve(
        {
            "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "SOCIALWAY_DB": str(tmp_path / "sw.db"),
        }
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"socialway serve: can't reach Slack at http://127.0.0.1:{port}/api/")
    assert "Traceback" not in result.stderr


def test_start_up_logs_no_alarming_token_warning(monkeypatch, caplog, settings, store):
    from tests.conftest import build

    monkeypatch.setenv("SLACK_BOT_TOKEN", settings.slack_bot_token)  # as on a real server
    with caplog.at_level(logging.INFO):
        app = build(settings, store)
    app.deps.close()
    app.deps.reviewer.close()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_gunicorns_app_factory_refuses_an_unreachable_slack_in_one_line(tmp_path, capsys):
    import socket

    import pytest

    from bot.slack.wsgi import create_app

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "abcdef0123456789",
        "SOCIALWAY_DB": str(tmp_path / "sw.db"),
    }
    with pytest.raises(SystemExit) as stopped:
        create_app(env)
    assert stopped.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"socialway: can't reach Slack at http://127.0.0.1:{port}/api/")


def test_a_playbook_file_that_cannot_be_read_stops_start_up_naming_file_and_line(tmp_path):
    (tmp_path / "tabbed.yml").write_text('id: tabbed\nname: T\n\tversion: "1"\n', encoding="utf-8")
    result = serve(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "abcdef0123456789",
            "SOCIALWAY_PLAYBOOKS": str(tmp_path),
        }
    )
    assert result.returncode == 2
    assert f"{tmp_path / 'tabbed.yml'}: line 3: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr
