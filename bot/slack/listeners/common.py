"""Small helpers every listener shares."""

from __future__ import annotations


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
