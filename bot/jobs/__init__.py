"""Durable work: what was acknowledged is written down, run under a lease, and picked up by
another process if this one dies (see `runner`). Knows nothing of Slack: `slack/` and
`digest/` hand it work; it uses only the store."""

from bot.jobs.calls import decode_call, encode_call
from bot.jobs.health import StoreHealth
from bot.jobs.runner import Job, Jobs, Later, current, once

__all__ = [
    "Job",
    "Jobs",
    "Later",
    "StoreHealth",
    "current",
    "decode_call",
    "encode_call",
    "once",
]
