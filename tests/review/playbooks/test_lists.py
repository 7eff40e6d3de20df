"""Long lists at the end of a playbook (`lists:`, named from a rule as `from lists.NAME`):
they load exactly as if written inline, problems name the file, the rule, the field and the
list, edits are seen, and every shipped pattern says what it is for."""

from __future__ import annotations

import dataclasses
import os
import re
import textwrap
from pathlib import Path

import pytest

from bot.review.playbooks.loader import PlaybookError, default_playbook_dir, load_playbook
from bot.review.rules.engine import review

HEAD = """\
id: {id}
name: Test
version: "1"
description: A test playbook.
principles:
  - id: respect
    title: Respect
    why: People first.
"""
RULES_INLINE = """\
rules:
  - id: urgency
    principle: respect
    title: Urgency
    why: Urgency pushes.
    severity: warning
    suggest: Say when it ends.
    phrases: ["act now", "last chance"]
    patterns: ['\\bonly \\d+ left\\b']
    swap: {"act now": ""}
    context: {unless_words: [raffle, draw]}
  - id: reply-rule
    principle: respect
    title: Deflects
    why: Sent elsewhere.
    severity: warning
    suggest: Help here.
    applies_to: reply
    metrics: {reply_deflects: {channels: [dm us, our website], stock: [how can we help]}}
"""
RULES_NAMED = """\
rules:
  - id: urgency
    principle: respect
    title: Urgency
    why: Urgency pushes.
    severity: warning
    suggest: Say when it ends.
    phrases: from lists.urgency-phrases
    patterns: from lists.urgency-patterns
    swap: from lists.urgency-swap
    context: {unless_words: from lists.not-urgent}
  - id: reply-rule
    principle: respect
    title: Deflects
    why: Sent elsewhere.
    severity: warning
    suggest: Help here.
    applies_to: reply
    metrics: {reply_deflects: {channels: from lists.channels, stock: from lists.stock}}
lists:
  urgency-phrases: ["act now", "last chance"]
  urgency-patterns:
    # "only 3 left"
    - '\\bonly \\d+ left\\b'
  urgency-swap: {"act now": ""}
  not-urgent: [raffle, draw]
  channels: [dm us, our website]
  stock: [how can we help]
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    return err.value.problems


def _without_source(playbook):
    return [dataclasses.replace(r, source="") for r in playbook.rules]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_named_lists_load_exactly_as_inline_lists(tmp_path):
    inline = load_playbook(write(tmp_path, "inline.yml", HEAD.format(id="a") + RULES_INLINE))
    named = load_playbook(write(tmp_path, "named.yml", HEAD.format(id="b") + RULES_NAMED))
    assert _without_source(named) == _without_source(inline)
    assert named.compiled.index == inline.compiled.index
    draft = "Act now, only 3 left!"
    assert review(draft, named).to_dict()["findings"] == review(draft, inline).to_dict()["findings"]


def test_a_child_names_its_own_lists_over_an_inherited_rule(tmp_path):
    write(tmp_path, "parent.yml", HEAD.format(id="parent") + RULES_INLINE)
    child = write(
        tmp_path,
        "child.yml",
        """\
        id: child
        name: Child
        version: "1"
        description: Extends.
        extends: parent
        rules:
          - id: urgency
            phrases: from lists.urgent
        lists:
          urgent: [hurry]
        """,
    )
    pb = load_playbook(child)
    assert pb.rule("urgency").phrases == ("hurry",)
    assert pb.rule("urgency").patterns == ("\\bonly \\d+ left\\b",)  # inherited, inline


def test_a_missing_list_names_file_rule_field_and_a_close_name(tmp_path):
    body = HEAD.format(id="m") + RULES_NAMED.replace(
        "phrases: from lists.urgency-phrases", "phrases: from lists.urgency-phrase"
    ).replace("  urgency-phrases:", "  urgency-words:")
    path = write(tmp_path, "m.yml", body)
    problems = problems_of(path)
    assert (
        f"{path}: rule urgency: phrases: from lists.urgency-phrase: no list 'urgency-phrase' "
        "under lists: (did you mean 'urgency-words'?)"
    ) in problems
    assert f"{path}: lists.urgency-words: no rule names it" in "\n".join(problems)


def test_a_file_without_lists_says_so(tmp_path):
    body = HEAD.format(id="n") + RULES_INLINE.replace(
        'phrases: ["act now", "last chance"]', "phrases: from lists.urgency"
    )
    path = write(tmp_path, "n.yml", body)
    assert (
        f"{path}: rule urgency: phrases: from lists.urgency: this file has no lists: section"
        in problems_of(path)
    )


def test_a_malformed_reference_is_named(tmp_path):
    body = HEAD.format(id="r") + RULES_INLINE.replace(
        'phrases: ["act now", "last chance"]', "phrases: from list.urgency"
    )
    path = write(tmp_path, "r.yml", body)
    assert (
        f"{path}: rule urgency: phrases: 'from list.urgency' is not a list's name "
        "(write 'from lists.NAME')"
    ) in problems_of(path)


def test_a_problem_inside_a_list_names_the_rule_and_the_list(tmp_path):
    body = HEAD.format(id="p") + RULES_NAMED.replace(
        "    - '\\bonly \\d+ left\\b'", "    - '(unclosed'"
    ).replace("  stock: [how can we help]", "  stock: [how can we help, 3]")
    path = write(tmp_path, "p.yml", body)
    problems = problems_of(path)
    assert any(
        p.startswith(f"{path}: rule urgency: patterns (from lists.urgency-patterns): bad regex")
        for p in problems
    ), problems
    assert (
        f"{path}: rule reply-rule: metrics.reply_deflects.stock (from lists.stock): must be "
        "a list of words"
    ) in problems


def test_the_lists_section_must_be_a_mapping_of_lists(tmp_path):
    path = write(tmp_path, "s.yml", HEAD.format(id="s") + RULES_INLINE + "lists: [a, b]\n")
    assert f"{path}: lists: must be a mapping of list name -> list" in problems_of(path)
    path = write(tmp_path, "t.yml", HEAD.format(id="t") + RULES_INLINE + "lists:\n  one: act now\n")
    assert f"{path}: lists.one: must be a list (or, for a swap, a mapping)" in problems_of(path)
    path = write(tmp_path, "u.yml", HEAD.format(id="u") + RULES_INLINE + "lists:\n  Big: [x]\n")
    assert any("lists: 'Big': a list's name uses lowercase" in p for p in problems_of(path))


def test_an_edit_to_a_list_is_seen(tmp_path):
    path = write(tmp_path, "e.yml", HEAD.format(id="e") + RULES_NAMED)
    first = load_playbook(path)
    path.write_text(path.read_text().replace('"last chance"', '"zorblax"'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_playbook(path)
    assert second is not first
    assert second.rule("urgency").phrases == ("act now", "zorblax")
    assert any(f.quote == "zorblax" for f in review("Buy zorblax", second).findings)


# ---- the shipped playbooks ------------------------------------------------------------------

_SHIPPED = sorted(default_playbook_dir().glob("*.yml"))


@pytest.mark.parametrize("path", _SHIPPED, ids=lambda p: p.name)
def test_every_shipped_pattern_says_what_it_is_for(path):
    """A comment right above each pattern (or a pattern the comment above also covers)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    in_patterns, bare = False, []
    for i, line in enumerate(lines):
        key = re.match(r"^( *)(?:- )?([\w-]+):", line)
        if key and not line.lstrip().startswith("#"):
            in_patterns = key.group(2) == "patterns" or key.group(2).endswith("-patterns")
            continue
        if in_patterns and re.match(r"^ *- '", line) and not lines[i - 1].lstrip().startswith("#"):
            bare.append(line.strip()[:60])
    assert bare == []


def test_the_default_playbook_keeps_its_rules_short():
    """Each rule's own lines (id to the next rule) fit on a screen; its lists are at the end."""
    text = (default_playbook_dir() / "rules-of-engagement.yml").read_text(encoding="utf-8")
    rules_part = text[text.index("\nrules:") : text.index("\nlists:")]
    blocks = re.split(r"\n(?=  - id: )", rules_part)[1:]
    assert len(blocks) == len(
        load_playbook(default_playbook_dir() / "rules-of-engagement.yml").rules
    )
    longest = max(blocks, key=lambda b: b.count("\n"))
    assert longest.count("\n") <= 70, longest.split("\n")[0]
