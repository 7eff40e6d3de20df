"""`socialway serve` refuses to start on bad settings, playbooks or prompts: one line each."""

import logging
import os
import subprocess
import sys

from tests.paths import ROOT


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


# -- --check, Socket Mode's app token, --host ------------------------------------------------


def serve_args(args: list[str], env_extra: dict, **run) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        **run,
    )


def test_check_runs_every_start_up_check_with_slack_and_stops(tmp_path):
    from tests.fakes.slack_api import FakeSlackAPI

    with FakeSlackAPI(token="xoxb-good") as slack:
        env = {
            "SLACK_API_URL": slack.api_url,
            "SLACK_BOT_TOKEN": "xoxb-good",
            "SLACK_SIGNING_SECRET": "abcdef0123456789",
            "SOCIALWAY_DB": str(tmp_path / "sw.db"),
        }
        result = serve_args(["--check", "--host", "127.0.0.1", "--port", "8123"], env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "socialway serve: ready (settings, playbooks, SLACK_BOT_TOKEN accepted by Slack, "
            "HTTP on 127.0.0.1:8123); --check stops here"
        )
        assert [c.token for c in slack.calls("auth.test")] == ["xoxb-good"]
        refused = serve_args(["--check"], {**env, "SLACK_BOT_TOKEN": "xoxb-revoked"})
    assert refused.returncode == 2
    assert refused.stderr.startswith("socialway serve: SLACK_BOT_TOKEN was refused by Slack")


def test_check_a_malformed_playbook_is_a_problem_there_too(tmp_path):
    (tmp_path / "bad.yml").write_text(
        'id: bad\nname: Bad\nversion: "1"\ndescription: x\nrules:\n'
        "  - id: r1\n    principle: p\n    title: t\n    why: w\n    suggest: s\n"
        "    severity: loud\n",
        encoding="utf-8",
    )
    result = serve_args(
        ["--check"],
        {
            "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never asked: the playbook stops it
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "abcdef0123456789",
            "SOCIALWAY_PLAYBOOKS": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert "bad.yml: rule r1: severity:" in result.stderr and "Traceback" not in result.stderr


def test_an_app_token_slack_refuses_is_one_line_and_exit_2(tmp_path):
    from tests.fakes.slack_api import FakeSlackAPI

    with FakeSlackAPI(token="xoxb-good") as slack:
        env = {
            "SLACK_API_URL": slack.api_url,
            "SLACK_BOT_TOKEN": "xoxb-good",
            "SLACK_APP_TOKEN": "xapp-1-A0SOCIALWAY-1-refused",
            "SOCIALWAY_DB": str(tmp_path / "sw.db"),
        }
        slack.fail_next("apps.connections.open", "invalid_auth")
        result = serve_args([], env)
        [call] = slack.calls("apps.connections.open")
        ok = serve_args(["--check"], env)
    assert call.token == "xapp-1-A0SOCIALWAY-1-refused"
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "socialway serve: SLACK_APP_TOKEN was refused by Slack (invalid_auth): generate an "
        "app-level token with the connections:write scope again (Basic Information → "
        "App-Level Tokens), and check that Socket Mode is on for the app"
    ]
    assert ok.returncode == 0, ok.stderr
    assert "SLACK_APP_TOKEN and SLACK_BOT_TOKEN accepted by Slack, Socket Mode" in ok.stdout


def test_a_bad_host_is_one_line():
    env = {
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "abcdef0123456789",
    }
    from_env = serve_args(["--check"], {**env, "HOST": "not a host"})
    from_flag = serve_args(["--check", "--host", "bad/host"], env)
    assert from_env.returncode == from_flag.returncode == 2
    assert from_env.stderr.startswith("socialway serve: HOST should be an address to listen on")
    assert from_flag.stderr.startswith("socialway serve: --host should be an address")


def test_serve_listens_only_on_the_host_it_is_given(tmp_path):
    import socket
    import time
    import urllib.error
    import urllib.request

    import pytest

    from tests.fakes.slack_api import FakeSlackAPI

    if not sys.platform.startswith("linux"):
        pytest.skip("127.0.0.2 is a loopback address on Linux only")
    with socket.socket() as free:
        free.bind(("127.0.0.2", 0))
        port = free.getsockname()[1]
    with FakeSlackAPI(token="xoxb-good") as slack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
        env.update(
            SLACK_API_URL=slack.api_url,
            SLACK_BOT_TOKEN="xoxb-good",
            SLACK_SIGNING_SECRET="abcdef0123456789",
            SOCIALWAY_DB=str(tmp_path / "sw.db"),
            HOST="127.0.0.2",
            PORT=str(port),
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.2:{port}/healthz", timeout=2) as r:
                        assert r.read() == b"ok\n"
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            with pytest.raises((urllib.error.URLError, ConnectionError)):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_gunicorn_binds_the_host_it_is_given():
    from bot.config import Settings
    from bot.slack.serve import gunicorn_options

    assert gunicorn_options(Settings(), 3000, 1)["bind"] == "0.0.0.0:3000"  # platforms
    assert gunicorn_options(Settings(host="127.0.0.1"), 80, 1)["bind"] == "127.0.0.1:80"
    assert gunicorn_options(Settings(), 8080, 1, "::1")["bind"] == "[::1]:8080"
    assert gunicorn_options(Settings(), 8080, 1, "[::]")["bind"] == "[::]:8080"


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
