"""Reading the Block Kit the app sent, as the tests look at it: the buttons and menus of a
message by action id, its block ids, its text; and the blocks of a stale message that a
client could still press."""

from __future__ import annotations

import json


def elements(blocks: list[dict]) -> dict[str, dict]:
    """The buttons and menus of `blocks` by their action id."""
    return {
        e["action_id"]: e
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if "action_id" in e
    }


def action_ids(blocks: list[dict]) -> list[str]:
    """The action ids of the buttons and menus, in order."""
    return [
        element.get("action_id")
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def block_ids(blocks: list[dict]) -> list[str]:
    return [b.get("block_id", "") for b in blocks]


def texts(blocks: list[dict]) -> str:
    """Everything in `blocks` as one string, to look for words in."""
    return json.dumps(blocks, ensure_ascii=False)


def one_button(action_id: str, value: str) -> list[dict]:
    """The blocks of a (stale) message with one button, as a client could still send it."""
    element = {"type": "button", "action_id": action_id, "value": value}
    element["text"] = {"type": "plain_text", "text": "Post rewrite"}
    return [{"type": "actions", "block_id": "review-actions", "elements": [element]}]
