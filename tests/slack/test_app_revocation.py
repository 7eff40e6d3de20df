"""One workspace (SLACK_BOT_TOKEN): Slack's app_uninstalled and tokens_revoked events are
answered 200, not 404 (which Slack counts as a failure and retries), and the dead token is
no longer used: the digest clock skips the workspace instead of failing every week. Signed
events over real HTTP; the fake Slack forgets the token as Slack would."""

from __future__ import annotations

import logging

from bot.slack.digest_clock import run_due
from tests.conftest import BOT_TOKEN
from tests.fakes.slack_api import BOT_USER_ID, DRAFTS, TEAM_ID
from tests.fakes.slack_requests import event_callback


def digest_due_in_drafts(store) -> None:
    store.update_channel_settings(DRAFTS, digest_on=True, digest_weekday=0, digest_hour=0)
    store.update_channel_settings(DRAFTS, team_id=TEAM_ID)


def test_app_uninstalled_is_answered_and_the_token_is_no_longer_used(
    running_app, slack_api, store, caplog
):
    digest_due_in_drafts(store)
    slack_api.revoke(BOT_TOKEN)  # Slack forgets the token when the app is uninstalled
    caplog.set_level(logging.INFO)
    uninstalled = event_callback({"type": "app_uninstalled"})
    assert running_app.send(uninstalled).status == 200
    assert running_app.send(uninstalled, retry_num=1, retry_reason="http_timeout").status == 200
    running_app.wait_idle()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    [said] = [w for w in warned if "app_uninstalled" in w]  # once, the retry is not logged
    assert "Reinstall the app" in said
    assert BOT_TOKEN not in caplog.text
    clients = running_app.app.deps.clients
    assert clients.for_team(TEAM_ID) is None
    [outcome] = run_due(store, clients, reviewer=running_app.app.deps.reviewer)
    assert outcome.state == "not-installed"
    assert slack_api.calls("chat.postMessage") == []


def test_tokens_revoked_for_the_bot_stops_using_it(running_app, slack_api):
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}
    assert running_app.send(event_callback(event)).status == 200
    running_app.wait_idle()
    assert running_app.app.deps.clients.for_team(TEAM_ID) is None


def test_tokens_revoked_for_user_tokens_only_changes_nothing(running_app, slack_api):
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ALICE"], "bot": []}}
    assert running_app.send(event_callback(event)).status == 200
    running_app.wait_idle()
    assert running_app.app.deps.clients.for_team(TEAM_ID) is not None
