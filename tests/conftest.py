"""Shared fixtures: the fake Slack Web API, a fresh SQLite store, settings pointing at the
fake, and the real Bolt app served over real HTTP on 127.0.0.1.

    def test_something(running_app, slack_api):
        reply = running_app.send(slash_command("BUY NOW!!!", response_url=...))
        assert reply.status == 200
        [posted] = slack_api.wait_for_response()
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bot.config import Settings
from bot.store import Store
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import Delivery, SlackRequest, deliver

SIGNING_SECRET = "8f742231b10e8888abcd9985a5c3d1e0"  # hex, as Slack's Basic Information shows
BOT_TOKEN = "xoxb-1234-5678-socialwaytest"


@pytest.fixture
def slack_api():
    """The fake Slack Web API (+ response_urls) on loopback, recording every call."""
    with FakeSlackAPI(token=BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "socialway.db") as opened:
        yield opened


@pytest.fixture
def settings(slack_api, tmp_path):
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
        db_path=str(tmp_path / "socialway.db"),
        workers=4,
        slack_timeout=5.0,
    )


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@dataclass
class RunningApp:
    """The Bolt app behind a real WSGI server; `send` signs and POSTs like Slack does."""

    app: object  # slack_bolt.App
    base_url: str
    settings: Settings
    slack_api: FakeSlackAPI

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def send(self, request: SlackRequest, *, secret: str | None = None, **signing) -> Delivery:
        """Sign with the app's signing secret (or `secret`) and POST to /slack/events.

        `signing` passes on `timestamp=`, `retry_num=`, `retry_reason=`, `headers=`.
        """
        return deliver(
            self.events_url, request, secret or self.settings.slack_signing_secret, **signing
        )

    def response_url(self, response_id: str | None = None) -> str:
        return self.slack_api.response_url(response_id)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until the app's background work (its Deps pool) is done."""
        assert self.app.deps.wait_idle(timeout), "the app's background work did not finish"


@contextmanager
def serve(app, settings: Settings, slack_api: FakeSlackAPI) -> Iterator[RunningApp]:
    """Serve a built app on 127.0.0.1:<free port> by a threading WSGI server, then stop it."""
    from bot.slack.wsgi import wsgi_app

    server = make_server(
        "127.0.0.1",
        0,
        wsgi_app(app),  # the same WSGI callable gunicorn serves in production
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningApp(app, f"http://{host}:{port}", settings, slack_api)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.deps.close()
        app.deps.reviewer.close()


def build(settings: Settings, store: Store):
    """build_app with the Reviewer the server gets: `factory.make_reviewer(settings, store)`
    (rules only with these settings; with an OpenAI base URL in `settings`, the LLM engine).
    Close it with `app.deps.reviewer.close()` (`serve` does)."""
    from bot.review.factory import make_reviewer
    from bot.slack.app import build_app

    return build_app(settings, make_reviewer(settings, store, backoff=(0.01, 0.05)), store)


@pytest.fixture
def running_app(settings, store, slack_api):
    """The real app, built on the fake Slack API and a fresh store, served over real HTTP."""
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


# -- the app with the LLM engine on a fake OpenAI server ----------------------------------


@pytest.fixture
def fake_llm():
    """A loopback fake of the OpenAI API (tests/fakes/openai_api.py), scriptable per test."""
    from tests.fakes.openai_api import FakeOpenAI

    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_app(settings, store, slack_api, fake_llm):
    """The real Bolt app over real HTTP, its Reviewer built by the factory with an LLM."""
    settings = replace(
        settings, openai_api_key="sk-test-e2e", openai_base_url=fake_llm.base_url, llm_timeout=3
    )
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


# -- several workspaces (OAuth) ------------------------------------------------------------

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def oauth_settings(settings):
    """Multi-workspace settings: the app's client id and secret, no SLACK_BOT_TOKEN."""
    from dataclasses import replace

    return replace(
        settings, slack_bot_token="", slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET
    )


@pytest.fixture
def oauth_app(oauth_settings, store, slack_api):
    """The real app in OAuth mode (installations in SQLite beside the store), over real HTTP;
    the fake Slack API answers oauth.v2.access for its client id and secret."""
    slack_api.enable_oauth(CLIENT_ID, CLIENT_SECRET)
    with serve(build(oauth_settings, store), oauth_settings, slack_api) as running:
        yield running


# -- the user's cache directory ------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _session_cache_dir(tmp_path_factory):
    """Compiled playbooks go to a cache of this test session, not the user's ~/.cache (the
    CLI's subprocesses inherit it): tests make playbooks in fresh folders each run."""
    import os

    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved
