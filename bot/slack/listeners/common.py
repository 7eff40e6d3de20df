"""Small helpers every listener shares."""

from __future__ import annotations

import json
import re


def ref_of(body: dict) -> str:
    """A reference for logs and apologies: the event id, or the interaction's trigger id."""
    ref = body.get("event_id") or body.get("trigger_id") or body.get("action_ts") or ""
    return str(ref)[:40]


def event_key(body: dict) -> str | None:
    """The job key of an Events API delivery: Slack's retries of it carry the same event id,
    so the work is recorded (and done) once, in whichever process sees it first."""
    event_id = body.get("event_id")
    return f"event:{event_id}" if event_id else None


def first_sighting(deps, body: dict) -> bool:
    """False for a retried delivery of an event already handled (by any process)."""
    event_id = body.get("event_id")
    return True if not event_id else deps.store.first_sighting(str(event_id))


_SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,30}")


def view_metadata(view: dict) -> dict[str, str] | None:
    """The channel and team a modal of ours carries in `private_metadata`, or None when it
    is damaged (not JSON, not an object, or ids that aren't Slack ids); {} when empty."""
    raw = view.get("private_metadata") or "{}"
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(meta, dict):
        return None
    found = {}
    for key in ("channel_id", "team_id"):
        value = meta.get(key) or ""
        if not isinstance(value, str) or (value and not _SLACK_ID.fullmatch(value)):
            return None
        found[key] = value
    return found
