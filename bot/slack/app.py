"""The Bolt app: wiring only. Listeners live in `bot.slack.listeners`, one module a surface."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.config import Settings
from bot.review.reviewer import Reviewer
from bot.slack.deps import Deps
from bot.slack.listeners import register_all
from bot.store import Store

log = logging.getLogger("socialway.slack")


class _ClientTokenWins(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself, then warns "`token` will be
    unused" because our client carries it: the intended set-up, so the line only alarms."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


log.addFilter(_ClientTokenWins())


def build_app(settings: Settings, reviewer: Reviewer, store: Store) -> App:
    """A ready Bolt app for one workspace; `app.deps` holds what its listeners share."""
    deps = Deps.build(settings, reviewer, store)
    app = App(
        token=None,  # the client carries the bot token
        signing_secret=settings.slack_signing_secret,
        client=deps.client,
        process_before_response=False,
        listener_executor=deps.listener_pool,  # listeners only ack and hand work to deps.pool
        logger=log,
    )
    register_all(app, deps)

    @app.error
    def log_error(error, body):
        ref = body.get("event_id") or body.get("trigger_id") or ""
        log.error("listener failed (ref=%s): %s", ref, type(error).__name__, exc_info=error)

    app.deps = deps
    return app
