"""Several machines on one PostgreSQL: two `socialway serve` processes on different ports
(as two hosts behind a load balancer), signed requests over real HTTP, the fake Slack API.
A retried event is answered once, each digest is posted once, and an install made through
one server is used by the other."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import replace

import pytest

from bot.digest.week import last_full_week
from bot.slack.digest_post import EVENT_TYPE
from bot.store.store import Store
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, build, serve
from tests.fakes import slack_requests as sr
from tests.fakes.oauth import install
from tests.fakes.seed import Seeder
from tests.fakes.slack_api import ALICE, DRAFTS
from tests.paths import ROOT

DAY = 86400


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `socialway serve` process; its log lines are kept as they come."""

    def __init__(self, env: dict[str, str], port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "server exited:\n" + "\n".join(self.lines)
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("server did not start:\n" + "\n".join(self.lines))

    def wait_log(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r}:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self._reader.join(5)
        self.proc.stderr.close()


@contextmanager
def two_servers(postgres_url: str, slack_api, tmp_path) -> list[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(
        SLACK_API_URL=slack_api.api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=postgres_url,
        SOCIALWAY_DB=str(tmp_path / "never-used.db"),
        SOCIALWAY_LOG_LEVEL="INFO",
        SOCIALWAY_WORKERS="2",
    )
    with ExitStack() as stack:
        servers = []
        for _ in range(2):
            server = Server(env, _free_port())
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_ready()
        yield servers
    assert not (tmp_path / "never-used.db").exists()  # everything went to PostgreSQL


def _digests(slack_api) -> list[dict]:
    return [
        m
        for m in slack_api.messages.get(DRAFTS, [])
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def test_two_servers_on_one_postgres_answer_a_retried_event_once_and_post_one_digest(
    postgres_url, slack_api, tmp_path
):
    clock = [time.time()]
    week = last_full_week(clock[0], "UTC")
    with Store(postgres_url, clock=lambda: clock[0]) as store:
        store.update_channel_settings(
            DRAFTS, digest_on=True, digest_weekday=0, digest_hour=0, timezone="UTC"
        )  # due any time this week
        Seeder(store, clock).review(week.start + DAY, score=40, rules=("urgency",))
    gate = slack_api.hold("chat.postMessage")  # the first digest post waits at Slack

    with two_servers(postgres_url, slack_api, tmp_path) as servers:
        # Both clocks ran at start: one claimed the week and is posting, the other saw it busy.
        slack_api.wait_held("chat.postMessage", timeout=30)

        def busy() -> list[Server]:
            return [s for s in servers if any(": busy, nothing to do here" in x for x in s.lines)]

        deadline = time.monotonic() + 30
        while not busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(busy()) == 1, "both clocks should have looked at the week"
        gate.set()
        slack_api.wait_for("chat.postMessage", timeout=10)
        with Store(postgres_url) as store:
            deadline = time.monotonic() + 10
            while not (store.digest_row(DRAFTS, week.key) or {}).get("posted_ts"):
                assert time.monotonic() < deadline, "the digest was never marked posted"
                time.sleep(0.05)
        assert len(_digests(slack_api)) == 1

        # The same event delivered to both hosts (Slack's retry landing elsewhere).
        mention = sr.event_callback(sr.app_mention("BUY NOW!!! Only 3 left", user=ALICE))
        first = sr.deliver(f"{servers[0].url}/slack/events", mention, SIGNING_SECRET)
        retry = sr.deliver(
            f"{servers[1].url}/slack/events",
            mention,
            SIGNING_SECRET,
            retry_num=1,
            retry_reason="http_timeout",
        )
        assert (first.status, retry.status) == (200, 200)
        replies = slack_api.wait_for("chat.postMessage", count=2, timeout=10)
        slack_api.settle(quiet=1.0)
        threaded = [c for c in slack_api.calls("chat.postMessage") if c.params.get("thread_ts")]
        assert len(threaded) == 1, replies
        with Store(postgres_url) as store:
            assert store.db["reviews"].count == 2  # the seeded one and this mention, once
    assert len(_digests(slack_api)) == 1  # and still one after both servers stopped


@pytest.fixture
def pg_oauth_settings(oauth_settings, postgres_url):
    return replace(oauth_settings, database_url=postgres_url)


def test_an_install_through_one_server_is_used_by_the_other(pg_oauth_settings, slack_api):
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from tests.fakes.oauth import for_team

    slack_api.enable_oauth(CLIENT_ID, CLIENT_SECRET)
    team = "T0000ONE"
    slack_api.add_channel("C0T1DRAFTS", "t1-drafts", members=[ALICE], team=team)
    with ExitStack() as stack:
        hosts = []
        for _ in range(2):
            store = stack.enter_context(Store(pg_oauth_settings.database))
            app = build(pg_oauth_settings, store)
            hosts.append(stack.enter_context(serve(app, pg_oauth_settings, slack_api)))
        page = install(hosts[0], team, "Acme Comms")
        assert page.status == 200 and "Social Way is now in Acme Comms" in page.text
        [token] = slack_api.tokens_of(team)
        event = sr.app_mention("BUY NOW!!! Only 3 left", channel="C0T1DRAFTS")
        answer = hosts[1].send(for_team(sr.event_callback(event), team))
        assert answer.status == 200
        [reply] = slack_api.wait_for("chat.postMessage")
        assert reply.ok and reply.token == token  # the other host found the installation


def test_serve_with_an_unreachable_database_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as closed:  # a loopback port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=f"postgresql://app:hunter2@127.0.0.1:{port}/sw",
        SOCIALWAY_DB=str(tmp_path / "never-used.db"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"socialway serve: can't reach PostgreSQL at 127.0.0.1:{port}/sw (")
    assert "hunter2" not in result.stderr
