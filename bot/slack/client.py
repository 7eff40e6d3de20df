"""Slack Web API, response_url and Socket Mode clients, all built here with one retry policy.

Every client gets: the base URL from settings (`SLACK_API_URL`, for tests and proxies),
an explicit timeout, and one retry handler: `NotSentRetryHandler`, which retries a call
only when it surely never reached Slack (the connection could not be made, or broke
while the request was still being written). A connection reset or a timeout after the
request was sent may come after Slack acted, so it is never retried here: the senders
look for the message or say it may have arrived (bot.slack.replies). A 429 or a 5xx is
not slept through in a worker thread either: the job waits in the jobs table for its
Retry-After or backoff (bot.jobs) and runs again then. The Socket Mode client reaches
Slack's Web API (apps.connections.open) through the app's own client, so it shares that.
"""

from __future__ import annotations

from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.config import Settings

RETRIES = 2


class NotSentRetryHandler(RetryHandler):
    """Retries only what surely never reached Slack.

    urllib raises URLError when connecting or writing the request fails; a failure while
    waiting for the answer (ConnectionResetError, RemoteDisconnected, a timeout) comes
    unwrapped, after the request was sent — and Slack may have acted on it.
    """

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return isinstance(error, URLError) and not isinstance(error, HTTPError) and response is None


def retry_handlers() -> list[RetryHandler]:
    return [NotSentRetryHandler(max_retry_count=RETRIES)]


def api_base_url(settings: Settings) -> str:
    url = settings.slack_api_url or WebClient.BASE_URL
    return url if url.endswith("/") else url + "/"


def default_token(settings: Settings) -> str | None:
    """SLACK_BOT_TOKEN for one workspace; none with OAuth (each team has its own)."""
    return None if settings.oauth else settings.slack_bot_token or None


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """The Web API client the app uses everywhere (bolt's `client` included); `token`
    is a team's bot token (multi-workspace), else SLACK_BOT_TOKEN."""
    return WebClient(
        token=token if token is not None else default_token(settings),
        base_url=api_base_url(settings),
        timeout=max(1, round(settings.slack_timeout)),
        retry_handlers=retry_handlers(),
    )


ACK_CALL_TIMEOUT = 2  # seconds: a call made before an ack must leave room in Slack's 3


def make_ack_client(settings: Settings, token: str | None = None) -> WebClient:
    """For the one quick look a listener takes before it acks (a modal's field errors can
    only go in the ack): a short timeout and no retries, so the ack still lands in time."""
    return WebClient(
        token=token if token is not None else default_token(settings),
        base_url=api_base_url(settings),
        timeout=max(1, min(ACK_CALL_TIMEOUT, round(settings.slack_timeout))),
        retry_handlers=[],
    )


def make_webhook(settings: Settings, url: str) -> WebhookClient:
    """A client for one response_url (slash commands, shortcuts, buttons)."""
    return WebhookClient(
        url,
        timeout=max(1, round(settings.slack_timeout)),
        retry_handlers=retry_handlers(),
    )


SOCKET_PING_SECONDS = 10.0  # a dead websocket is noticed (and reconnected) within this


class ServerErrorRetry(RetryHandler):
    """Retries a 5xx (only for calls that post nothing: opening a Socket Mode connection)."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and response.status_code in (500, 502, 503, 504)


def make_socket_mode_handler(app, settings: Settings):
    """bolt's SocketModeHandler for `app`, its Web API calls made by the app's client."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # apps.connections.open posts nothing, so a blip at Slack (a 5xx) is retried here too
    opener = make_client(settings)
    opener.retry_handlers = [*retry_handlers(), ServerErrorRetry(max_retry_count=RETRIES)]
    return SocketModeHandler(
        app,
        app_token=settings.slack_app_token,
        web_client=opener,  # base URL and timeout of make_client
        ping_interval=SOCKET_PING_SECONDS,
        concurrency=max(1, settings.workers),
    )
