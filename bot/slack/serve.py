"""`socialway serve`: the Slack app, in Socket Mode or over HTTP, picked by the environment.

SLACK_APP_TOKEN set -> Socket Mode (bolt's SocketModeHandler; no public URL needed).
Otherwise -> HTTP under gunicorn (gthread workers) serving `bot.slack.wsgi`, on --port /
PORT, on --host / HOST (default 0.0.0.0: every interface, as a platform's router needs).
Bad settings stop start-up with one line per variable and exit code 2; so does a token
Slack refuses. `--check` runs every one of those checks, asking Slack too, and stops there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from bot.config import HOST_RULE, Settings, SettingsError, load_settings, valid_host

EXIT_SETTINGS = 2


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "serve",
        help="run the Slack app (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)",
        description=(
            "Run the Slack app. With SLACK_APP_TOKEN (xapp-...) it connects over Socket Mode; "
            "otherwise it serves POST /slack/events and GET /healthz over HTTP with gunicorn "
            "(and, with SLACK_CLIENT_ID/SECRET, GET /slack/install for several workspaces)."
        ),
    )
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: $PORT or 3000)")
    parser.add_argument(
        "--processes", type=int, default=1, help="gunicorn worker processes (HTTP mode; default 1)"
    )
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on (HTTP mode; default: $HOST or 0.0.0.0, every interface; "
        "127.0.0.1 behind a proxy on the same machine)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="run the start-up checks (settings, playbooks, prompts, the tokens with Slack) "
        "and exit: 0 when serving would start, 2 with one line per problem",
    )
    return parser


def run(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> int:
    from bot.slack.startup import slack_problems, start_up_problems

    try:
        settings = load_settings(env)
        problems = start_up_problems(settings)
        if args.port is not None and not 1 <= args.port <= 65535:
            problems.append(f"--port should be from 1 to 65535, not {args.port}")
        if args.host is not None and not valid_host(args.host):
            problems.append(f"--host {HOST_RULE}, not {args.host!r}")
    except SettingsError as error:
        problems = error.problems
    if not problems:
        problems = slack_problems(settings)
    if problems:
        for line in problems:
            print(f"socialway serve: {line}", file=sys.stderr)
        return EXIT_SETTINGS
    host = args.host or settings.host
    if args.check:
        print(f"socialway serve: ready ({checked(settings, host, args.port)}); --check stops here")
        return 0
    if settings.socket_mode:
        return run_socket_mode(settings)
    return run_http(settings, args.port or settings.port, max(1, args.processes), env, host)


def checked(settings: Settings, host: str, port: int | None) -> str:
    """What --check looked at, in a few words (no secrets)."""
    slack = "SLACK_APP_TOKEN and SLACK_BOT_TOKEN accepted by Slack, Socket Mode"
    if settings.oauth:
        slack = f"the installations file opens, HTTP on {host}:{port or settings.port}"
    elif not settings.socket_mode:
        slack = f"SLACK_BOT_TOKEN accepted by Slack, HTTP on {host}:{port or settings.port}"
    llm = ", prompts" if settings.llm_configured else ""
    return f"settings, playbooks{llm}, {slack}"


def run_socket_mode(settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import make_socket_mode_handler
    from bot.slack.startup import app_token_refused
    from bot.slack.wsgi import build_from_settings, setup_logging

    setup_logging(settings)
    app = build_from_settings(settings)
    handler = make_socket_mode_handler(app, settings)
    try:
        handler.start()  # blocks until interrupted
    except KeyboardInterrupt:
        pass
    except SlackApiError as error:  # the app token, refused when the connection opens
        code = error.response.get("error") or f"HTTP {error.response.status_code}"
        print(f"socialway serve: {app_token_refused(code)}", file=sys.stderr)
        return EXIT_SETTINGS
    finally:
        handler.close()
        app.deps.close()  # stops the digest clock too
        app.deps.reviewer.close()
        app.deps.store.close()
    return 0


def bind_address(host: str, port: int) -> str:
    """gunicorn's bind for `host` (an IPv6 address goes in brackets)."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(settings: Settings, port: int, processes: int, host: str = "") -> dict:
    """gunicorn's settings: threads so many requests can wait on a quick ack at once."""
    return {
        "bind": bind_address(host or settings.host, port),
        "worker_class": "gthread",
        "workers": processes,
        "threads": max(32, settings.workers * 2),
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
    }


def run_http(settings: Settings, port: int, processes: int, env=None, host: str = "") -> int:
    from gunicorn.app.base import BaseApplication

    from bot.slack.wsgi import create_app

    class SocialWayServer(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(settings, port, processes, host).items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(env)  # in each worker, after the fork

    SocialWayServer().run()
    return 0
