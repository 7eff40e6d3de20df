"""The registry of metric kinds: one module per kind (its parameters, defaults, check, gate
and rewrite edit, as a `Metric`), listed here once, in the order FORMAT.md shows them.

To add a metric: write its module beside these (a `METRIC = Metric(...)` at the end), add
it to `_KINDS` below, and add its row to the table in playbooks/FORMAT.md (a test checks
the table against this registry). The engine (compiled.py binds each rule's checks once),
the playbook schema, the rewrite and the compiled-playbook cache all read `METRICS`.
"""

from __future__ import annotations

from bot.review.rules.metrics import (
    caps_words,
    emoji,
    exclamation_run,
    exclamations,
    hashtags,
    length,
    links,
    name_repeats,
    question,
    reply_acknowledges,
    reply_asks_again,
    reply_canned,
    reply_deflects,
    reply_thanks,
    we_you_balance,
)
from bot.review.rules.metrics.base import Metric

_KINDS = (
    exclamation_run,
    exclamations,
    caps_words,
    hashtags,
    emoji,
    links,
    we_you_balance,
    question,
    length,
    reply_thanks,
    reply_acknowledges,
    name_repeats,
    reply_deflects,
    reply_canned,
    reply_asks_again,
)

METRICS: dict[str, Metric] = {kind.METRIC.name: kind.METRIC for kind in _KINDS}

# For the fact check (Metric.push): metrics whose findings ask for fewer words, and those
# whose quotes are never words to drop.
STUFFING = frozenset(name for name, m in METRICS.items() if m.push == "fewer")
NOT_PUSH = frozenset(name for name, m in METRICS.items() if m.push == "never")


def resolve_params(metric: str, given: dict | None) -> dict:
    """A metric's parameters with defaults filled in, and its derived ones prepared."""
    kind = METRICS[metric]
    params = dict(kind.defaults)
    params.update(given or {})
    if "per_platform" in params:
        params["per_platform"] = dict(params["per_platform"] or ())
    if kind.prepare is not None:
        kind.prepare(params)
    return params
