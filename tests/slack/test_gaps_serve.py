"""The digest and retention clock that `socialway serve` starts is stopped when the server
stops: `Deps.close` sets its event and waits for the thread, and Socket Mode's `finally`
calls it — even when the connection to Slack fails at start."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import pytest

from bot.slack.serve import run_socket_mode
from bot.slack.wsgi import build_from_settings

CLOCK = "socialway-digest-clock"
APP_TOKEN = "xapp-1-A0SOCIALWAY-1-servetest"


def clock_threads(app) -> list:
    return [thread for _, thread in app.deps.background if thread.name == CLOCK]


def live_clocks() -> set:
    return {t for t in threading.enumerate() if t.name == CLOCK}


@pytest.fixture
def slack_sdk_level():
    """`socialway serve` sets up logging for the process; put slack_sdk's level back after."""
    logger = logging.getLogger("slack_sdk")
    level = logger.level
    yield
    logger.setLevel(level)


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


def test_socket_mode_stops_the_clock_when_it_ends(settings, slack_api, slack_sdk_level, capsys):
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
