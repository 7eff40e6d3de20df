"""Shared fixtures: the fake Slack Web API, a fresh SQLite store, settings pointing at the
fake, and the real Bolt app served over real HTTP on 127.0.0.1.

    def test_something(running_app, slack_api):
        reply = running_app.send(slash_command("BUY NOW!!!", response_url=...))
        assert reply.status == 200
        [posted] = slack_api.wait_for_response()
"""

from __future__ import annotations

import os
import socketserver
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bot.config import Settings
from bot.store.store import Store
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import Delivery, SlackRequest, deliver

# Fixtures shared by tests in more than one folder.
pytest_plugins = ("tests.fakes.digest_week",)

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


def build(settings: Settings, store: Store, prompt_dir: str | None = None):
    """build_app with the Reviewer the server gets: `factory.make_reviewer(settings, store)`
    (rules only with these settings; with an OpenAI base URL in `settings`, the LLM engine,
    its prompts from `prompt_dir` or the shipped ones).
    Close it with `app.deps.reviewer.close()` (`serve` does)."""
    from bot.review.factory import make_reviewer
    from bot.slack.app import build_app

    reviewer = make_reviewer(settings, store, prompt_dir=prompt_dir, backoff=(0.01, 0.05))
    return build_app(settings, reviewer, store)


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


def with_llm(settings: Settings, fake_llm) -> Settings:
    """`settings` with the LLM engine on the fake OpenAI server."""
    return replace(
        settings, openai_api_key="sk-test-e2e", openai_base_url=fake_llm.base_url, llm_timeout=3
    )


@pytest.fixture
def llm_app(settings, store, slack_api, fake_llm):
    """The real Bolt app over real HTTP, its Reviewer built by the factory with an LLM."""
    settings = with_llm(settings, fake_llm)
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


@contextmanager
def llm_app_with_tone(settings, store, slack_api, fake_llm, folder, tone: str):
    """The `llm_app` with one more line ("name: what it means") in a copy of the shipped
    prompts' tones.txt (made in `folder`), as a team adds a tone."""
    import shutil

    from bot.review.llm.prompts import default_prompt_dir

    prompts = folder / "prompts"
    shutil.copytree(default_prompt_dir(), prompts)
    with (prompts / "tones.txt").open("a", encoding="utf-8") as tones:
        tones.write(tone + "\n")
    settings = with_llm(settings, fake_llm)
    with serve(build(settings, store, str(prompts)), settings, slack_api) as running:
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


# -- PostgreSQL: the store contract on the real server -------------------------------------
# The server of the development machines and CI (127.0.0.1:5432, trust auth, database
# `test`; SOCIALWAY_TEST_POSTGRES points elsewhere). Each test session makes its own
# database (sw_<random>) and drops it at the end; each test gets a fresh schema in it.
# Unreachable: the tests that need it are skipped, saying why; with
# SOCIALWAY_REQUIRE_POSTGRES=1 (.ci/run sets it) they fail instead.

PG_SERVER_URL = os.environ.get(
    "SOCIALWAY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _pg_unavailable(reason: str):
    message = f"PostgreSQL not reachable at {PG_SERVER_URL} ({reason})"
    if os.environ.get("SOCIALWAY_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message}; SOCIALWAY_REQUIRE_POSTGRES=1 makes this a failure")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a database made for this test session, dropped when it ends."""
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - a dependency of the package
        _pg_unavailable(f"psycopg is not installed: {error}")
    name = f"sw_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_SERVER_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        _pg_unavailable(lines[0].removeprefix("connection failed: "))
    try:
        yield _with_url(PG_SERVER_URL, path=f"/{name}")
    finally:
        with psycopg.connect(PG_SERVER_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_url(url: str, *, path: str | None = None, options: str | None = None) -> str:
    from urllib.parse import quote, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = parts.query if options is None else urlencode({"options": options}, quote_via=quote)
    return urlunsplit(parts._replace(path=path or parts.path, query=query))


@pytest.fixture
def postgres_url(postgres_database) -> Iterator[str]:
    """A DATABASE_URL of its own for one test: a fresh schema in the session's database."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_database, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_url(postgres_database, options=f"-c search_path={schema}")
    finally:
        with psycopg.connect(postgres_database, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request, tmp_path) -> str:
    """What `Store(...)` opens, once per backend: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "socialway.db")
    return request.getfixturevalue("postgres_url")
