"""Private channels and group DMs, as Slack says they are (conversations.info), never guessed
from the id: a private channel converted from public keeps its C id. The fake Slack grants
the manifest's scopes and answers missing_scope as Slack does when a read needs one it
lacks (an install made before the scope was added). Signed requests over real HTTP."""

from __future__ import annotations

from tests.fakes import slack_requests as sr
from tests.fakes.settings_modal import ANSWERS, open_settings, refused
from tests.fakes.slack_api import ALICE, BOB

CONVERTED = "C0WASPUBLIC"  # a private channel that was public: its id still starts with C
GROUP_DM = "C0GROUPDM"  # a group DM (mpim)


def private_channel(slack_api, channel=CONVERTED):
    slack_api.add_channel(channel, "launch-plans", members=[ALICE, BOB], kind="private")


def test_the_manifest_asks_for_private_channels_and_group_dm_threads(slack_api):
    assert {"groups:read", "groups:history", "mpim:history"} <= slack_api.scopes


def test_settings_switch_the_digest_and_watch_on_in_a_private_channel(
    running_app, slack_api, store
):
    private_channel(slack_api)
    view = open_settings(running_app, slack_api, CONVERTED)
    reply = running_app.send(sr.view_submission(view, ANSWERS))
    assert reply.status == 200 and reply.body == ""
    saved = store.channel_settings(CONVERTED)
    assert (saved.watch, saved.digest_on) == (True, True)
    assert [c.ok for c in slack_api.calls("conversations.info")] == [True]


def test_an_install_without_groups_read_is_told_what_to_do_not_sorry(running_app, slack_api, store):
    private_channel(slack_api)
    slack_api.scopes.discard("groups:read")
    view = open_settings(running_app, slack_api, CONVERTED)
    problem = refused(running_app.send(sr.view_submission(view, ANSWERS)))
    assert "permission" in problem and "reinstall Social Way" in problem
    [call] = slack_api.calls("conversations.info")
    assert call.answer["error"] == "missing_scope"
    assert not store.channel_settings(CONVERTED).digest_on


def test_watch_on_in_a_private_channel_converted_from_public(running_app, slack_api, store):
    private_channel(slack_api)
    url = running_app.response_url("on")
    running_app.send(sr.slash_command("watch on", response_url=url, channel_id=CONVERTED))
    [said] = slack_api.wait_for_response(response_id="on")
    running_app.wait_idle()
    assert "Watch mode is on" in said.text
    assert store.channel_settings(CONVERTED).watch
    assert all(c.ok for c in slack_api.calls() if c.method.startswith("conversations."))


def test_watch_on_with_an_old_install_names_the_permission(running_app, slack_api, store):
    private_channel(slack_api)
    slack_api.scopes.discard("groups:read")
    url = running_app.response_url("old")
    running_app.send(sr.slash_command("watch on", response_url=url, channel_id=CONVERTED))
    [said] = slack_api.wait_for_response(response_id="old")
    running_app.wait_idle()
    assert "permission" in said.text and "reinstall" in said.text
    assert "something went wrong" not in said.text
    assert not store.channel_settings(CONVERTED).watch


def test_watch_mode_and_digest_are_refused_plainly_in_a_group_dm(running_app, slack_api, store):
    slack_api.add_channel(GROUP_DM, "mpdm-alice--bob-1", members=[ALICE, BOB], kind="mpim")
    slack_api.scopes.add("mpim:read")  # so the refusal is ours, not Slack's
    url = running_app.response_url("mpim")
    running_app.send(sr.slash_command("watch on", response_url=url, channel_id=GROUP_DM))
    [said] = slack_api.wait_for_response(response_id="mpim")
    assert "not in DMs or group DMs" in said.text
    view = open_settings(running_app, slack_api, GROUP_DM)
    problem = refused(running_app.send(sr.view_submission(view, ANSWERS)))
    assert "not in DMs or group DMs" in problem
    running_app.wait_idle()
    assert not store.channel_settings(GROUP_DM).watch


def test_a_watched_private_channel_gets_its_reviews(running_app, slack_api, store):
    private_channel(slack_api)
    store.update_channel_settings(CONVERTED, watch=True)
    event = sr.human_message("BUY NOW!!! Only 3 left", channel=CONVERTED)
    event["channel_type"] = "group"  # message.groups, as Slack sends it
    assert running_app.send(sr.event_callback(event)).status == 200
    [review] = slack_api.wait_for("chat.postMessage")
    assert review.ok and review.params["thread_ts"] == event["ts"]
    assert review.params["channel"] == CONVERTED


def test_a_mention_in_a_group_dm_thread_reviews_its_first_message(running_app, slack_api):
    slack_api.add_channel(GROUP_DM, "mpdm-alice--bob-1", members=[ALICE, BOB], kind="mpim")
    parent = slack_api.add_message(GROUP_DM, "BUY NOW!!! Only 3 left", user=ALICE)
    mention = sr.app_mention("", channel=GROUP_DM, thread_ts=parent["ts"])
    assert running_app.send(sr.event_callback(mention)).status == 200
    [replies] = slack_api.wait_for("conversations.replies")
    assert replies.ok
    [review] = slack_api.wait_for("chat.postMessage")
    assert review.params["thread_ts"] == parent["ts"] and "BUY NOW" in review.text


def test_a_group_dm_mention_on_an_old_install_names_the_permission(running_app, slack_api):
    slack_api.add_channel(GROUP_DM, "mpdm-alice--bob-1", members=[ALICE, BOB], kind="mpim")
    slack_api.scopes.discard("mpim:history")
    parent = slack_api.add_message(GROUP_DM, "BUY NOW!!! Only 3 left", user=ALICE)
    mention = sr.app_mention("", channel=GROUP_DM, thread_ts=parent["ts"])
    running_app.send(sr.event_callback(mention))
    running_app.wait_idle()
    said = [c.text for c in slack_api.calls() if c.method.startswith("chat.")]
    assert said and "permission" in said[0] and "reinstall" in said[0]


# -- a settings form whose private_metadata came back damaged ---------------------------------


def test_damaged_private_metadata_gets_a_friendly_error_and_saves_nothing(
    running_app, slack_api, store
):
    view = open_settings(running_app, slack_api)
    for damaged in ("{not json", "[1, 2]", '{"channel_id": "<!channel>"}', '"C0DRAFTS"'):
        reply = running_app.send(sr.view_submission({**view, "private_metadata": damaged}, ANSWERS))
        problem = refused(reply)
        assert "run /socialway settings in the channel again" in problem
    running_app.wait_idle()
    assert not store.channel_settings("C0DRAFTS").watch
    assert slack_api.calls("conversations.info") == []
