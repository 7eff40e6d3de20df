"""Every rule of every playbook in playbooks/ proves itself: its fail examples trigger it,
its pass examples do not. Parametrised per rule so a failure names the rule."""

from __future__ import annotations

import pytest

from bot.review.playbooks.loader import (
    DEFAULT_ID,
    PlaybookLibrary,
    check_examples,
    default_playbook_dir,
    example_failure,
    load_playbook,
)

PLAYBOOK_FILES = sorted(
    p for p in default_playbook_dir().iterdir() if p.suffix in (".yml", ".yaml")
)


def _rule_params():
    params = []
    for path in PLAYBOOK_FILES:
        playbook = load_playbook(path)
        params += [
            pytest.param(path, rule.id, id=f"{path.stem}:{rule.id}") for rule in playbook.rules
        ]
    return params


def test_default_playbook_exists_and_validates():
    # Fails (never skips) when the default playbook is missing or malformed.
    assert (default_playbook_dir() / f"{DEFAULT_ID}.yml").is_file()
    playbook = PlaybookLibrary().get(None)
    assert playbook.id == DEFAULT_ID
    assert playbook.version
    assert len(playbook.rules) >= 8


def test_there_are_rules_to_check():
    assert _rule_params(), "no playbook rules found in playbooks/"


@pytest.mark.parametrize(("path", "rule_id"), _rule_params())
def test_rule_examples(path, rule_id):
    playbook = load_playbook(path)
    rule = playbook.rule(rule_id)
    assert rule.fail, f"{rule_id} has no fail examples"
    assert rule.passes, f"{rule_id} has no pass examples"
    failures = [
        line
        for kind, examples in (("fail", rule.fail), ("pass", rule.passes))
        for ex in examples
        if (line := example_failure(playbook, rule, kind, ex))
    ]
    assert failures == []


@pytest.mark.parametrize("path", PLAYBOOK_FILES, ids=lambda p: p.stem)
def test_check_examples_whole_playbook(path):
    assert check_examples(load_playbook(path)) == []


def test_every_default_rule_has_five_fails_three_passes_and_a_why():
    playbook = PlaybookLibrary().get(None)
    assert len(playbook.principles) == 8
    for rule in playbook.rules:
        assert len(rule.fail) >= 5 and len(rule.passes) >= 3, rule.id
        assert rule.why.strip() and rule.suggest.strip(), rule.id
