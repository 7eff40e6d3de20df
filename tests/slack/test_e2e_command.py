"""/socialway end to end: signed slash commands over real HTTP to the real Bolt app, answers
read at the fake Slack API (response_url posts, views.open, chat.postEphemeral)."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, CAROL, DRAFTS, ELSEWHERE, block_kit_problems

AD = "BUY NOW!!! Only 3 left, act now. Like and share to win! Our industry-leading solution."


def test_draft_is_acked_at_once_then_reviewed_privately_via_response_url(running_app, slack_api):
    gate = slack_api.hold("response_url")  # the reply can't arrive until we say so
    url = running_app.response_url("cmd1")
    ack = running_app.send(sr.slash_command(AD, response_url=url))
    assert ack.status == 200  # acked while the review was still on its way
    slack_api.wait_held("response_url")
    gate.set()
    [posted] = slack_api.wait_for_response(response_id="cmd1")
    assert posted.ok
    assert posted.params["response_type"] == "ephemeral"
    assert "BUY NOW" in posted.text  # the finding quotes the draft
    assert posted.params["text"]  # a plain fallback for notifications
    assert not slack_api.calls("chat.postMessage")  # nothing public
    running_app.wait_idle()
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert (row["surface"], row["visibility"], row["user_id"]) == ("command", "private", ALICE)
    assert row["draft"] == AD and row["human_score"] < 80


def test_alone_it_opens_the_review_modal_and_the_submission_is_answered_privately(
    running_app, slack_api
):
    command = sr.slash_command("", response_url=running_app.response_url())
    assert running_app.send(command).status == 200
    [opened] = slack_api.wait_for("views.open")
    assert opened.params["trigger_id"] == command.payload["trigger_id"]
    view = opened.params["view"]
    assert view["callback_id"] == "review-draft"
    assert json.loads(view["private_metadata"])["channel_id"] == DRAFTS

    submission = sr.view_submission(view, {"draft": AD, "platform": "x"})
    ack = running_app.send(submission)
    assert ack.status == 200
    assert not (ack.body and json.loads(ack.body).get("response_action") == "errors")
    [ephemeral] = slack_api.wait_for("chat.postEphemeral")
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == (DRAFTS, ALICE)
    assert "BUY NOW" in ephemeral.text
    assert not slack_api.calls("chat.postMessage")
    running_app.wait_idle()
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert (row["surface"], row["visibility"], row["platform"]) == ("modal", "private", "x")


def test_an_empty_modal_draft_is_refused_in_the_modal(running_app, slack_api):
    running_app.send(sr.slash_command("", response_url=running_app.response_url()))
    [opened] = slack_api.wait_for("views.open")
    ack = running_app.send(sr.view_submission(opened.params["view"], {"draft": "   "}))
    assert ack.status == 200
    answer = json.loads(ack.body)
    assert answer["response_action"] == "errors" and answer["errors"]


def test_help_explains_itself_in_a_few_lines(running_app, slack_api):
    url = running_app.response_url("help")
    assert running_app.send(sr.slash_command("help", response_url=url)).status == 200
    [posted] = slack_api.wait_for_response(response_id="help")
    assert posted.params.get("response_type", "ephemeral") == "ephemeral"
    assert "/socialway" in posted.text and "watch" in posted.text
    assert 2 <= posted.text.count("\n") + 1 <= 20
    running_app.wait_idle()
    assert running_app.app.deps.store.db["reviews"].count == 0  # help is not a draft


def test_watch_on_then_off_by_a_channel_member(running_app, slack_api, store):
    url = running_app.response_url("on")
    assert running_app.send(sr.slash_command("watch on", response_url=url)).status == 200
    [said] = slack_api.wait_for_response(response_id="on")
    assert "thread" in said.text.lower()  # says what it will do
    running_app.wait_idle()
    assert store.channel_settings(DRAFTS).watch is True
    assert slack_api.calls("conversations.members")

    url = running_app.response_url("off")
    running_app.send(sr.slash_command("watch off", response_url=url))
    slack_api.wait_for_response(response_id="off")
    running_app.wait_idle()
    assert store.channel_settings(DRAFTS).watch is False


def test_watch_is_refused_to_someone_outside_the_channel(running_app, slack_api, store):
    url = running_app.response_url("carol")
    running_app.send(sr.slash_command("watch on", response_url=url, user_id=CAROL))
    [said] = slack_api.wait_for_response(response_id="carol")
    assert "member" in said.text.lower()
    running_app.wait_idle()
    assert store.channel_settings(DRAFTS).watch is False


def test_watch_in_a_channel_without_the_bot_says_how_to_invite_it(running_app, slack_api, store):
    url = running_app.response_url("nobot")
    command = sr.slash_command("watch on", response_url=url, channel_id=ELSEWHERE)
    running_app.send(command)
    [said] = slack_api.wait_for_response(response_id="nobot")
    assert "/invite" in said.text
    running_app.wait_idle()
    assert store.channel_settings(ELSEWHERE).watch is False


def test_bad_signature_gets_401_and_nothing_runs(running_app, slack_api):
    slack_api.reset()
    command = sr.slash_command(AD, response_url=running_app.response_url())
    refused = running_app.send(command, secret="0" * 32)
    assert refused.status == 401
    forged = sr.SlackRequest(command.body + b"&x=1", command.content_type, "command", {})
    signed_for_other_body = sr.signed_headers(command, running_app.settings.slack_signing_secret)
    tampered = running_app.send(forged, headers=signed_for_other_body)
    assert tampered.status == 401
    running_app.wait_idle()
    assert slack_api.settle(quiet=0.3) == []
    assert running_app.app.deps.store.db["reviews"].count == 0


def test_timestamp_older_than_five_minutes_gets_401(running_app, slack_api):
    slack_api.reset()
    command = sr.slash_command(AD, response_url=running_app.response_url())
    refused = running_app.send(command, timestamp=int(time.time()) - 5 * 60 - 30)
    assert refused.status == 401
    running_app.wait_idle()
    assert slack_api.settle(quiet=0.3) == []
    assert running_app.app.deps.store.db["reviews"].count == 0


def _huge_draft(size: int = 40_000) -> str:
    sentences = [
        "BUY NOW!!! ",
        "Act now, only 3 left! ",
        "Like and share to win. ",
        "Our industry-leading, world-class solutions leverage synergy. ",
        "We apologize for any inconvenience. ",
        "DON'T MISS OUT on our revolutionary product!!! ",
        "Tag 3 friends and follow us. ",
        "#sale #deal #buy #now #wow #omg ",
    ]
    text = ""
    while len(text) < size:
        text += sentences[len(text) % len(sentences)]
    return text[:size]


def test_a_huge_draft_is_summarised_within_block_kit_limits(running_app, slack_api):
    draft = _huge_draft()
    url = running_app.response_url("huge")
    assert running_app.send(sr.slash_command(draft, response_url=url)).status == 200
    [posted] = slack_api.wait_for_response(response_id="huge", timeout=15)
    assert posted.ok, posted.answer
    blocks = posted.blocks
    assert 0 < len(blocks) <= 50
    assert block_kit_problems(posted.params) == []
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75
    running_app.wait_idle()
    [row] = running_app.app.deps.store.db["reviews"].rows
    assert len(json.loads(row["rules"])) > 8  # many findings, not all of them shown in full


def test_a_draft_with_channel_and_here_pings_nobody(running_app, slack_api):
    draft = "<!channel> <!here|here> @here @channel <!everyone> BUY NOW!!! <@U0BOB> said so"
    url = running_app.response_url("pings")
    running_app.send(sr.slash_command(draft, response_url=url))
    slack_api.wait_for_response(response_id="pings")
    running_app.wait_idle()
    assert slack_api.ping_problems(allowed_mentions={ALICE}) == []


def test_health_check_answers_on_the_same_server(running_app):
    with urllib.request.urlopen(f"{running_app.base_url}/healthz", timeout=5) as answer:
        assert answer.status == 200


def test_a_modal_from_a_channel_without_the_bot_is_answered_by_direct_message(
    running_app, slack_api
):
    command = sr.slash_command("", response_url=running_app.response_url(), channel_id=ELSEWHERE)
    running_app.send(command)
    [opened] = slack_api.wait_for("views.open")
    running_app.send(sr.view_submission(opened.params["view"], {"draft": AD}))
    [refused] = slack_api.wait_for("chat.postEphemeral")
    assert refused.answer["error"] == "not_in_channel"
    [dm] = slack_api.wait_for("chat.postMessage")
    assert dm.ok and dm.params["channel"] == ALICE
    assert "BUY NOW" in dm.text


# -- long drafts and code blocks -------------------------------------------------------


def test_a_long_draft_shows_most_of_its_rewrite_not_an_ellipsis(running_app, slack_api):
    draft = "HUGE SALE!!! " + "We walked along the river and talked about the week. " * 95
    running_app.send(sr.slash_command(draft, response_url=running_app.response_url("long")))
    [answer_] = slack_api.wait_for_response(response_id="long")
    [rewrite] = [b for b in answer_.blocks if b.get("block_id") == "review-rewrite"]
    shown = rewrite["text"]["text"]
    assert len(shown) > 2500 and shown.endswith("…")
    assert "river and talked" in shown


def test_a_code_block_is_neither_flagged_nor_left_as_an_empty_fence(running_app, slack_api, store):
    draft = "```\nBUY NOW\n```\nOur new API is live. Buy now, only 3 left!"
    running_app.send(sr.slash_command(draft, response_url=running_app.response_url("code")))
    [answer_] = slack_api.wait_for_response(response_id="code")
    running_app.wait_idle()
    assert "```" not in answer_.text
    assert "BUY NOW" not in answer_.text
    [row] = store.db["reviews"].rows
    assert row["draft"] == "Our new API is live. Buy now, only 3 left!"
    assert "```" not in row["rewrite"]
