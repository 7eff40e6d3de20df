"""The channel settings modal driven as a person would: `/socialway settings` opens it,
a view submission saves it; `refused` reads the field error Slack would show."""

from __future__ import annotations

from tests.fakes.slack_api import DRAFTS
from tests.fakes.slack_requests import slash_command

ANSWERS = {
    "playbook": "rules-of-engagement",
    "flags": ["watch", "digest"],
    "weekday": "2",
    "hour": "9",
    "timezone": "Europe/London",
}


def open_settings(running_app, slack_api, channel_id: str = DRAFTS) -> dict:
    """The settings view the app opened for `channel_id` (the fake's calls reset after)."""
    url = running_app.response_url()
    reply = running_app.send(slash_command("settings", response_url=url, channel_id=channel_id))
    assert reply.status == 200
    [call] = slack_api.wait_for("views.open")
    slack_api.reset()
    return call.params["view"]


def refused(reply) -> str:
    """The error a submission was answered with, on the field with the watch checkbox."""
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["flags"]  # on the field with the watch checkbox
    return answer["errors"]["flags"]
