"""Socket Mode: Slack's envelopes go through bolt's real SocketModeHandler.handle into our app.

What is real here: the app (build_app), bolt's SocketModeHandler and its request path
(SocketModeRequest parsing, run_bolt_app, the ack via send_socket_mode_response),
slack_sdk's BaseSocketModeClient queue and worker pool, and the Web API calls the listeners
make (to the fake on loopback). What is not: the websocket itself. `RecordingSocketModeClient`
is a small real subclass of slack_sdk's BaseSocketModeClient whose `send_message` records
the acks instead of writing them to a socket — chosen over a loopback websocket server
because it needs no websocket library and has no timing in it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from queue import Queue

import pytest
from slack_sdk.socket_mode.client import BaseSocketModeClient

from bot.slack.client import make_socket_mode_handler
from tests.conftest import build
from tests.fakes import slack_requests as sr
from tests.slack.test_e2e_command import AD

APP_TOKEN = "xapp-1-A0SOCIALWAY-1-socketmodetest"


class RecordingSocketModeClient(BaseSocketModeClient):
    """A Socket Mode client with no websocket: envelopes are fed in, acks are recorded."""

    def __init__(self, web_client):
        self.logger = logging.getLogger("tests.socket_mode")
        self.app_token = APP_TOKEN
        self.web_client = web_client
        self.closed = False
        self.message_queue = Queue()
        self.message_listeners = []
        self.socket_mode_request_listeners = []
        self.message_workers = ThreadPoolExecutor(4, thread_name_prefix="socket-mode-test")
        self.acks: list[dict] = []
        self._acked = threading.Condition()

    def is_connected(self) -> bool:
        return not self.closed

    def connect(self) -> None:
        pass

    def disconnect(self) -> None:
        pass

    def send_message(self, message: str) -> None:
        with self._acked:
            self.acks.append(json.loads(message))
            self._acked.notify_all()

    def feed(self, envelope: dict) -> None:
        """As if the websocket had delivered `envelope`: queue it and let the client process it."""
        self.enqueue_message(json.dumps(envelope))
        self.process_message()

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        with self._acked:
            while True:
                for ack in self.acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
                left = deadline - time.monotonic()
                assert left > 0, f"no ack for envelope {envelope_id}; acks: {self.acks}"
                self._acked.wait(left)

    def close(self) -> None:
        self.closed = True
        self.message_workers.shutdown(wait=True)


def envelope(kind: str, payload: dict, **extra) -> dict:
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": payload,
        "type": kind,
        "accepts_response_payload": kind == "slash_commands",
        **extra,
    }


@pytest.fixture
def socket_mode(settings, store):
    """(client, app): our app behind bolt's SocketModeHandler, fed by a recording client."""
    settings = replace(settings, slack_app_token=APP_TOKEN)
    app = build(settings, store)
    handler = make_socket_mode_handler(app, settings)  # as `socialway serve` builds it
    handler.client.close()  # its own websocket client is never connected here
    client = RecordingSocketModeClient(app.client)
    client.socket_mode_request_listeners.append(handler.handle)
    try:
        yield client, app
    finally:
        client.close()
        app.deps.close()
        app.deps.reviewer.close()


def test_a_slash_command_envelope_is_acked_and_answered_by_response_url(socket_mode, slack_api):
    client, _ = socket_mode
    url = slack_api.response_url("sock")
    command = envelope("slash_commands", sr.slash_command(AD, response_url=url).payload)
    client.feed(command)
    ack = client.wait_ack(command["envelope_id"])
    assert ack["envelope_id"] == command["envelope_id"]
    [posted] = slack_api.wait_for_response(response_id="sock")
    assert posted.params["response_type"] == "ephemeral"
    assert "BUY NOW" in posted.text


def test_a_retried_mention_envelope_gets_one_reply(socket_mode, slack_api):
    client, app = socket_mode
    event = sr.event_callback(sr.app_mention(AD)).payload
    first = envelope("events_api", event, retry_attempt=0, retry_reason="")
    retry = envelope("events_api", event, retry_attempt=1, retry_reason="timeout")
    client.feed(first)
    client.feed(retry)
    client.wait_ack(first["envelope_id"])
    client.wait_ack(retry["envelope_id"])
    [reply] = slack_api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == event["event"]["ts"]
    assert app.deps.wait_idle(10)
    slack_api.settle(quiet=0.3)
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_a_button_press_envelope_is_recorded_in_the_store(socket_mode, slack_api, store):
    client, app = socket_mode
    url = slack_api.response_url("btn")
    client.feed(envelope("slash_commands", sr.slash_command(AD, response_url=url).payload))
    [review] = slack_api.wait_for_response(response_id="btn")
    press = sr.block_actions("feedback-helpful", blocks=review.blocks, response_url=url)
    pressed = envelope("interactive", press.payload)
    client.feed(pressed)
    client.wait_ack(pressed["envelope_id"])
    assert app.deps.wait_idle(10)
    review_id = int(press.payload["actions"][0]["value"])
    assert [f["kind"] for f in store.feedback_for(review_id)] == ["helpful"]


def test_the_socket_mode_client_opens_its_connection_through_the_retrying_client(
    settings, store, slack_api
):
    """apps.connections.open goes through the app's client: the base URL from settings, and
    a 500 is retried by its ServerErrorRetryHandler (slack_sdk's Socket Mode client itself
    only retries a 429), so a blip at Slack doesn't stop the worker connecting."""
    settings = replace(settings, slack_app_token=APP_TOKEN)
    app = build(settings, store)
    handler = make_socket_mode_handler(app, settings)
    try:
        slack_api.server_error_next("apps.connections.open")
        assert handler.client.issue_new_wss_url() == slack_api.socket_url
        refused, opened = slack_api.calls("apps.connections.open")
        assert (refused.status, opened.status) == (500, 200)
        assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
    finally:
        handler.client.close()
        app.deps.close()
        app.deps.reviewer.close()


def test_a_conversation_in_the_assistant_panel_works_over_socket_mode(socket_mode, slack_api):
    """Thread started → greeting and prompts; a draft → status, title, one review; a
    retried delivery of "shorter" → one shorter version; all in the DM thread."""
    client, app = socket_mode
    started = sr.assistant_thread_started()
    thread_ts = started["assistant_thread"]["thread_ts"]
    draft = "BUY NOW!!! Our really lovely planner is 20% off at https://shop.example.com today."
    for event in (started, sr.dm_message(draft, thread_ts=thread_ts)):
        sent = envelope("events_api", sr.event_callback(event).payload, retry_attempt=0)
        client.feed(sent)
        client.wait_ack(sent["envelope_id"])
        assert app.deps.wait_idle(10)
    shorter = sr.event_callback(sr.dm_message("shorter", thread_ts=thread_ts)).payload
    for attempt in (0, 1):
        client.feed(envelope("events_api", shorter, retry_attempt=attempt, retry_reason=""))
    greeting, review, version = slack_api.wait_for("chat.postMessage", count=3)
    assert app.deps.wait_idle(10)
    slack_api.settle(quiet=0.3)
    assert len(slack_api.calls("chat.postMessage")) == 3
    assert {c.params["thread_ts"] for c in (greeting, review, version)} == {thread_ts}
    assert "Paste a draft" in greeting.text and "BUY NOW" in review.text
    assert "A shorter version" in version.text and "really" not in version.text
    for method in ("setSuggestedPrompts", "setTitle", "setStatus"):
        assert slack_api.calls(f"assistant.threads.{method}", ok=True)
