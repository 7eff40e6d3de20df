"""A small playbook of the tests' own (tests/fixtures/playbooks/few-rules.yml: a hard sell,
engagement bait, shouting, a missing question, two reply rules), so the shipped playbooks
can change freely, and helpers to read its reviews."""

from __future__ import annotations

from bot.review.playbooks.loader import load_playbook
from tests.paths import FIXTURES

FEW_RULES = load_playbook(FIXTURES / "playbooks" / "few-rules.yml")

LATE_ORDER = "My order #48213 still hasn't arrived and it's been two weeks. Nobody replies."


def quotes(r, rule: str) -> list[str]:
    return [f.quote for f in r.findings if f.rule == rule]


def strength_ids(r) -> list[str]:
    return [s.id for s in r.strengths]
