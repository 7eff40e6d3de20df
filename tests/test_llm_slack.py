"""The LLM engine inside the Slack app, end to end: the rules review at once, the LLM review
replacing it when ready; and model output that tries to ping a channel never does."""

from __future__ import annotations

import json
import socketserver
import threading
from dataclasses import replace
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bot.config import Settings
from bot.review.factory import make_reviewer
from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from bot.slack.app import build_app
from bot.slack.wsgi import wsgi_app
from tests.conftest import RunningApp
from tests.fakes import slack_requests as sr
from tests.fakes.openai_api import FakeOpenAI, answer, server_error
from tests.fakes.slack_api import ALICE, DRAFTS

URL = "https://example.com/trails"
DRAFT = f"Our new trail guide is up: {URL}. Which route should we add next?"
BETTER = f"The trail guide is ready for you: {URL}. Which route would you like next?"
PINGING = f"Hey <!channel> and <!here>, the trail guide is ready: {URL}. Which route next?"


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def fake_llm():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_app(settings, store, slack_api, fake_llm):
    """The real Bolt app over real HTTP, with the Reviewer the factory builds for an LLM."""
    settings = replace(
        settings, openai_api_key="sk-test-e2e", openai_base_url=fake_llm.base_url, llm_timeout=3
    )
    reviewer = make_reviewer(settings, store, backoff=(0.01, 0.05))
    app = build_app(settings, reviewer, store)
    server = make_server(
        "127.0.0.1",
        0,
        wsgi_app(app),  # the WSGI callable production serves
        server_class=_Server,
        handler_class=_Quiet,
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
        reviewer.close()


def _block_ids(call) -> list[str]:
    return [b.get("block_id", "") for b in call.params.get("blocks", [])]


def test_a_mention_gets_the_rules_review_first_then_the_llm_update(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(delay=0.3, rewrite=BETTER))
    event = sr.app_mention(DRAFT)
    assert llm_app.send(sr.event_callback(event)).status == 200
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" in _block_ids(first)  # "writing a more human version…"
    [update] = slack_api.wait_for("chat.update", timeout=10)
    assert update.params["ts"] == first.answer["ts"]
    assert "review-working" not in _block_ids(update)
    assert BETTER in json.dumps(update.params["blocks"])
    assert first.at < update.at
    llm_app.wait_idle()
    [row] = llm_app.app.deps.store.db["reviews"].rows
    assert (row["engine"], row["rewrite"]) == ("llm", BETTER)
    assert len(fake_llm.calls) == 1


def test_a_slash_command_is_replaced_through_the_response_url(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(rewrite=BETTER))
    url = llm_app.response_url("cmd-llm")
    llm_app.send(sr.slash_command(DRAFT, response_url=url))
    first, second = slack_api.wait_for_response(2, timeout=10, response_id="cmd-llm")
    assert "review-working" in _block_ids(first)
    assert second.params["replace_original"] is True
    assert BETTER in json.dumps(second.params["blocks"])


def test_when_the_llm_fails_the_rules_review_stays_with_a_note(llm_app, slack_api, fake_llm):
    fake_llm.script(*[server_error()] * 4)
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    assert "AI suggestions unavailable right now" in json.dumps(update.params["blocks"])
    llm_app.wait_idle()
    [row] = llm_app.app.deps.store.db["reviews"].rows
    assert row["engine"] == "rules"


def test_a_rules_only_channel_never_reaches_the_model(llm_app, slack_api, fake_llm, store):
    store.update_channel_settings(DRAFTS, llm_allowed=False, updated_by=ALICE)
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [first] = slack_api.wait_for("chat.postMessage")
    assert "review-working" not in _block_ids(first)
    llm_app.wait_idle()
    assert not slack_api.calls("chat.update")
    assert fake_llm.calls == []


def test_a_rewrite_with_channel_pings_is_neutralised_before_slack(llm_app, slack_api, fake_llm):
    fake_llm.script(answer(rewrite=PINGING, summary="Tell <!everyone>"))
    llm_app.send(sr.event_callback(sr.app_mention(DRAFT)))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    sent = json.dumps(update.params)
    for token in ("<!channel>", "<!here>", "<!everyone>"):
        assert token not in sent
    assert "the trail guide is ready" in sent


def test_the_slack_rendering_of_a_pinging_llm_review_pings_no_one(store):
    with FakeOpenAI() as fake:
        fake.script(answer(rewrite=PINGING, strengths=["<!here> asks a question"]))
        settings = Settings(openai_base_url=fake.base_url, openai_api_key="sk-x")
        reviewer = make_reviewer(settings, store)
        try:
            review = reviewer.review(ReviewRequest(text=DRAFT, user=ALICE))
        finally:
            reviewer.close()
    assert review.engine == "llm"
    rendered = json.dumps(kit.review_message(review, review_id=1, public=True))
    for token in ("<!channel>", "<!here>", "<!everyone>"):
        assert token not in rendered
    assert URL in rendered
