"""Delivery under faults, over real signed HTTP: acks that never wait on the database,
work that survives kill -9, answers sent once through resets and 429s, "busy" when full,
a store that fails without costing the answer (/healthz says why), Slack's refusals named
as Slack's, a damaged database at start in one line, log lines that can't be forged, and a
response_url — a credential: anyone holding it may post as the app for 30 minutes — never
in the logs at the default level (slack_sdk's INFO line for a retried request names it)."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace

import pytest

from bot.slack.wsgi import setup_logging
from tests.conftest import build, serve
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import (
    ALICE,
    DRAFTS,
    Answer,
    error,
    rate_limited,
    reset_after,
    reset_before,
    server_error,
    slow,
)
from tests.paths import ROOT

AD = "BUY NOW!!! Only 3 left, act now. Like and share to win! Our industry-leading solution."
REPO = ROOT
SECRET = "T0SOCIAL-1234-hkSeCrEtPaRt"
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


def review_posts(slack_api, method: str = "chat.postMessage") -> list:
    """Reviews Slack accepted (a review has its verdict line)."""
    return [c for c in slack_api.calls(method, ok=True) if "Reads like an ad" in c.text]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, failed.read().decode()


@pytest.fixture
def quick_app(settings, store, slack_api):
    """The app with a 1-second Slack timeout (a cut-off answer is looked for after 3 s)."""
    settings = replace(settings, slack_timeout=1.0)
    with serve(build(settings, store), settings, slack_api) as running:
        yield running


# -- 1. the ack never waits on the database ------------------------------------------------


def test_a_locked_database_never_turns_an_ack_into_a_404(running_app, slack_api, settings):
    blocker = sqlite3.connect(settings.db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    asks = [sr.event_callback(sr.app_mention(f"{AD} #{n}")) for n in range(6)]
    urls = [running_app.response_url(f"cmd{n}") for n in range(6)]
    asks += [sr.slash_command(f"{AD} #{n}", response_url=url) for n, url in enumerate(urls)]
    acks: list = []
    threads = [threading.Thread(target=lambda a=a: acks.append(running_app.send(a))) for a in asks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert sorted(d.status for d in acks) == [200] * 12  # Bolt's 404 comes after 3 s unacked
    running_app.wait_idle(30)
    assert len(review_posts(slack_api)) == 6  # every mention answered in its thread
    assert len(review_posts(slack_api, "response_url")) == 6


def test_a_full_app_says_busy_at_once_instead_of_queueing_forever(settings, store, slack_api):
    settings = replace(settings, queue_limit=1)
    gate = slack_api.hold("response_url")
    with serve(build(settings, store), settings, slack_api) as app:
        first = app.send(sr.slash_command(AD, response_url=app.response_url("first")))
        slack_api.wait_held("response_url")
        second = app.send(sr.slash_command(AD, response_url=app.response_url("second")))
        mention = app.send(sr.event_callback(sr.app_mention(AD)))
        [busy] = slack_api.wait_for("chat.postEphemeral")  # an event's ack can't carry words
        gate.set()
        app.wait_idle()
    assert first.status == 200 and first.body == ""
    assert second.status == 200 and "busy" in second.body and "try again" in second.body
    assert mention.status == 200 and "busy" in busy.text and busy.params["user"] == ALICE
    assert not slack_api.responses("second")  # nothing queued behind the busy answer
    assert not slack_api.calls("chat.postMessage")


# -- 2. durable work: kill -9 ---------------------------------------------------------------

SERVER = textwrap.dedent(
    """
    import socketserver, sys
    from wsgiref.simple_server import WSGIServer, WSGIRequestHandler, make_server
    from bot.slack.wsgi import create_app

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, create_app(), server_class=Server, handler_class=Quiet)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """
)


def test_a_command_acked_by_a_process_killed_mid_job_is_answered_by_the_next(
    settings, slack_api, tmp_path
):
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": slack_api.api_url,
        "SOCIALWAY_DB": settings.db_path,
        "SOCIALWAY_JOB_LEASE": "2",
        "PYTHONPATH": str(REPO),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(child.stdout.readline())
        gate = threading.Event()  # the answer is on its way when the process dies
        slack_api.script("response_url", Answer(gate=gate, reset="before"))
        url = slack_api.response_url("killed")
        ack = sr.deliver(
            f"http://127.0.0.1:{port}/slack/events",
            sr.slash_command(AD, response_url=url),
            settings.slack_signing_secret,
        )
        slack_api.wait_held("response_url")
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    gate.set()  # the dying process's post never reached Slack
    assert ack.status == 200
    from bot.store.store import Store

    with Store(settings.db_path) as store:
        later = replace(settings, job_lease=2.0)
        with serve(build(later, store), later, slack_api) as app:
            [answer] = slack_api.wait_for(
                "response_url", 2, timeout=20, where=lambda c: c.response_id == "killed"
            )[1:]
            app.wait_idle(20)
    assert answer.ok and "Reads like an ad" in answer.text
    assert len(review_posts(slack_api, "response_url")) == 1


# -- 3. send once ---------------------------------------------------------------------------


def test_a_reply_cut_off_after_slack_posted_it_is_not_posted_again(quick_app, slack_api):
    slack_api.script("chat.postMessage", reset_after())
    quick_app.send(sr.event_callback(sr.app_mention(AD)))
    slack_api.wait_for("conversations.replies", timeout=15)  # it looked for its stamp
    quick_app.wait_idle(15)
    slack_api.settle()
    assert len(review_posts(slack_api)) == 1
    assert "may not have arrived" not in " ".join(c.text for c in slack_api.calls())


def test_a_reply_cut_off_before_slack_posted_it_is_posted_once(quick_app, slack_api):
    slack_api.script("chat.postMessage", reset_before())
    quick_app.send(sr.event_callback(sr.app_mention(AD)))
    quick_app.wait_idle(15)
    slack_api.settle()
    [posted] = review_posts(slack_api)
    assert posted.params["metadata"]["event_type"] == "socialway_answer"


def test_a_response_url_429_waits_its_retry_after_and_answers_once(running_app, slack_api):
    slack_api.script("response_url", rate_limited(retry_after=1))
    url = running_app.response_url("limited")
    assert running_app.send(sr.slash_command(AD, response_url=url)).status == 200
    running_app.wait_idle(15)
    limited, answered = slack_api.responses("limited")
    assert limited.status == 429 and answered.ok and "Reads like an ad" in answered.text
    assert answered.at - limited.at >= 1.0  # Slack's Retry-After, honoured
    assert len(slack_api.calls()) == 3  # auth.test, then the two posts: nothing else


def test_a_mention_reply_refused_three_times_arrives_once_without_an_apology(
    running_app, slack_api
):
    slack_api.script("chat.postMessage", server_error(), server_error(), server_error(503))
    running_app.send(sr.event_callback(sr.app_mention(AD)))
    running_app.wait_idle(20)
    assert len(review_posts(slack_api)) == 1
    assert not slack_api.calls("chat.postEphemeral")


def test_a_timed_out_mention_answer_is_looked_for_not_posted_again(quick_app, slack_api):
    slack_api.script("chat.postMessage", slow(2.5))  # lands on Slack's side, answer too late
    quick_app.send(sr.event_callback(sr.app_mention(AD)))
    slack_api.wait_for("chat.postMessage", timeout=10)
    quick_app.wait_idle(15)
    calls = slack_api.settle()
    said = " ".join(c.text for c in calls)
    assert "something went wrong" not in said and "may not have arrived" not in said
    [look] = [c for c in calls if c.method == "conversations.replies"]  # found its stamp there
    assert look.params["include_all_metadata"] in (True, "true", "1", 1)
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1


def test_a_timed_out_response_url_is_not_sent_again_another_way(quick_app, slack_api):
    slack_api.script("response_url", slow(2.5))
    url = quick_app.response_url("slow")
    quick_app.send(sr.slash_command(AD, response_url=url))
    slack_api.wait_for_response(response_id="slow", timeout=10)
    quick_app.wait_idle(15)
    calls = slack_api.settle()
    first, again = [c for c in calls if c.method != "auth.test"]  # no ephemeral, no DM
    assert (first.method, again.method) == ("response_url", "response_url")
    assert again.params["replace_original"] is True  # it replaces what landed: one answer


# -- 4. honest errors --------------------------------------------------------------------------


def test_when_slack_refuses_a_reply_the_person_is_told_slack_refused(running_app, slack_api):
    slack_api.script("chat.postMessage", error("fatal_error"))
    running_app.send(sr.event_callback(sr.app_mention(AD)))
    running_app.wait_idle(15)
    [note] = slack_api.calls("chat.postEphemeral", ok=True)
    assert note.params["user"] == ALICE and note.params["channel"] == DRAFTS
    assert "Slack refused" in note.text and "fatal_error" in note.text
    assert "on my side" not in note.text


def test_a_forged_line_in_an_oauth_error_stays_on_one_line(oauth_app, capsys):
    from bot.logsafe import OneLineFormatter

    root = logging.getLogger()
    earlier = [h for h in root.handlers if isinstance(h.formatter, OneLineFormatter)]
    for handler in earlier:  # one set up by an earlier test writes to its own stderr
        root.removeHandler(handler)
    setup_logging(oauth_app.settings)
    ours = [h for h in root.handlers if isinstance(h.formatter, OneLineFormatter)]
    try:
        forged = "access_denied%0A2026-12-04%2010:00:00,000%20ERROR%20socialway.slack%20admin"
        get(f"{oauth_app.base_url}/slack/oauth_redirect?error={forged}&state=x")
    finally:
        for handler in ours:
            root.removeHandler(handler)
        for handler in earlier:
            root.addHandler(handler)
    lines = capsys.readouterr().err.splitlines()
    assert any("install failed: access_denied\\n2026-12-04" in line for line in lines)
    assert not any(line.startswith("2026-12-04 10:00:00") for line in lines)


# -- a response_url is never logged ------------------------------------------------------


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


# -- 5. degrade, don't apologise -------------------------------------------------------------


def test_a_locked_store_costs_no_review_and_healthz_says_why_until_it_works(
    running_app, slack_api, settings
):
    assert get(f"{running_app.base_url}/healthz") == (200, "ok\n")
    blocker = sqlite3.connect(settings.db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        running_app.send(sr.event_callback(sr.app_mention(AD)))
        slack_api.wait_for("chat.postMessage", timeout=15)
        status, body = get(f"{running_app.base_url}/healthz")
        assert status == 503 and "locked" in body
        # the mention was accepted while the store could not keep it: it ran from memory,
        # and /healthz says so (it would be lost if this process stopped now)
        assert "1 accepted request not written down" in body
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    running_app.wait_idle(15)
    assert len(review_posts(slack_api)) == 1
    deadline = time.monotonic() + 10
    while get(f"{running_app.base_url}/healthz")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert get(f"{running_app.base_url}/healthz") == (200, "ok\n")


def test_a_damaged_database_stops_the_server_with_one_line(settings, tmp_path, capsys):
    from bot.slack.wsgi import create_app

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a database, just bytes " * 200)
    env = {
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": settings.slack_api_url,
        "SOCIALWAY_DB": str(damaged),
    }
    with pytest.raises(SystemExit) as stopped:
        create_app(env)
    assert stopped.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert str(damaged) in line and "backup" in line and "Traceback" not in line


def test_serve_with_a_damaged_database_says_so_in_one_line(settings, tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"\x00garbage, not SQLite\x00" * 300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(
        SLACK_BOT_TOKEN=settings.slack_bot_token,
        SLACK_SIGNING_SECRET=settings.slack_signing_secret,
        SLACK_API_URL=settings.slack_api_url,
        SOCIALWAY_DB=str(damaged),
        PYTHONPATH=str(REPO),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert str(damaged) in line and "Traceback" not in result.stderr


# -- a dead process's public answer: looked for before it is posted --------------------------


def _left_by_a_dead_process(store, slack_api, job_id: str) -> dict:
    """A mention job as a process killed mid-way leaves it: recorded, its lease long gone."""
    from bot.jobs import encode_call
    from bot.jobs.calls import encode
    from bot.slack.listeners.mention import review_mention
    from bot.slack.replies import Place
    from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID

    event = sr.app_mention(AD)
    slack_api.add_message(DRAFTS, event["text"], ts=event["ts"])
    place = Place(ALICE, DRAFTS, public=True, thread_ts=event["ts"], ref=job_id, team_id=TEAM_ID)
    deps = object()  # stands for the app's deps, which a stored call never holds
    call = encode_call(review_mention, (deps, event, BOT_USER_ID, TEAM_ID, place), deps=deps)
    payload = {"call": call, "place": encode(place)}
    now = time.time()
    row = {"id": job_id, "kind": "call", "payload": json.dumps(payload), "now": now - 120}
    store.add_jobs([row], leased_by="gone:1:dead", lease_until=now - 90)
    return event


def test_a_dead_process_s_reply_that_went_out_is_not_posted_again(settings, store, slack_api):
    settings = replace(settings, job_lease=2.0)  # a new process takes over after 1 s
    event = _left_by_a_dead_process(store, slack_api, "event:EvDEAD1")
    stamped = slack_api.add_message(DRAFTS, "Reads like an ad · 6/100", thread_ts=event["ts"])
    stamped.update(
        bot_id="B0SWBOT",
        metadata={"event_type": "socialway_answer", "event_payload": {"job": "event:EvDEAD1"}},
    )
    with serve(build(settings, store), settings, slack_api) as app:
        slack_api.wait_for("conversations.replies", timeout=10)
        assert wait_for_job(store, "event:EvDEAD1")
        app.wait_idle()
    assert not slack_api.calls("chat.postMessage")  # it found its own stamped answer


def test_a_dead_process_s_reply_that_never_went_out_is_posted_once(settings, store, slack_api):
    settings = replace(settings, job_lease=2.0)  # a new process takes over after 1 s
    event = _left_by_a_dead_process(store, slack_api, "event:EvDEAD2")
    with serve(build(settings, store), settings, slack_api) as app:
        assert wait_for_job(store, "event:EvDEAD2")
        app.wait_idle()
    [posted] = review_posts(slack_api)
    assert posted.params["thread_ts"] == event["ts"]
    assert store.get_job("event:EvDEAD2")["attempts"] == 2


def wait_for_job(store, job_id: str, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (store.get_job(job_id) or {}).get("state") == "done":
            return True
        time.sleep(0.05)
    return False


def test_a_job_in_the_table_keeps_no_verification_token_of_the_request(
    running_app, slack_api, settings
):
    """A job row holds what its work needs (the draft, the response_url, until it is done),
    not the secrets Slack sent along with the request (the legacy verification token)."""
    message = slack_api.add_message(DRAFTS, AD, user=ALICE)
    gate = slack_api.hold("response_url")  # the job stays open while we look at its row
    url = running_app.response_url("kept")
    assert running_app.send(sr.message_action(message, response_url=url)).status == 200
    try:
        deadline = time.monotonic() + 10
        payloads: list = []
        while not payloads and time.monotonic() < deadline:
            with sqlite3.connect(settings.db_path) as db:
                payloads = [
                    p for (p,) in db.execute("SELECT payload FROM jobs WHERE kind = 'call'") if p
                ]
            time.sleep(0.05)
        assert payloads and "BUY NOW" in payloads[0]  # the job's row, draft and all
        assert sr.VERIFICATION_TOKEN not in payloads[0]
    finally:
        gate.set()
    running_app.wait_idle(10)


def test_a_job_finished_while_gunicorn_stops_is_closed_not_left_to_run_again(
    settings, slack_api, tmp_path
):
    """SIGTERM to gunicorn (a deploy): the job in hand finishes, and its row is closed before
    the process ends — a row left 'running' would be run again by the next process, and
    an answer without a `once` step (here: the help text) would arrive twice."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": slack_api.api_url,
        "SOCIALWAY_DB": settings.db_path,
        "PYTHONPATH": str(REPO),
    }
    command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "4",
               "--workers", "1", "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "20",
               "bot.slack.wsgi:create_app()"]  # fmt: skip
    child = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        gate = slack_api.hold("response_url")  # the job is in hand when the stop comes
        url = slack_api.response_url("help")
        ack = sr.deliver(
            f"http://127.0.0.1:{port}/slack/events",
            sr.slash_command("help", response_url=url),
            settings.slack_signing_secret,
        )
        assert ack.status == 200
        slack_api.wait_held("response_url")
        child.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        gate.set()
        assert child.wait(30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert len(slack_api.responses("help")) == 1
    with sqlite3.connect(settings.db_path) as db:
        states = [s for (s,) in db.execute("SELECT state FROM jobs WHERE kind = 'call'")]
    assert states == ["done"]


def test_another_tone_asked_of_a_full_process_says_busy_instead_of_nothing(
    llm_app, slack_api, fake_llm, store
):
    """The AI job of another tone can be refused (the process is full): the person, told
    "writing a warmer version…", must hear that it won't come, not wait forever."""
    import copy

    from tests.fakes.openai_api import answer

    url = "https://example.com/trails"
    draft = f"Our new trail guide is up: {url}. Which route should we add next?"
    fake_llm.script(answer(rewrite=f"The trail guide is ready for you: {url}. Which route next?"))
    event = sr.app_mention(draft)
    slack_api.add_message(DRAFTS, event["text"], user=ALICE, ts=event["ts"])
    llm_app.send(sr.event_callback(event))
    [reply] = slack_api.wait_for("chat.update", timeout=10)
    llm_app.wait_idle()
    message = copy.deepcopy(reply.answer["message"])
    post = [
        e
        for b in message["blocks"]
        for e in b.get("elements") or []
        if e.get("action_id") == "post-rewrite"
    ]
    review_id = int(post[0]["value"])
    full = replace(llm_app.settings, queue_limit=1)  # a second process: the click fills it
    with serve(build(full, store), full, slack_api) as other:
        url = other.response_url("tone")
        choose = sr.tone_choice(message, review_id, "warmer", response_url=url)
        assert other.send(choose).status == 200
        slack_api.wait_for_response(2, timeout=10, response_id="tone")
        other.wait_idle()
    writing, busy = slack_api.responses("tone")
    assert "Writing a warmer version" in writing.text
    assert "busy" in busy.text and "try again" in busy.text
