"""`/socialway settings`: the channel's settings modal, its round trip and its field errors."""

from tests.fakes.slack_api import ALICE, DRAFTS
from tests.fakes.slack_requests import slash_command, view_submission


def open_settings(running_app, slack_api) -> dict:
    reply = running_app.send(slash_command("settings", response_url=running_app.response_url()))
    assert reply.status == 200
    [call] = slack_api.wait_for("views.open")
    slack_api.reset()
    return call.params["view"]


def test_settings_modal_round_trip(running_app, slack_api, store):
    view = open_settings(running_app, slack_api)
    assert view["callback_id"] == "channel-settings"
    assert "<#C0DRAFTS>" in view["blocks"][0]["text"]["text"]
    answers = {
        "playbook": "rules-of-engagement",
        "flags": ["watch", "digest"],  # AI engine not allowed here
        "weekday": "4",
        "hour": "16",
        "timezone": "America/New_York",
    }
    reply = running_app.send(view_submission(view, answers))
    assert reply.status == 200 and reply.body == ""  # closes the modal
    saved = store.channel_settings(DRAFTS)
    assert (saved.playbook, saved.watch, saved.llm_allowed, saved.digest_on) == (
        "rules-of-engagement",
        True,
        False,
        True,
    )
    assert (saved.digest_weekday, saved.digest_hour, saved.timezone) == (4, 16, "America/New_York")
    [note] = slack_api.wait_for("chat.postEphemeral")
    assert note.params["user"] == ALICE
    assert "Saved for <#C0DRAFTS>" in note.params["text"]
    assert "Fridays at 16:00 (America/New_York)" in note.params["text"]

    again = open_settings(running_app, slack_api)  # the form shows what was saved
    by_block = {b.get("block_id"): b for b in again["blocks"]}
    assert by_block["weekday"]["element"]["initial_option"]["value"] == "4"
    assert by_block["hour"]["element"]["initial_option"]["value"] == "16"
    assert by_block["timezone"]["element"]["initial_value"] == "America/New_York"
    ticked = [o["value"] for o in by_block["flags"]["element"]["initial_options"]]
    assert ticked == ["watch", "digest"]


def test_unknown_timezone_is_a_field_error_and_nothing_changes(running_app, slack_api, store):
    view = open_settings(running_app, slack_api)
    reply = running_app.send(view_submission(view, {"timezone": "Mars/Olympus_Mons"}))
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "IANA name like Europe/London" in answer["errors"]["timezone"]
    assert store.channel_settings(DRAFTS).timezone == "UTC"  # unchanged
    assert slack_api.calls("chat.postEphemeral") == []


def test_settings_outside_a_channel_says_where_to_run_it(running_app, slack_api):
    url = running_app.response_url("R0DM")
    running_app.send(slash_command("settings", response_url=url, channel_id="D0ALICEDM"))
    [answer] = slack_api.wait_for_response(response_id="R0DM")
    assert "in the channel you want to set up" in answer.sent_text()
    assert slack_api.calls("views.open") == []
