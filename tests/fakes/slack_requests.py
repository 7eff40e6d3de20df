"""Requests shaped like Slack's, signed exactly as Slack signs them, sent over real HTTP.

Slack signs `v0:<timestamp>:<raw body>` with HMAC-SHA256 and the app's signing secret and
sends `X-Slack-Signature: v0=<hex>` and `X-Slack-Request-Timestamp: <unix seconds>`.
Slash commands come form-encoded; Events API deliveries as `event_callback` JSON (with
`X-Slack-Retry-Num` / `X-Slack-Retry-Reason` on redelivery); interactivity (block_actions,
message_action, view_submission) as a form with one field, `payload=<json>`.

Builders return a `SlackRequest` (body + content type); `deliver()` signs and POSTs it.
Defaults name the fake workspace of tests/fakes/slack_api.py.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from .slack_api import ALICE, APP_ID, BOT_ID, BOT_USER_ID, DRAFTS, TEAM_DOMAIN, TEAM_ID

VERIFICATION_TOKEN = "legacy-verification-token"  # Slack still sends it; apps ignore it
_counter = itertools.count(1)


def new_ts() -> str:
    """A message timestamp in Slack's "seconds.micro" form, unique within the test run."""
    return f"{int(time.time())}.{900000 + next(_counter) % 100000:06d}"


def new_event_id() -> str:
    return f"Ev{uuid.uuid4().hex[:10].upper()}"


def new_trigger_id() -> str:
    return f"{next(_counter)}.{int(time.time())}.{uuid.uuid4().hex}"


@dataclass(frozen=True)
class SlackRequest:
    """One request body as Slack would send it, before signing."""

    body: bytes
    content_type: str
    kind: str  # "command" | "event" | "interactive"
    payload: dict  # the same data, parsed (for the test to read ids back)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    request: SlackRequest,
    secret: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> dict[str, str]:
    """The headers Slack sends with `request` (timestamp defaults to now)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": request.content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, request.body),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return headers


@dataclass(frozen=True)
class Delivery:
    """What the app answered, and when (monotonic clock) the answer came back."""

    status: int
    body: str
    headers: dict
    sent_at: float
    returned_at: float

    def json(self):
        return json.loads(self.body) if self.body else None


def deliver(
    url: str,
    request: SlackRequest,
    secret: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Delivery:
    """Sign `request` with `secret` and POST it to `url` over real HTTP."""
    all_headers = signed_headers(
        request, secret, timestamp=timestamp, retry_num=retry_num, retry_reason=retry_reason
    )
    all_headers.update(headers or {})
    http_request = urllib.request.Request(url, data=request.body, headers=all_headers)
    sent_at = time.monotonic()
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:
            status, body, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as failed:
        with failed:
            status, body, got = failed.code, failed.read(), dict(failed.headers)
    return Delivery(status, body.decode("utf-8", "replace"), got, sent_at, time.monotonic())


# -- slash commands -------------------------------------------------------------------


def slash_command(
    text: str,
    *,
    response_url: str,
    user_id: str = ALICE,
    channel_id: str = DRAFTS,
    channel_name: str = "drafts",
    command: str = "/socialway",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
) -> SlackRequest:
    """`/socialway <text>` as Slack posts it: application/x-www-form-urlencoded."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return SlackRequest(
        urlencode(fields).encode(), "application/x-www-form-urlencoded", "command", fields
    )


# -- Events API -----------------------------------------------------------------------


def event_callback(
    event: dict, *, event_id: str | None = None, team_id: str = TEAM_ID
) -> SlackRequest:
    """Wrap one event in the `event_callback` envelope the Events API posts."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex[:24]}",
    }
    return SlackRequest(json.dumps(envelope).encode(), "application/json", "event", envelope)


def _rich_text(text: str) -> list[dict]:
    return [
        {
            "type": "rich_text",
            "block_id": uuid.uuid4().hex[:5],
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


def human_message(
    text: str,
    *,
    user: str = ALICE,
    channel: str = DRAFTS,
    ts: str | None = None,
    thread_ts: str | None = None,
    parent_user_id: str | None = None,
) -> dict:
    """A `message` event a person wrote (top-level, or a reply when `thread_ts` is given)."""
    ts = ts or new_ts()
    event = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": _rich_text(text),
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = parent_user_id or user
    return event


def app_mention(
    draft: str,
    *,
    user: str = ALICE,
    channel: str = DRAFTS,
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_user_id: str = BOT_USER_ID,
) -> dict:
    """`@Social Way <draft>`: Slack writes the mention as `<@BOT>` at the start of `text`."""
    text = f"<@{bot_user_id}> {draft}".rstrip()
    event = human_message(text, user=user, channel=channel, ts=ts, thread_ts=thread_ts)
    event["type"] = "app_mention"
    event.pop("channel_type")
    return event


def bot_message(text: str, *, channel: str = DRAFTS, bot_id: str = "B0OTHERBOT") -> dict:
    """A message from another integration (legacy `bot_message` subtype)."""
    ts = new_ts()
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": text,
        "ts": ts,
        "username": "Release Notes",
        "bot_id": bot_id,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }


def own_message(text: str, *, channel: str = DRAFTS, thread_ts: str | None = None) -> dict:
    """A message Social Way itself posted, echoed back by the Events API (no subtype)."""
    ts = new_ts()
    event = {
        "type": "message",
        "text": text,
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "ts": ts,
        "team": TEAM_ID,
        "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": "Social Way"},
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_changed(original: dict, new_text: str) -> dict:
    """Someone edited `original` (a message event): the `message_changed` subtype."""
    event_ts = new_ts()
    edited = dict(original, text=new_text, edited={"user": original.get("user"), "ts": event_ts})
    edited.pop("channel", None)
    edited.pop("event_ts", None)
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": edited,
        "previous_message": {k: v for k, v in original.items() if k not in ("channel",)},
        "channel": original.get("channel", DRAFTS),
        "hidden": True,
        "ts": event_ts,
        "event_ts": event_ts,
        "channel_type": "channel",
    }


def channel_join(user: str = ALICE, *, channel: str = DRAFTS) -> dict:
    ts = new_ts()
    return {
        "type": "message",
        "subtype": "channel_join",
        "user": user,
        "text": f"<@{user}> has joined the channel",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }


# -- interactivity (payload=<json>) -----------------------------------------------------


def _interactive(payload: dict) -> SlackRequest:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return SlackRequest(body, "application/x-www-form-urlencoded", "interactive", payload)


def _user(user_id: str) -> dict:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _element_from(message_blocks: list[dict], action_id: str, value: str | None) -> dict:
    """The button or select the person used, looked up in the blocks the app sent."""
    for block in message_blocks or []:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") != action_id:
                continue
            if element.get("type") == "static_select":
                options = [o for o in element.get("options", []) if o["value"] == value]
                if value is None or options:
                    return dict(element, block_id=block.get("block_id", ""), _chosen=options)
            elif value is None or element.get("value") == value:
                return dict(element, block_id=block.get("block_id", ""))
    raise AssertionError(f"no element {action_id!r} (value {value!r}) in the blocks the app sent")


def _action(element: dict) -> dict:
    action = {
        "action_id": element["action_id"],
        "block_id": element["block_id"],
        "type": element.get("type", "button"),
        "action_ts": new_ts(),
    }
    if action["type"] == "static_select":
        chosen = element.get("_chosen") or element.get("options", [])[:1]
        action["selected_option"] = chosen[0]
        action["placeholder"] = element.get("placeholder")
    else:
        action["text"] = element.get("text", {"type": "plain_text", "text": ""})
        action["value"] = element.get("value", "")
        if element.get("style"):
            action["style"] = element["style"]
    return action


def block_actions(
    action_id: str,
    *,
    blocks: list[dict],
    value: str | None = None,
    user_id: str = ALICE,
    channel_id: str = DRAFTS,
    message: dict | None = None,
    message_ts: str | None = None,
    response_url: str | None = None,
) -> SlackRequest:
    """A button press (or select choice) on a message the app sent.

    The element is found by `action_id` in `blocks` as the app sent them; `value` picks a
    button by value or a select's option by value.

    Pass `message` (the message as Slack stores it) for a message in a channel; leave it out
    for an ephemeral message, which Slack sends with `container.is_ephemeral` and no message.
    """
    element = _element_from(blocks, action_id, value)
    ts = (message or {}).get("ts") or message_ts or new_ts()
    payload = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": message is None,
        },
        "trigger_id": new_trigger_id(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "drafts"},
        "state": {"values": {}},
        "actions": [_action(element)],
    }
    if message is not None:
        payload["message"] = message
    if response_url:
        payload["response_url"] = response_url
    return _interactive(payload)


def tone_choice(
    message: dict, review_id: int, tone: str, *, response_url: str, user_id: str = ALICE
) -> SlackRequest:
    """A choice of `tone` in the *Another tone* menu of a review message in a channel."""
    return block_actions(
        "another-tone",
        blocks=message["blocks"],
        value=f"{review_id}|{tone}",
        message=message,
        user_id=user_id,
        response_url=response_url,
    )


def message_action(
    message: dict,
    *,
    callback_id: str = "review-message",
    user_id: str = ALICE,
    channel_id: str = DRAFTS,
    response_url: str,
) -> SlackRequest:
    """The message shortcut "Review with Social Way" chosen on `message`."""
    payload = {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": new_ts(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id),
        "channel": {"id": channel_id, "name": "drafts"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": {k: v for k, v in message.items() if k not in ("channel", "event_ts")},
    }
    return _interactive(payload)


def input_values(view: dict, answers: dict[str, str]) -> dict:
    """`view.state.values` for a submitted modal: fill the view's inputs from `answers`.

    `answers` maps a block_id or action_id (as the app named them) to the typed text or the
    chosen option value; inputs not named stay empty, as Slack sends them.
    """
    values: dict = {}
    for block in view.get("blocks", []):
        element = block.get("element")
        if block.get("type") != "input" or not element:
            continue
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        answer = answers.get(block_id, answers.get(action_id))
        kind = element.get("type")
        if kind in ("static_select", "radio_buttons", "external_select"):
            chosen = None
            if answer is not None:
                options = element.get("options") or [
                    o for g in element.get("option_groups", []) for o in g["options"]
                ]
                matches = [o for o in options if o.get("value") == answer]
                assert matches, f"{answer!r} is not an option of {block_id}/{action_id}"
                chosen = matches[0]
            elif element.get("initial_option"):
                chosen = element["initial_option"]
            state = {"type": kind, "selected_option": chosen}
        elif kind == "checkboxes":  # answer: the ticked values, a list or "a,b"
            if answer is None:
                ticked = element.get("initial_options") or []
            else:
                wanted = answer.split(",") if isinstance(answer, str) else list(answer)
                ticked = [o for o in element.get("options", []) if o.get("value") in wanted]
            state = {"type": kind, "selected_options": ticked}
        else:
            if answer is None:
                answer = element.get("initial_value")
            state = {"type": kind, "value": answer}
        values.setdefault(block_id, {})[action_id] = state
    return values


def view_submission(
    view: dict,
    answers: dict[str, str],
    *,
    user_id: str = ALICE,
    view_id: str = "V0000001",
) -> SlackRequest:
    """Submit the modal `view` (as the app opened it) with `answers` typed into its inputs."""
    submitted = {
        "id": view.get("id", view_id),
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": input_values(view, answers)},
        "hash": f"{int(time.time())}.abcd",
        "title": view.get("title"),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": None,
        "root_view_id": view.get("id", view_id),
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _interactive(payload)


# -- direct messages and the assistant panel (shapes from bolt-python's assistant tests) --


def dm_channel(user: str = ALICE) -> str:
    """The DM between `user` and the app, as the fake names it (U0ALICE -> D0ALICE)."""
    return "D" + user[1:]


def dm_message(
    text: str, *, user: str = ALICE, ts: str | None = None, thread_ts: str | None = None
) -> dict:
    """A `message.im` event: a person writing to the app in its Messages tab (a reply in a
    thread when `thread_ts` is given, as in the assistant panel)."""
    event = human_message(text, user=user, channel=dm_channel(user), ts=ts, thread_ts=thread_ts)
    event["channel_type"] = "im"
    event["user_team"] = TEAM_ID
    return event


def own_dm_message(text: str, *, user: str = ALICE, thread_ts: str | None = None) -> dict:
    """The app's own message in the DM, echoed back by the Events API."""
    event = own_message(text, channel=dm_channel(user), thread_ts=thread_ts)
    event["channel_type"] = "im"
    return event


def _assistant_thread(kind: str, user: str, thread_ts: str, in_view: str | None) -> dict:
    context = {"channel_id": in_view, "team_id": TEAM_ID, "enterprise_id": None}
    return {
        "type": kind,
        "assistant_thread": {
            "user_id": user,
            "context": context if in_view else {},
            "channel_id": dm_channel(user),
            "thread_ts": thread_ts,
        },
        "event_ts": new_ts(),
    }


def assistant_thread_started(
    *, user: str = ALICE, thread_ts: str | None = None, in_view: str | None = DRAFTS
) -> dict:
    """Someone opened a new thread in the assistant panel, looking at channel `in_view`."""
    return _assistant_thread("assistant_thread_started", user, thread_ts or new_ts(), in_view)


def assistant_thread_context_changed(
    *, user: str = ALICE, thread_ts: str, in_view: str | None
) -> dict:
    """The person moved to another channel with the panel open."""
    return _assistant_thread("assistant_thread_context_changed", user, thread_ts, in_view)


def assistant_title_changed(*, user: str = ALICE, thread_ts: str, title: str) -> dict:
    """Slack editing the panel thread's root message after assistant.threads.setTitle:
    a `message_changed` whose message has the `assistant_app_thread` subtype."""
    root = {
        "type": "message",
        "subtype": "assistant_app_thread",
        "text": "New chat",
        "user": user,
        "thread_ts": thread_ts,
        "ts": thread_ts,
        "edited": {},
        "reply_count": 2,
        "assistant_app_thread": {"title": title, "title_blocks": [], "artifacts": []},
    }
    ts = new_ts()
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": root,
        "previous_message": {k: v for k, v in root.items() if k != "assistant_app_thread"},
        "channel": dm_channel(user),
        "hidden": True,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }
