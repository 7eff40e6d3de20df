"""The app's logging set-up (`setup_logging`). A response_url is a credential (anyone
holding it may post as the app for 30 minutes), so it never reaches the logs at the
default level: slack_sdk's INFO line for a retried request ("A retry handler found: … for
POST <url> - HTTP Error 500") names it in full."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.slack.wsgi import setup_logging
from tests.fakes import slack_requests as sr

SECRET = "T0SOCIAL-1234-hkSeCrEtPaRt"
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


@pytest.fixture
def library_levels():
    """setup_logging sets levels for the whole process; put them back after the test."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _answer_through_a_failing_response_url(running_app, slack_api) -> None:
    url = running_app.response_url(SECRET)
    slack_api.server_error_next("response_url", times=1, status=500)  # retried, then fine
    running_app.send(sr.slash_command("Buy now!!! Only 3 left", response_url=url))
    running_app.wait_idle()
    answers = slack_api.responses(SECRET)
    assert [a.status for a in answers][:2] == [500, 200]  # the retry happened


def test_a_retried_response_url_is_not_logged_at_the_default_level(
    running_app, slack_api, caplog, library_levels
):
    caplog.set_level(logging.INFO)  # the server's default LOG_LEVEL
    setup_logging(running_app.settings)
    _answer_through_a_failing_response_url(running_app, slack_api)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged
    assert "/response/" not in logged


def test_debug_lets_slack_sdk_say_info_but_never_debug(running_app, caplog, library_levels):
    caplog.set_level(logging.DEBUG)
    setup_logging(replace(running_app.settings, log_level="DEBUG"))
    for name in QUIET_LOGGERS:  # DEBUG would print request headers, i.e. the bot token
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO
    setup_logging(running_app.settings)
    for name in QUIET_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING
