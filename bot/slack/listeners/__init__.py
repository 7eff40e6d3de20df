"""One module per Slack surface; each has `register(app, deps)`. Add a surface by listing it."""

from __future__ import annotations

from bot.slack.listeners import (
    actions,
    assistant,
    command,
    dm,
    home,
    mention,
    modal,
    settings,
    shortcut,
    thread,
    watch,
)

# dm and thread match narrower `message` events than watch, so they come before it
LISTENERS = [
    command,
    mention,
    shortcut,
    assistant,
    dm,
    thread,
    watch,
    actions,
    modal,
    home,
    settings,
]


def register_all(app, deps) -> None:
    for module in LISTENERS:
        module.register(app, deps)
