"""Installs in several workspaces: Bolt's OAuth flow and a Web API client per workspace.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set (`settings.oauth`), anyone can add the
app to their workspace at GET /slack/install; Slack sends them back to
GET /slack/oauth_redirect, where bolt swaps the code for the workspace's bot token and
saves the installation. Installations and OAuth states live in slack_sdk's SQLite stores,
in one file beside the app's database (bot/slack/installs_sqlite.py); with DATABASE_URL,
in slack_sdk's SQL stores in that PostgreSQL database (bot/slack/installs_pg.py). This
module picks one; neither of those imports it back. Every Slack
call for a team is made with that team's token (`TeamClients.for_team`); without OAuth
there is one token (SLACK_BOT_TOKEN) and `for_team` always answers with its client.
"""

from __future__ import annotations

import html
import logging
import threading

from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.config import Settings
from bot.slack.client import make_ack_client, make_client
from bot.slack.installs_sqlite import InstallationStore, StateStore, installs_db_path

log = logging.getLogger("socialway.slack")

# The bot scopes an install asks for: manifest.yml's oauth_config.scopes.bot, in its order
# (tests/slack/test_oauth_config.py keeps the two the same).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "groups:history",
    "groups:read",
    "mpim:history",
    "im:history",
    "assistant:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install link works for ten minutes

NOT_INSTALLED = (
    "Social Way isn't installed in this workspace (or it was removed). A workspace admin "
    "can add it from the app's install page, then try again."
)


class NotInstalled(SlackClientError):
    """No installation (so no bot token) for the team a request or a digest belongs to."""

    def __init__(self, team_id: str):
        super().__init__(f"no installation for team {team_id or '(none)'}")
        self.team_id = team_id


def installation_store(settings: Settings) -> InstallationStore:
    if settings.database_url:
        from bot.slack import installs_pg

        return installs_pg.installation_store(settings.database_url, settings.slack_client_id)
    store = InstallationStore(
        database=installs_db_path(settings), client_id=settings.slack_client_id
    )
    store.init()  # tables made now, not by the first request
    return store


def state_store(settings: Settings) -> StateStore:
    if settings.database_url:
        from bot.slack import installs_pg

        return installs_pg.state_store(settings.database_url, STATE_SECONDS)
    store = StateStore(database=installs_db_path(settings), expiration_seconds=STATE_SECONDS)
    store.init()
    return store


def oauth_settings(settings: Settings, installations: InstallationStore) -> OAuthSettings:
    """Bolt's OAuth flow: the manifest's bot scopes, no user scopes, our stores and pages."""
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        state_store=state_store(settings),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(success=installed_page, failure=failed_page),
        logger=log,
    )


# -- the pages a person sees after Slack's "Allow" ---------------------------------------

FAILURES = {
    "access_denied": (
        "The install was cancelled in Slack, so nothing changed. "
        '<a href="{install}">Start again</a> when you\'re ready.'
    ),
    "invalid_state": (
        "That install link has expired or was already used. "
        '<a href="{install}">Start again</a> — links work for ten minutes.'
    ),
    "invalid_browser": (
        "The install started in another browser (or cookies are blocked), so I can't "
        'finish it here. <a href="{install}">Start again</a> in this browser.'
    ),
}
FAILED = (
    "Slack didn't confirm the install, so nothing changed. "
    '<a href="{install}">Try again</a>; if it keeps failing, tell whoever runs Social Way.'
)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;line-height:1.5}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{body}</p></body></html>"
    )


def _response(status: int, page: str, settings: OAuthSettings) -> BoltResponse:
    return BoltResponse(
        status=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion(),
        },
        body=page,
    )


def installed_page(args: SuccessArgs) -> BoltResponse:
    team = args.installation.team_name or "your workspace"
    log.info("installed in team %s", args.installation.team_id)
    body = (
        f"Social Way is now in {html.escape(team)}. In Slack, try "
        "<code>/socialway BUY NOW!!! Only 3 left</code>, or invite it to a channel with "
        "<code>/invite @Social Way</code> for mentions, watch mode and the weekly digest."
    )
    return _response(200, _page("Social Way is installed", body), args.settings)


def failed_page(args: FailureArgs) -> BoltResponse:
    log.warning("install failed: %s", args.reason)
    install = html.escape(args.settings.install_path, quote=True)
    body = FAILURES.get(args.reason, FAILED).format(install=install)
    return _response(args.suggested_status_code, _page("Not installed", body), args.settings)


# -- a client per workspace --------------------------------------------------------------


class TeamClients:
    """The Web API client for each team, built like `make_client` with the team's token.

    One workspace (no OAuth): always the SLACK_BOT_TOKEN client. Several: the token of the
    team's installation, looked up each time (a small SQLite read, so an uninstall seen by
    another process counts at once); the client is kept while the token is unchanged and
    dropped when the installation goes (`forget`, or the lookup finding none).
    """

    def __init__(self, settings: Settings, installations=None):
        self.settings = settings
        self.installations = installations if settings.oauth else None
        self.base = make_client(settings)  # no token in OAuth mode: bolt's own client
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()
        self.revoked = False  # one workspace: Slack said SLACK_BOT_TOKEN was revoked

    def token_for(self, team_id: str) -> str | None:
        if self.installations is None:
            return None if self.revoked else self.base.token
        if not team_id:
            return None
        bot = self.installations.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None and bot.bot_token else None

    def for_team(self, team_id: str) -> WebClient | None:
        """The client for `team_id`, or None when that team has no installation."""
        if self.installations is None:
            return None if self.revoked else self.base
        token = self.token_for(team_id)
        with self._lock:
            if token is None:
                self._clients.pop(team_id, None)
                return None
            client = self._clients.get(team_id)
            if client is None or client.token != token:
                client = self._clients[team_id] = make_client(self.settings, token=token)
            return client

    def ack_client_for(self, team_id: str) -> WebClient | None:
        """A short-timeout client for the one call a listener makes before its ack."""
        token = self.token_for(team_id)
        return None if token is None else make_ack_client(self.settings, token=token)

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._clients.pop(team_id, None)

    def cached(self) -> list[str]:
        """The teams whose client is kept (for tests and logs)."""
        with self._lock:
            return sorted(self._clients)

    def revoke(self) -> None:
        """One workspace: SLACK_BOT_TOKEN is dead (uninstalled or revoked), so this process
        stops using it: every team is then "not installed" (digests skip, no calls fail)."""
        self.revoked = True
