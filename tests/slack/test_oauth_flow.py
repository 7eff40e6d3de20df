"""Installs in several workspaces, end to end: the real app in OAuth mode over real HTTP,
its real SQLite installation store, and the fake Slack API issuing a token per team."""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing
from urllib.parse import urlsplit

import pytest

from bot.slack.installs import BOT_SCOPES, NOT_INSTALLED, installation_store, installs_db_path
from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.fakes.oauth import finish_install, for_team, get, install, start_install
from tests.fakes.slack_api import ALICE, BOT_USER_ID
from tests.fakes.slack_requests import app_mention, event_callback, slash_command

T1, T2, NEVER = "T0000ONE", "T0000TWO", "T00NEVER"
C1, C2 = "C0T1DRAFTS", "C0T2DRAFTS"


@pytest.fixture(autouse=True)
def team_channels(slack_api):
    """A drafts channel in each workspace; only that workspace's token can see it."""
    slack_api.add_channel(C1, "t1-drafts", members=[ALICE], team=T1)
    slack_api.add_channel(C2, "t2-drafts", members=[ALICE], team=T2)


def bot_of(settings, team_id):
    return installation_store(settings).find_bot(enterprise_id=None, team_id=team_id)


def mention_from(running_app, team_id, channel, draft="BUY NOW!!! Only 3 left"):
    event = app_mention(draft, channel=channel)
    return running_app.send(event_callback(event, team_id=team_id))


def test_install_page_offers_add_to_slack_with_a_state(oauth_app, slack_api):
    started = start_install(oauth_app.base_url)
    assert started.page.status == 200
    link = urlsplit(started.link)
    assert (link.scheme, link.netloc, link.path) == ("https", "slack.com", "/oauth/v2/authorize")
    assert started.query["client_id"] == [CLIENT_ID]
    assert started.query["scope"] == [",".join(BOT_SCOPES)]
    assert started.state and started.cookie == f"slack-app-oauth-state={started.state}"
    assert slack_api.calls() == []  # nothing reached Slack yet


def test_install_stores_the_team_and_its_requests_use_its_token(oauth_app, slack_api):
    page = install(oauth_app, T1, "Acme Comms")
    assert page.status == 200
    assert "Social Way is now in Acme Comms" in page.text
    [exchange] = slack_api.calls("oauth.v2.access")
    assert exchange.ok
    [token] = slack_api.tokens_of(T1)
    assert token.startswith(f"xoxb-{T1}-")
    bot = bot_of(oauth_app.settings, T1)  # the real SQLite store, beside the app's database
    assert bot is not None and bot.bot_token == token and bot.bot_user_id == BOT_USER_ID
    assert installs_db_path(oauth_app.settings).endswith("socialway.installations.db")

    slack_api.reset()
    assert mention_from(oauth_app, T1, C1).status == 200
    [posted] = slack_api.wait_for("chat.postMessage")
    assert posted.ok and posted.params["channel"] == C1
    assert posted.headers["authorization"] == f"Bearer {token}"

    form = oauth_app.send(slash_command("", response_url=oauth_app.response_url(), team_id=T1))
    assert form.status == 200
    [opened] = slack_api.wait_for("views.open")
    assert opened.ok and opened.token == token
    oauth_app.wait_idle()
    assert {c.token for c in slack_api.calls() if c.method != "response_url"} == {token}


def test_two_teams_each_answered_with_their_own_token(oauth_app, slack_api):
    assert install(oauth_app, T1).status == 200
    assert install(oauth_app, T2).status == 200
    [one], [two] = slack_api.tokens_of(T1), slack_api.tokens_of(T2)
    assert one != two
    assert bot_of(oauth_app.settings, T2).bot_token == two

    slack_api.reset()
    mention_from(oauth_app, T2, C2)
    mention_from(oauth_app, T1, C1)
    posts = slack_api.wait_for("chat.postMessage", 2)
    oauth_app.wait_idle()
    by_channel = {c.params["channel"]: c for c in slack_api.calls("chat.postMessage")}
    assert len(by_channel) == 2 and all(c.ok for c in posts)  # a crossed token is refused
    assert by_channel[C1].token == one
    assert by_channel[C2].token == two
    assert sorted(oauth_app.app.deps.clients.cached()) == sorted([T1, T2])


def test_a_team_that_never_installed_is_told_and_nothing_is_posted(oauth_app, slack_api):
    install(oauth_app, T1)
    slack_api.reset()
    url = oauth_app.response_url()
    reply = oauth_app.send(slash_command("BUY NOW!!!", response_url=url, team_id=NEVER))
    assert reply.status == 200
    [told] = slack_api.wait_for_response()
    assert NOT_INSTALLED in told.text
    assert mention_from(oauth_app, NEVER, C1).status == 200  # an event: nothing to answer
    oauth_app.wait_idle()
    calls = slack_api.settle()
    assert [c.method for c in calls] == ["response_url"]  # no API call, with any token
    assert oauth_app.app.deps.clients.cached() == []


def test_a_forged_used_or_expired_state_gets_a_friendly_page(oauth_app, slack_api):
    base = oauth_app.base_url
    made_up = start_install(base)
    made_up.cookie = "slack-app-oauth-state=made-up"  # a state (and cookie) we never issued
    forged = finish_install(base, made_up, slack_api.install_code(T1), state="made-up")
    assert forged.status == 401
    assert "expired or was already used" in forged.text and "Start again" in forged.text

    started = start_install(base)
    assert finish_install(base, started, slack_api.install_code(T1)).status == 200
    again = finish_install(base, started, slack_api.install_code(T2))  # the same link twice
    assert again.status == 401 and "expired or was already used" in again.text

    late = start_install(base)
    db = sqlite3.connect(installs_db_path(oauth_app.settings))
    with closing(db), db:  # the ten minutes a link lasts have passed
        db.execute("UPDATE oauth_states SET expire_at = ?", [time.time() - 60])
    expired = finish_install(base, late, slack_api.install_code(T2))
    assert expired.status == 401 and "expired" in expired.text

    assert len(slack_api.calls("oauth.v2.access")) == 1  # only the good one was exchanged
    assert bot_of(oauth_app.settings, T2) is None


def test_other_browser_and_cancelled_installs_change_nothing(oauth_app, slack_api):
    base = oauth_app.base_url
    started = start_install(base)
    started.cookie = ""  # the link opened in another browser: no state cookie
    elsewhere = finish_install(base, started, slack_api.install_code(T1))
    assert elsewhere.status == 400 and "another browser" in elsewhere.text

    cancelled = get(f"{base}/slack/oauth_redirect?error=access_denied&state=whatever")
    assert "cancelled" in cancelled.text
    assert slack_api.calls() == [] and bot_of(oauth_app.settings, T1) is None


def test_a_code_slack_refuses_gets_a_friendly_page(oauth_app, slack_api):
    started = start_install(oauth_app.base_url)
    page = finish_install(oauth_app.base_url, started, "not-a-code-slack-gave")
    assert page.status == 401
    assert "Slack didn't confirm the install" in page.text
    assert bot_of(oauth_app.settings, T1) is None


def uninstalled(team_id):
    return event_callback({"type": "app_uninstalled", "event_ts": "1.2"}, team_id=team_id)


def test_app_uninstalled_removes_the_installation(oauth_app, slack_api):
    install(oauth_app, T1)
    install(oauth_app, T2)
    mention_from(oauth_app, T1, C1)
    slack_api.wait_for("chat.postMessage")
    oauth_app.wait_idle()
    assert T1 in oauth_app.app.deps.clients.cached()

    assert oauth_app.send(uninstalled(T1)).status == 200
    oauth_app.wait_idle()
    assert bot_of(oauth_app.settings, T1) is None
    assert bot_of(oauth_app.settings, T2) is not None  # the other workspace keeps its install
    assert T1 not in oauth_app.app.deps.clients.cached()

    slack_api.reset()
    url = oauth_app.response_url()
    oauth_app.send(slash_command("BUY NOW!!!", response_url=url, team_id=T1, channel_id=C1))
    [told] = slack_api.wait_for_response()
    assert NOT_INSTALLED in told.text
    mention_from(oauth_app, T2, C2)
    [posted] = slack_api.wait_for("chat.postMessage")
    assert posted.ok and posted.token == slack_api.tokens_of(T2)[0]


def test_tokens_revoked_removes_the_bot(oauth_app, slack_api):
    install(oauth_app, T1)
    revoked = {"type": "tokens_revoked", "tokens": {"bot": [BOT_USER_ID]}, "event_ts": "1.2"}
    assert oauth_app.send(event_callback(revoked, team_id=T1)).status == 200
    oauth_app.wait_idle()
    assert bot_of(oauth_app.settings, T1) is None
    assert oauth_app.app.deps.clients.for_team(T1) is None


def test_buttons_and_forms_from_a_team_use_its_token(oauth_app, slack_api):
    """A block action from T1 (Post rewrite under a mention's review) posts with T1's token."""
    from tests.fakes.slack_requests import block_actions

    install(oauth_app, T1)
    mention_from(oauth_app, T1, C1, "BUY NOW!!! Only 3 left, act now")
    [review] = slack_api.wait_for("chat.postMessage")
    oauth_app.wait_idle()
    slack_api.reset()
    message = review.answer["message"]
    click = block_actions(
        "post-rewrite",
        blocks=message["blocks"],
        message=message,
        channel_id=C1,
        response_url=oauth_app.response_url(),
    )
    assert oauth_app.send(for_team(click, T1)).status == 200
    [posted] = slack_api.wait_for("chat.postMessage")
    oauth_app.wait_idle()
    assert posted.ok and posted.token == slack_api.tokens_of(T1)[0]


def test_no_token_or_secret_reaches_the_logs(oauth_app, slack_api, caplog):
    caplog.set_level(logging.DEBUG, logger="socialway")
    caplog.set_level(logging.INFO)
    install(oauth_app, T1)
    mention_from(oauth_app, T1, C1)
    slack_api.wait_for("chat.postMessage")
    oauth_app.send(slash_command("hi", response_url=oauth_app.response_url(), team_id=NEVER))
    oauth_app.send(uninstalled(T1))
    oauth_app.wait_idle()
    logged = caplog.text
    assert "installed in team" in logged  # the flow did log, just not the secrets
    [token] = slack_api.tokens_of(T1)
    assert token not in logged and "xoxb-" not in logged
    assert CLIENT_SECRET not in logged
