"""The compiled-playbook cache key (bot/review/rules/compiled.py): it changes with every
field of every rule and covers every module that shapes the compiled tables, so a stale
entry is never read."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from bot.review.playbooks.loader import Example, Rule, load_playbook
from bot.review.rules import compiled as compiled_mod
from tests.paths import FIXTURES

RULES = load_playbook(FIXTURES / "playbooks" / "basic.yml").rules


def _changed(value):
    """A different value of the same shape as `value`."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + " (changed)"
    if isinstance(value, tuple):
        return (*value, value[0]) if value else (Example("changed"),)
    raise AssertionError(f"no change for {value!r}")


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Rule)])
def test_every_rule_field_is_in_the_cache_key(field):
    rule = RULES[0]
    before = compiled_mod.cache_key(RULES)
    changed = dataclasses.replace(rule, **{field: _changed(getattr(rule, field))})
    after = compiled_mod.cache_key((changed, *RULES[1:]))
    assert after != before
    assert compiled_mod.cache_key(RULES) == before  # and the same rules, the same key


def test_the_cache_key_covers_every_module_the_compiled_tables_are_built_from():
    hashed = set(compiled_mod.source_files())
    review = Path(compiled_mod.__file__).resolve().parents[1]
    built_from = {
        Path(m.__file__).resolve()
        for name, m in list(sys.modules.items())
        if name.startswith(("bot.review.rules", "bot.review.playbooks"))
        and getattr(m, "__file__", None)
    }
    assert built_from <= hashed
    metric_modules = set((review / "rules" / "metrics").glob("*.py"))
    assert len(metric_modules) > 15 and metric_modules <= hashed
