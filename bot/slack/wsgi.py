"""The app as a WSGI callable, for gunicorn: `gunicorn 'bot.slack.wsgi:create_app()'`.

POST /slack/events takes every Slack request (commands, events, interactivity) through
bolt's WSGI adapter; GET /healthz answers "ok" for load balancers — or 503 with the reason
while the store refuses writes (reviews are still delivered meanwhile). With OAuth (several
workspaces) the same adapter serves GET /slack/install and GET /slack/oauth_redirect.
Each gunicorn worker process calls `create_app()` after forking, so thread pools and
SQLite connections are its own. The checks it runs first are bot/slack/startup.py's, the
same as `socialway serve`'s.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Mapping

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings, SettingsError, load_settings
from bot.logsafe import OneLineFormatter
from bot.review import factory
from bot.slack.app import build_app
from bot.slack.digest_clock import start_background
from bot.slack.startup import slack_problems, start_up_problems
from bot.store.store import Store

log = logging.getLogger("socialway.slack")
EVENTS_PATH = "/slack/events"


def wsgi_app(app: App):
    """The WSGI callable for a built app: Slack's requests plus a health check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    health = app.deps.health

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            problem = health.describe()
            status = "200 OK" if problem is None else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            body = "ok" if problem is None else f"store failing: {problem}"
            return [f"{body}\n".encode()]
        return slack(environ, start_response)

    return application


# Libraries whose own log lines carry secrets: slack_sdk's INFO retry lines name the full
# URL ("A retry handler found: … for POST https://hooks.slack.com/commands/T…/…/<secret>"),
# and a response_url is a credential; its DEBUG lines add request headers (the token).
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


def setup_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL, one line per record (control characters escaped: see
    bot.logsafe); Slack's libraries only say WARNING and worse, unless LOG_LEVEL=DEBUG asks
    for more (then INFO: their DEBUG lines hold tokens)."""
    root = logging.getLogger()
    root.setLevel(settings.log_level.upper())
    if not any(isinstance(h.formatter, OneLineFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    quiet_slack_libraries(settings.log_level)


def quiet_slack_libraries(log_level: str) -> None:
    level = logging.INFO if log_level.upper() == "DEBUG" else logging.WARNING
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(level)


def start_clock(settings: Settings, store: Store, app: App) -> threading.Event:
    """Start the digest and retention clock in this process; returns its stop event.

    `app.deps.close()` sets it and waits for the thread (`socialway serve` in Socket Mode
    does, in a finally); a gunicorn worker's clock is a daemon thread that ends with it.
    The clock is imported with this module, not here: a server that can't run it (a file
    missing from the install) fails to start, rather than serving on without digests or
    retention.
    """
    stop = threading.Event()
    clients = app.deps.clients  # each channel's digest goes out with its team's token
    thread = start_background(settings, store, clients, stop, reviewer=app.deps.reviewer)
    app.deps.stop_on_close(stop, thread)
    return stop


def build_from_settings(settings: Settings) -> App:
    store = Store(settings.database)
    app = build_app(settings, factory.make_reviewer(settings, store), store)
    start_clock(settings, store, app)
    return app


def create_app(env: Mapping[str, str] | None = None):
    """gunicorn's app factory: settings from the environment, checked; then the WSGI app."""
    try:
        settings = load_settings(env)
        problems = start_up_problems(settings) or slack_problems(settings)
    except SettingsError as error:
        problems = error.problems
    if problems:
        for line in problems:
            print(f"socialway: {line}", file=sys.stderr)
        raise SystemExit(2)
    setup_logging(settings)
    return wsgi_app(build_from_settings(settings))
