"""The settings modal turns watch mode on only where the bot can watch — the check
`/socialway watch on` makes — and otherwise answers with an error on the watch field,
saving nothing. Signed slash commands and view submissions over real HTTP."""

from __future__ import annotations

from tests.fakes.slack_api import ALICE, BOB, DRAFTS, ELSEWHERE
from tests.fakes.slack_requests import slash_command, view_submission

ANSWERS = {
    "playbook": "rules-of-engagement",
    "flags": ["watch", "digest"],
    "weekday": "2",
    "hour": "9",
    "timezone": "Europe/London",
}


def open_settings(running_app, slack_api, channel_id: str = DRAFTS) -> dict:
    url = running_app.response_url()
    reply = running_app.send(slash_command("settings", response_url=url, channel_id=channel_id))
    assert reply.status == 200
    [call] = slack_api.wait_for("views.open")
    slack_api.reset()
    return call.params["view"]


def refused(reply) -> str:
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["flags"]  # on the field with the watch checkbox
    return answer["errors"]["flags"]


def test_watch_on_where_the_bot_is_not_a_member_is_a_field_error(running_app, slack_api, store):
    view = open_settings(running_app, slack_api, ELSEWHERE)
    problem = refused(running_app.send(view_submission(view, ANSWERS)))
    assert "I'm not in this channel yet" in problem and "/invite @Social Way" in problem
    [check] = slack_api.calls("conversations.info")
    assert check.params["channel"] == ELSEWHERE
    saved = store.channel_settings(ELSEWHERE)
    assert (saved.watch, saved.digest_on, saved.timezone) == (False, False, "UTC")  # nothing
    running_app.wait_idle()
    assert slack_api.calls("chat.postEphemeral") == []  # no "Saved" note

    # Invited, the same answers save, watch mode included.
    slack_api.add_channel(ELSEWHERE, "announcements", members=[ALICE, BOB])
    reply = running_app.send(view_submission(view, ANSWERS))
    assert reply.status == 200 and reply.body == ""
    saved = store.channel_settings(ELSEWHERE)
    assert (saved.watch, saved.digest_on, saved.timezone) == (True, True, "Europe/London")
    [note] = slack_api.wait_for("chat.postEphemeral")
    assert "watch mode on" in note.params["text"]


def test_other_settings_save_without_a_check_when_watch_is_not_asked_for(
    running_app, slack_api, store
):
    # (the weekly digest is checked too: see tests/slack/test_audit_flow_slack.py)
    view = open_settings(running_app, slack_api, ELSEWHERE)
    reply = running_app.send(view_submission(view, {**ANSWERS, "flags": []}))
    assert reply.status == 200 and reply.body == ""
    saved = store.channel_settings(ELSEWHERE)
    assert (saved.watch, saved.digest_on, saved.llm_allowed) == (False, False, False)
    assert slack_api.calls("conversations.info") == []


def test_watch_on_where_the_bot_is_a_member_is_saved(running_app, slack_api, store):
    view = open_settings(running_app, slack_api)
    reply = running_app.send(view_submission(view, ANSWERS))
    assert reply.status == 200 and reply.body == ""
    assert store.channel_settings(DRAFTS).watch
    [check] = slack_api.calls("conversations.info")
    assert check.params["channel"] == DRAFTS


def test_a_private_channel_the_bot_cant_see_is_refused_too(running_app, slack_api, store):
    view = open_settings(running_app, slack_api, "C0SECRET")  # Slack: channel_not_found
    problem = refused(running_app.send(view_submission(view, ANSWERS)))
    assert "I'm not in this channel yet" in problem
    assert not store.channel_settings("C0SECRET").watch


def test_a_private_channel_the_bot_is_not_in_is_refused_by_what_slack_says(
    running_app, slack_api, store
):
    # Slack answers channel_not_found for a private channel the bot hasn't been invited to;
    # the id's letter is no guide (see tests/slack/test_channels.py for private channels).
    view = open_settings(running_app, slack_api, "G0PRIVATE")
    problem = refused(running_app.send(view_submission(view, ANSWERS)))
    assert "I'm not in this channel yet" in problem
    assert not store.channel_settings("G0PRIVATE").watch


def test_when_slack_cant_say_the_modal_asks_to_save_again(running_app, slack_api, store):
    view = open_settings(running_app, slack_api)
    slack_api.fail_next("conversations.info", "internal_error")
    problem = refused(running_app.send(view_submission(view, ANSWERS)))
    assert "couldn't check" in problem and "save again" in problem
    assert not store.channel_settings(DRAFTS).watch
    reply = running_app.send(view_submission(view, ANSWERS))  # Slack is back
    assert reply.status == 200 and reply.body == ""
    assert store.channel_settings(DRAFTS).watch


def test_a_slack_that_does_not_answer_still_gets_the_modal_an_answer(running_app, slack_api, store):
    view = open_settings(running_app, slack_api)
    gate = slack_api.hold("conversations.info")  # never answered while the modal waits
    try:
        problem = refused(running_app.send(view_submission(view, ANSWERS)))
    finally:
        gate.set()
    assert "couldn't check" in problem
    assert len(slack_api.calls("conversations.info")) <= 1  # no retries before the ack
    assert not store.channel_settings(DRAFTS).watch
