"""The test doubles themselves: the fake Web API answers slack_sdk like Slack does, fails on
request, and our signed requests pass slack_sdk's own signature verifier."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import (
    ALICE,
    BOT_USER_ID,
    CAROL,
    DRAFTS,
    ELSEWHERE,
    FakeSlackAPI,
    rate_limited,
    slow,
)


@pytest.fixture
def client(slack_api):
    return WebClient(
        token=BOT_TOKEN,
        base_url=slack_api.api_url,
        timeout=2,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def test_auth_test_and_post_message_are_recorded_with_params_and_headers(slack_api, client):
    me = client.auth_test()
    assert me["user_id"] == BOT_USER_ID
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    posted = client.chat_postMessage(channel=DRAFTS, text="hi", blocks=blocks, thread_ts="1.2")
    assert posted["ok"] and posted["message"]["thread_ts"] == "1.2"
    [call] = slack_api.calls("chat.postMessage")
    assert call.params["blocks"] == blocks  # parsed back from JSON
    assert call.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert [c.method for c in slack_api.calls()] == ["auth.test", "chat.postMessage"]


def test_wrong_token_is_refused(slack_api):
    bad = WebClient(token="xoxb-wrong", base_url=slack_api.api_url, timeout=2)
    with pytest.raises(SlackApiError) as raised:
        bad.auth_test()
    assert raised.value.response["error"] == "invalid_auth"


def test_posted_messages_come_back_in_replies_and_history(slack_api, client):
    parent = slack_api.add_message(DRAFTS, "Our launch is live", user=ALICE)
    reply = client.chat_postMessage(channel=DRAFTS, text="review", thread_ts=parent["ts"])
    thread = client.conversations_replies(channel=DRAFTS, ts=parent["ts"])
    assert [m["ts"] for m in thread["messages"]] == [parent["ts"], reply["ts"]]
    one = client.conversations_history(channel=DRAFTS, latest=parent["ts"], inclusive=True, limit=1)
    assert one["messages"][0]["text"] == "Our launch is live"
    updated = client.chat_update(channel=DRAFTS, ts=reply["ts"], text="better review")
    assert updated["message"]["text"] == "better review"


def test_not_in_channel_is_realistic_and_scriptable(slack_api, client):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=ELSEWHERE, text="hello")
    assert raised.value.response["error"] == "not_in_channel"
    slack_api.fail_next("chat.postMessage", "msg_too_long")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=DRAFTS, text="x")
    assert client.chat_postMessage(channel=DRAFTS, text="x")["ok"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postEphemeral(channel=DRAFTS, user=CAROL, text="x")
    assert raised.value.response["error"] == "user_not_in_channel"


def test_429_with_retry_after_then_success(slack_api, client):
    slack_api.script("chat.postMessage", rate_limited(retry_after=1))
    assert client.chat_postMessage(channel=DRAFTS, text="after the wait")["ok"]
    first, second = slack_api.calls("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0  # the client honoured Retry-After


def test_500_then_success(slack_api, client):
    slack_api.server_error_next("chat.update", times=1)
    message = client.chat_postMessage(channel=DRAFTS, text="v1")
    assert client.chat_update(channel=DRAFTS, ts=message["ts"], text="v2")["ok"]
    assert [c.status for c in slack_api.calls("chat.update")] == [500, 200]


def test_slow_answer_times_the_client_out(slack_api):
    impatient = WebClient(token=BOT_TOKEN, base_url=slack_api.api_url, timeout=1)
    slack_api.script("auth.test", slow(3))
    with pytest.raises(TimeoutError):
        impatient.auth_test()


def test_response_url_posts_are_recorded(slack_api):
    url = slack_api.response_url("abc")
    WebhookClient(url, timeout=2).send(text="only you can see this", response_type="ephemeral")
    [posted] = slack_api.wait_for_response(response_id="abc")
    assert posted.params["text"] == "only you can see this"
    assert posted.params["response_type"] == "ephemeral"


def test_views_open_needs_a_trigger_and_echoes_the_view(slack_api, client):
    view = {"type": "modal", "callback_id": "review-draft", "title": {"type": "plain_text",
            "text": "Review"}, "blocks": [], "private_metadata": "{}"}  # fmt: skip
    opened = client.views_open(trigger_id="1.2.3", view=view)
    assert opened["view"]["callback_id"] == "review-draft"
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id="", view=view)


def test_wait_for_reports_what_arrived_when_the_deadline_passes(slack_api, client):
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        slack_api.wait_for("chat.postMessage", timeout=0.2)


def test_wait_for_wakes_when_a_call_arrives_from_another_thread(slack_api, client):
    worker = threading.Thread(target=lambda: (time.sleep(0.2), client.auth_test()))
    worker.start()
    assert slack_api.wait_for("auth.test", timeout=5)
    worker.join()


def test_settle_waits_for_quiet(slack_api, client):
    client.auth_test()
    calls = slack_api.settle(quiet=0.2)
    assert [c.method for c in calls] == ["auth.test"]


def test_stop_is_clean_even_with_a_slow_answer_in_flight():
    fake = FakeSlackAPI(token=BOT_TOKEN).start()
    fake.script("auth.test", slow(30))
    impatient = WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=1)
    with pytest.raises(TimeoutError):
        impatient.auth_test()
    fake.stop()  # the sleeping answer wakes and ends; no ResourceWarning under -W error


# -- signed requests --------------------------------------------------------------------


def _verify(request: sr.SlackRequest, **signing) -> bool:
    headers = sr.signed_headers(request, SIGNING_SECRET, **signing)
    return SignatureVerifier(SIGNING_SECRET).is_valid_request(request.body, headers)


def test_signatures_pass_slack_sdk_verifier_and_fail_when_wrong():
    command = sr.slash_command("BUY NOW", response_url="http://127.0.0.1:1/response/x")
    assert _verify(command)
    assert not _verify(command, timestamp=int(time.time()) - 6 * 60)
    headers = sr.signed_headers(command, "0" * 32)
    assert not SignatureVerifier(SIGNING_SECRET).is_valid_request(command.body, headers)


def test_slash_command_is_form_encoded_like_slack():
    command = sr.slash_command("hello & <b>", response_url="http://h/response/1")
    fields = {k: v[0] for k, v in parse_qs(command.body.decode()).items()}
    assert fields["command"] == "/socialway" and fields["text"] == "hello & <b>"
    assert {"trigger_id", "team_id", "channel_id", "user_id", "api_app_id"} <= set(fields)


def test_interactive_payload_is_one_json_form_field():
    blocks = [
        {
            "type": "actions",
            "block_id": "review-actions",
            "elements": [{"type": "button", "action_id": "feedback-helpful", "value": "7"}],
        }
    ]
    pressed = sr.block_actions("feedback-helpful", blocks=blocks, response_url="http://h/r/1")
    [raw] = parse_qs(pressed.body.decode())["payload"]
    payload = json.loads(raw)
    assert payload["actions"][0]["value"] == "7"
    assert payload["actions"][0]["block_id"] == "review-actions"
    assert payload["container"]["is_ephemeral"] is True
    with pytest.raises(AssertionError):
        sr.block_actions("mute-rule", blocks=blocks)


def test_view_submission_fills_the_inputs_the_view_has():
    view = {
        "callback_id": "review-draft",
        "private_metadata": '{"channel_id": "C1"}',
        "blocks": [
            {
                "type": "input",
                "block_id": "draft",
                "element": {"type": "plain_text_input", "action_id": "draft"},
            },
            {
                "type": "input",
                "block_id": "platform",
                "element": {
                    "type": "static_select",
                    "action_id": "platform",
                    "options": [{"text": {"type": "plain_text", "text": "X"}, "value": "x"}],
                },
            },
        ],
    }
    submitted = sr.view_submission(view, {"draft": "Hello", "platform": "x"})
    values = submitted.payload["view"]["state"]["values"]
    assert values["draft"]["draft"] == {"type": "plain_text_input", "value": "Hello"}
    assert values["platform"]["platform"]["selected_option"]["value"] == "x"
    with pytest.raises(AssertionError):
        sr.view_submission(view, {"platform": "myspace"})


def test_ping_problems_catches_what_would_notify_people(slack_api, client):
    client.chat_postMessage(channel=DRAFTS, text="fine: @\u2060here and &lt;!channel&gt;")
    assert slack_api.ping_problems(allowed_mentions={ALICE}) == []
    client.chat_postMessage(channel=DRAFTS, text="<!here> look", link_names=True)
    client.chat_postMessage(channel=DRAFTS, text="cc <@U0BOB|bob>")
    problems = slack_api.ping_problems(allowed_mentions={ALICE})
    assert any("<!here>" in p for p in problems)
    assert any("link_names" in p for p in problems)
    assert any("<@U0BOB>" in p for p in problems)
