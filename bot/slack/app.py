"""The Bolt app: wiring only. Listeners live in `bot.slack.listeners`, one module a surface."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.authorization.authorize import InstallationStoreAuthorize

from bot.config import Settings
from bot.review.reviewer import Reviewer
from bot.slack import installs
from bot.slack.deps import Deps
from bot.slack.listeners import register_all
from bot.slack.listeners.common import event_key
from bot.store.store import Store

log = logging.getLogger("socialway.slack")


class _ClientTokenWins(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself, then warns "`token` will be
    unused" because our client carries it: the intended set-up, so the line only alarms."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


log.addFilter(_ClientTokenWins())


def build_app(settings: Settings, reviewer: Reviewer, store: Store) -> App:
    """A ready Bolt app (one workspace, or several through OAuth with `settings.oauth`);
    `app.deps` holds what its listeners share."""
    installations = installs.installation_store(settings) if settings.oauth else None
    deps = Deps.build(settings, reviewer, store, installations)
    app = App(
        token=None,  # the client carries the bot token (one workspace)
        signing_secret=settings.slack_signing_secret,
        client=deps.client,
        # Listeners run on the thread that answers Slack and do no I/O: they hand the work
        # to deps.jobs and ack, so no other listener's slow work can hold an ack back.
        process_before_response=True,
        listener_executor=deps.listener_pool,
        logger=log,
        **(_oauth_options(settings, deps, installations) if installations else {}),
    )
    register_all(app, deps)
    if installations is not None:
        _forget_on_revocation(app, deps)
    else:
        _stop_on_revocation(app, deps)

    @app.error
    def log_error(error, body):
        ref = body.get("event_id") or body.get("trigger_id") or ""
        log.error("listener failed (ref=%s): %s", ref, type(error).__name__, exc_info=error)

    app.deps = deps
    return app


def _oauth_options(settings: Settings, deps: Deps, installations) -> dict:
    """Bolt's OAuth flow (/slack/install, /slack/oauth_redirect) and per-team authorize.

    The authorize step caches auth.test by token, so a request costs one SQLite read, not
    a Slack call, before its ack; it still reads the installation each time, so a removed
    one stops working at once.
    """
    return {
        "oauth_settings": installs.oauth_settings(settings, installations),
        "authorize": InstallationStoreAuthorize(
            installation_store=installations,
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            cache_enabled=True,
            client=deps.client,
            logger=log,
        ),
        "user_facing_authorize_error_message": installs.NOT_INSTALLED,
    }


def _forget_on_revocation(app: App, deps: Deps) -> None:
    """app_uninstalled / tokens_revoked: bolt removes the installation; we drop the client."""
    uninstalled = app.default_app_uninstalled_event_listener()
    revoked = app.default_tokens_revoked_event_listener()

    @app.event("app_uninstalled")
    def handle_uninstalled(event, context):
        uninstalled(context=context)
        deps.clients.forget(context.team_id or "")
        log.info("uninstalled from team %s; its installation is removed", context.team_id)

    @app.event("tokens_revoked")
    def handle_tokens_revoked(event, context):
        revoked(event=event, context=context)
        deps.clients.forget(context.team_id or "")
        log.info("tokens revoked in team %s; removed what they belonged to", context.team_id)


REVOKED = (
    "Slack says Social Way's bot token for team %s is no longer valid (%s): this process "
    "stops using SLACK_BOT_TOKEN. Reinstall the app (OAuth & Permissions → Install), set the "
    "new Bot User OAuth Token and restart. Stored reviews and settings are kept."
)


def _stop_on_revocation(app: App, deps: Deps) -> None:
    """One workspace (SLACK_BOT_TOKEN): app_uninstalled and tokens_revoked are answered 200
    (a 404 is a failure Slack retries) and the dead token is no longer used here, so the
    digest clock skips instead of failing each week; the warning saying what to do is a
    job keyed by the event, so a retried delivery doesn't log it twice."""

    def stop(body: dict, event_type: str) -> None:
        deps.clients.revoke()  # in memory: the ack waits on nothing
        team = body.get("team_id", "")
        if not deps.submit(token_revoked, deps, team, event_type, key=event_key(body)):
            log.warning(REVOKED, team, event_type)  # this process is full: say it now

    @app.event("app_uninstalled")
    def handle_uninstalled(body):
        stop(body, "app_uninstalled")

    @app.event("tokens_revoked")
    def handle_tokens_revoked(event, body):
        if (event.get("tokens") or {}).get("bot"):  # user tokens only: the app holds none
            stop(body, "tokens_revoked")


def token_revoked(deps: Deps, team_id: str, event_type: str) -> None:
    """(a job) The warning for a dead SLACK_BOT_TOKEN, once per event; the process that runs
    it stops using the token too."""
    deps.clients.revoke()
    log.warning(REVOKED, team_id, event_type)
