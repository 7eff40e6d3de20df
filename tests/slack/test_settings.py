"""The channel settings modal (`/socialway settings`): watch mode and the digest are
switched on only where the bot can watch and post — the check `/socialway watch on` makes —
and otherwise the answer is an error on that field, saving nothing. Signed slash commands
and view submissions over real HTTP."""

from __future__ import annotations

from tests.fakes.settings_modal import ANSWERS, open_settings, refused
from tests.fakes.slack_api import ALICE, BOB, DRAFTS, ELSEWHERE
from tests.fakes.slack_requests import slash_command, view_submission


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
    # (the weekly digest is checked too: see the digest section below)
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


# -- the digest -----------------------------------------------------------------------------


def _submit_settings(running_app, slack_api, channel: str, flags: str):
    url = running_app.response_url(f"settings-{channel}")
    running_app.send(slash_command("settings", response_url=url, channel_id=channel))
    opened = slack_api.wait_for("views.open", where=lambda c: channel in c.sent_text())[-1]
    view = opened.answer["view"]
    return running_app.send(view_submission(view, {"flags": flags, "weekday": "0"}))


def test_a_digest_switched_on_where_the_bot_is_absent_is_refused(running_app, slack_api, store):
    refused = _submit_settings(running_app, slack_api, ELSEWHERE, "digest")
    assert refused.status == 200
    body = refused.json()
    assert body["response_action"] == "errors"
    assert "/invite @Social Way" in body["errors"]["flags"]
    assert "digest" in body["errors"]["flags"]
    running_app.wait_idle()
    assert not store.channel_settings(ELSEWHERE).digest_on
    saved = _submit_settings(running_app, slack_api, DRAFTS, "digest")
    assert saved.status == 200 and not saved.body.strip()
    running_app.wait_idle()
    assert store.channel_settings(DRAFTS).digest_on
