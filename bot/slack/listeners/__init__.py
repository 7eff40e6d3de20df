"""One module per Slack surface; each has `register(app, deps)`. Add a surface by listing it."""

from __future__ import annotations

from bot.slack.listeners import actions, command, home, mention, modal, settings, shortcut, watch

LISTENERS = [command, mention, shortcut, watch, actions, modal, home, settings]


def register_all(app, deps) -> None:
    for module in LISTENERS:
        module.register(app, deps)
