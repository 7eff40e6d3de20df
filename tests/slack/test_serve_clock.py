"""The digest and retention clock that `socialway serve` runs in each process.

A server without it doesn't start (it would serve on with no digests and no retention).
It is stopped when the server stops: `Deps.close` sets its event and waits for the thread,
and Socket Mode's `finally` calls it — even when the connection to Slack fails at start."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from bot.logsafe import OneLineFormatter
from bot.slack.serve import run_socket_mode
from bot.slack.wsgi import build_from_settings
from tests.fakes.slack_api import FakeSlackAPI
from tests.paths import ROOT

CLOCK = "socialway-digest-clock"
APP_TOKEN = "xapp-1-A0SOCIALWAY-1-servetest"


def clock_threads(app) -> list:
    return [thread for _, thread in app.deps.background if thread.name == CLOCK]


def live_clocks() -> set:
    return {t for t in threading.enumerate() if t.name == CLOCK}


@pytest.fixture
def process_logging():
    """`socialway serve` sets up logging for the process; here it finds it set up already (a
    one-line handler, on a stream of its own), as an earlier run would have left it, so what
    serve itself prints is all stderr holds. Levels and handlers are put back after."""
    root, sdk = logging.getLogger(), logging.getLogger("slack_sdk")
    handlers, level, sdk_level = root.handlers[:], root.level, sdk.level
    elsewhere = logging.StreamHandler(io.StringIO())
    elsewhere.setFormatter(OneLineFormatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(elsewhere)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sdk.setLevel(sdk_level)


def test_closing_the_app_stops_its_clock(settings, slack_api):
    before = live_clocks()
    app = build_from_settings(settings)
    try:
        [clock] = clock_threads(app)
        assert clock.is_alive()
        slack_api.wait_for("auth.test")  # the app is up (bolt checked the token)
    finally:
        app.deps.close()  # the clock waits a minute between rounds: only its event ends it
        app.deps.reviewer.close()
        app.deps.store.close()
    assert not clock.is_alive()
    assert live_clocks() <= before


def test_socket_mode_stops_the_clock_when_it_ends(settings, slack_api, process_logging, capsys):
    # Slack refuses the app token when Socket Mode opens its connection: `serve` ends with
    # one line and exit 2, and its finally has stopped the clock it started.
    slack_api.fail_next("apps.connections.open", "invalid_auth")
    before = live_clocks()
    assert run_socket_mode(replace(settings, slack_app_token=APP_TOKEN)) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("socialway serve: SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    assert slack_api.calls("apps.connections.open")
    assert slack_api.calls("auth.test")  # the app was built (and its clock started)
    assert live_clocks() <= before


# `socialway serve` with the clock's module gone from the install (a real failed import:
# Python refuses a module whose sys.modules entry is None), in a process of its own.
WITHOUT_CLOCK = (
    "import sys; sys.modules['bot.slack.digest_clock'] = None; "
    "from bot.cli.main import main; raise SystemExit(main(['serve']))"
)


def test_a_server_that_cannot_run_its_clock_does_not_start(tmp_path):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    with FakeSlackAPI(token="xoxb-good") as slack:
        env.update(
            SLACK_API_URL=slack.api_url,
            SLACK_BOT_TOKEN="xoxb-good",
            SLACK_SIGNING_SECRET="abcdef0123456789",
            SOCIALWAY_DB=str(tmp_path / "sw.db"),
            HOST="127.0.0.1",
            PORT=str(port),
        )
        server = subprocess.Popen(
            [sys.executable, "-c", WITHOUT_CLOCK],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _, stderr = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
            pytest.fail("serve started without its digest and retention clock")
    assert server.returncode != 0
    assert "bot.slack.digest_clock" in stderr.splitlines()[-1]
    assert "Booting worker" not in stderr  # gunicorn never started
