"""The digest clock with several workspaces: each channel's digest goes out with its own
team's token; a channel of a team that isn't installed (or of no known team) is skipped
with a log line and nothing is claimed or counted against its week."""

from __future__ import annotations

import logging

import pytest

from bot.digest.schedule import latest_week
from bot.slack.digest_clock import run_due
from bot.slack.digest_post import EVENT_TYPE
from bot.slack.wsgi import start_clock
from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.fakes.cli import cli_env, run_cli
from tests.fakes.oauth import install
from tests.fakes.slack_api import ALICE

T1, T2, GONE = "T0000ONE", "T0000TWO", "T000GONE"
C1, C2, C3, C4 = "C0T1NEWS", "C0T2NEWS", "C0NOTEAM", "C0GONE"


@pytest.fixture
def channels(oauth_app, slack_api, store):
    """Two installed teams with a digest channel each; one channel of a team that never
    installed; one whose team was never recorded. All due now (Mondays 00:00 UTC)."""
    for channel, team in ((C1, T1), (C2, T2), (C3, None), (C4, GONE)):
        slack_api.add_channel(channel, channel.lower(), members=[ALICE], team=team)
        store.update_channel_settings(
            channel,
            digest_on=True,
            digest_weekday=0,
            digest_hour=0,
            timezone="UTC",
            team_id=team or "",
            updated_by=ALICE,
        )
    install(oauth_app, T1)
    install(oauth_app, T2)
    slack_api.reset()


def test_the_clock_posts_each_teams_digest_with_its_own_token(
    oauth_app, slack_api, store, channels, caplog
):
    caplog.set_level(logging.INFO, logger="bot.slack")
    start_clock(oauth_app.settings, store, oauth_app.app)  # the server's own clock
    slack_api.wait_for("chat.postMessage", 2, timeout=10)
    calls = slack_api.settle()
    posts = {c.params["channel"]: c for c in calls if c.method == "chat.postMessage"}
    assert set(posts) == {C1, C2}
    assert posts[C1].ok and posts[C1].token == slack_api.tokens_of(T1)[0]
    assert posts[C2].ok and posts[C2].token == slack_api.tokens_of(T2)[0]
    assert posts[C1].params["metadata"]["event_type"] == EVENT_TYPE
    for skipped in (C3, C4):  # nothing claimed: no attempt counts against the week
        assert store.digest_row(skipped, latest_week(store, skipped).key) is None
    assert f"{C4} " in caplog.text and f"team {GONE} is not installed" in caplog.text
    assert f"{C3} " in caplog.text and "no team recorded" in caplog.text


def test_an_uninstalled_team_is_skipped_and_the_others_still_post(
    oauth_app, slack_api, store, channels
):
    from tests.fakes.slack_requests import event_callback

    gone = event_callback({"type": "app_uninstalled", "event_ts": "1.2"}, team_id=T2)
    assert oauth_app.send(gone).status == 200
    oauth_app.wait_idle()
    slack_api.reset()
    outcomes = {o.channel_id: o.state for o in run_due(store, oauth_app.app.deps.clients)}
    assert outcomes == {C1: "posted", C2: "not-installed", C3: "not-installed", C4: "not-installed"}
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["channel"] == C1 and post.token == slack_api.tokens_of(T1)[0]
    assert store.digest_row(C2, latest_week(store, C2).key) is None


def test_the_digest_command_posts_with_the_channels_team_token(
    oauth_app, slack_api, store, channels
):
    env = cli_env(
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        SLACK_API_URL=slack_api.api_url,
        SOCIALWAY_DB=oauth_app.settings.db_path,
    )
    posted = run_cli("digest", "--channel", C2, "--post", env=env, text=True, timeout=60)
    assert posted.returncode == 0, posted.stderr
    [post] = slack_api.calls("chat.postMessage")
    assert post.params["channel"] == C2 and post.token == slack_api.tokens_of(T2)[0]

    refused = run_cli("digest", "--channel", C4, "--post", env=env, text=True, timeout=60)
    assert refused.returncode != 0
    assert f"({GONE}) is not installed" in refused.stderr
    assert "Traceback" not in refused.stderr

    once = run_cli("digest", "--once", env=env, text=True, timeout=60)
    assert once.returncode == 0, once.stderr
    states = dict(line.split()[::2] for line in once.stdout.splitlines())
    assert states == {C1: "posted", C3: "not-installed", C4: "not-installed"}  # C2 was posted
    assert "xoxb-" not in once.stdout + once.stderr
