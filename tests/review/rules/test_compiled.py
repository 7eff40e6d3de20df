"""The compiled-playbook cache key (bot/review/rules/compiled.py): it changes with every
field of every rule and covers every module that shapes the compiled tables, so a stale
entry is never read."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import sys
from pathlib import Path

import pytest

from bot.review.playbooks.loader import Example, Rule, load_playbook
from bot.review.rules import compiled as compiled_mod
from bot.review.rules.deferred import DeferredPattern
from bot.review.rules.engine import review
from tests.paths import FIXTURES, ROOT

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
    hashed = {Path(path) for path in compiled_mod.source_files()}
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


def test_a_module_edited_added_or_removed_changes_the_code_key(tmp_path):
    """Modules count by path, size and modification time (as Python's bytecode cache): an
    edit of the same length, a new module and a removed one each change the state."""
    (tmp_path / "rules").mkdir()
    engine, extra = tmp_path / "rules" / "engine.py", tmp_path / "rules" / "extra.py"
    engine.write_text("A = 1\n")

    def state() -> bytes:
        paths = sorted(str(p) for p in tmp_path.rglob("*.py"))
        return compiled_mod.modules_state(str(tmp_path), paths)

    before = state()
    assert state() == before  # nothing changed, the same state
    engine.write_text("A = 2\n")
    os.utime(engine, ns=(engine.stat().st_atime_ns, engine.stat().st_mtime_ns + 1_000_000))
    edited = state()
    assert edited != before
    extra.write_text("")
    assert state() != edited
    extra.unlink()
    assert state() == edited


# ---- the word-list regexes: kept in the cache as their source, compiled on first use ----


def _shipped(name: str):
    """A shipped playbook with its tables compiled afresh (not read from a cache)."""
    playbook = load_playbook(ROOT / "playbooks" / f"{name}.yml")
    return dataclasses.replace(playbook, compiled=compiled_mod.CompiledPlaybook(playbook.rules))


def _round_tripped(playbook):
    """The playbook with its compiled tables as the cache gives them back."""
    compiled = pickle.loads(pickle.dumps(playbook.compiled))
    compiled.rules = playbook.rules
    return dataclasses.replace(playbook, compiled=compiled)


def _stdlib_patterns(compiled) -> list:
    held = [getattr(c, n) for c in compiled.conditions.values() for n in type(c).__slots__]
    held += [v for _, _, params, _ in compiled.metric_rules for v in params.values()]
    return [v for v in held if isinstance(v, re.Pattern | DeferredPattern)]


@pytest.mark.parametrize("name", ["rules-of-engagement", "warm-support", "sms-spam"])
def test_a_cached_playbook_reviews_as_the_fresh_one(name):
    fresh = _shipped(name)
    cached = _round_tripped(fresh)
    drafts = [
        (ex.text, ex.in_reply_to, ex.platform)
        for rule in fresh.rules
        for ex in (*rule.fail, *rule.passes)
    ]
    assert len(drafts) > 50
    for text, reply, platform in drafts:  # each first use compiles, the rest reuse it
        got = review(text, cached, platform=platform, in_reply_to=reply).to_dict()
        assert got == review(text, fresh, platform=platform, in_reply_to=reply).to_dict()


def test_the_cache_compiles_no_word_list_until_it_is_used():
    fresh = _shipped("rules-of-engagement")
    compiled = _stdlib_patterns(fresh.compiled)
    deferred = _stdlib_patterns(_round_tripped(fresh).compiled)
    assert len(deferred) == len(compiled) >= 8
    assert all(isinstance(p, re.Pattern) for p in compiled)
    assert all(isinstance(p, DeferredPattern) for p in deferred)
