"""Loading playbooks: validation (one line per problem naming file, rule and field),
`extends`, caching and the library."""

from __future__ import annotations

import os
import pickle
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.review.playbooks import loader as playbook_mod
from bot.review.playbooks.loader import (
    PlaybookError,
    PlaybookLibrary,
    check_examples,
    load_playbook,
)
from bot.review.rules import compiled as compiled_mod
from bot.review.rules.engine import review
from tests.paths import FIXTURES

FIXTURES = FIXTURES / "playbooks"

HEAD = """\
id: {id}
name: Test
version: "1"
description: A test playbook.
"""
PRINCIPLES = """\
principles:
  - id: respect
    title: Respect
    why: People first.
"""
GOOD_RULE = """\
  - id: urgency
    principle: respect
    title: Urgency
    why: Urgency pushes.
    severity: warning
    suggest: Say when it ends.
    phrases: ["act now"]
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert str(err.value) == "\n".join(err.value.problems)
    return err.value.problems


def test_fixture_playbook_loads_with_defaults():
    pb = load_playbook(FIXTURES / "basic.yml")
    assert pb.id == "basic" and pb.version == "1.0"
    jargon = pb.rule("jargon")
    assert jargon.penalty == 4  # info default
    assert pb.rule("brand-voice").penalty == 12  # explicit
    assert pb.rule("urgency").penalty == 10
    assert check_examples(pb) == []


def test_every_problem_is_reported_on_its_own_line(tmp_path):
    path = write(
        tmp_path,
        "bad.yml",
        HEAD.format(id="bad")
        + PRINCIPLES
        + """\
colour: blue
rules:
  - id: r1
    principle: respect
    title: T
    severity: loud
    suggest: S
    phrases: ["x"]
    patterns: ['(unclosed']
    metrics: {sparkle: {}, caps_words: {shout: 1}, hashtags: {max: -1}}
    surprise: 1
  - id: r1
    principle: respect
    title: T
    why: W
    severity: info
    suggest: S
    phrases: ["y"]
  - id: r3
    principle: nowhere
    title: T
    why: W
    severity: info
    suggest: S
    phrases: ["z"]
  - id: r4
    principle: respect
    title: T
    why: W
    severity: info
    suggest: S
""",
    )
    problems = problems_of(path)
    where = str(path)
    expected = [
        f"{where}: colour: unknown key",
        f"{where}: rule r1: surprise: unknown key",
        f"{where}: rule r1: severity: 'loud' is not one of info, warning, problem",
        f"{where}: rule r1: patterns: bad regex '(unclosed'",
        f"{where}: rule r1: metrics: unknown metric 'sparkle'",
        f"{where}: rule r1: metrics.caps_words: unknown parameter 'shout'",
        f"{where}: rule r1: metrics.hashtags.max: must be a whole number",
        f"{where}: rule r1: why: missing",
        f"{where}: rule r1: id: duplicate rule id",
        f"{where}: rule r3: principle: 'nowhere' is not declared",
        f"{where}: rule r4: checks: none given",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert all(p.startswith(where + ": ") for p in problems)


def test_missing_top_level_fields_and_unquoted_version(tmp_path):
    path = write(tmp_path, "p.yml", "id: Bad_Id\nversion: 2026.1\nrules: []\n")
    problems = problems_of(path)
    assert f"{path}: name: missing" in problems
    assert f"{path}: description: missing" in problems
    assert f"{path}: version: must be text (put it in quotes)" in problems
    assert any("id: 'Bad_Id' must use lowercase" in p for p in problems)


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.yml", HEAD.format(id="b") + "rules:\n  - id: [unclosed\n")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: line ")
    assert "invalid YAML" in problems[0]


def test_unreadable_inputs(tmp_path):
    assert problems_of(tmp_path / "nope.yml") == [f"{tmp_path / 'nope.yml'}: no such file"]
    empty = write(tmp_path, "empty.yml", "")
    assert "empty file" in problems_of(empty)[0]
    listy = write(tmp_path, "list.yml", "- a\n- b\n")
    assert "must be a mapping" in problems_of(listy)[0]


def test_bad_examples_are_reported(tmp_path):
    path = write(
        tmp_path,
        "ex.yml",
        HEAD.format(id="ex")
        + PRINCIPLES
        + "rules:\n"
        + GOOD_RULE
        + """\
    examples:
      fail: [{text: "act now", platform: myspace, mood: 1}]
      pass: [""]
      maybe: []
""",
    )
    problems = problems_of(path)
    assert any("rule urgency: examples.fail[1]: platform: unknown 'myspace'" in p for p in problems)
    assert any("rule urgency: examples.fail[1]: unknown key 'mood'" in p for p in problems)
    assert any("rule urgency: examples.pass[1]: empty text" in p for p in problems)
    assert any("rule urgency: examples: unknown key 'maybe'" in p for p in problems)


def test_pattern_that_matches_empty_text_is_rejected(tmp_path):
    rule = GOOD_RULE.replace('phrases: ["act now"]', "patterns: ['x*']")
    path = write(tmp_path, "e.yml", HEAD.format(id="e") + PRINCIPLES + "rules:\n" + rule)
    assert any("patterns: 'x*' matches empty text" in p for p in problems_of(path))


# ---- extends ------------------------------------------------------------------------------


def parent(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        "parent.yml",
        HEAD.format(id="parent")
        + PRINCIPLES
        + "rules:\n"
        + GOOD_RULE
        + """\
  - id: jargon
    principle: respect
    title: Jargon
    why: Jargon says nothing.
    severity: info
    suggest: Plain words.
    phrases: ["synergy"]
""",
    )


def test_extends_overrides_disables_and_adds(tmp_path):
    parent(tmp_path)
    child = write(
        tmp_path,
        "child.yml",
        HEAD.format(id="child")
        + "extends: parent\n"
        + """\
principles:
  - id: warmth
    title: Warmth
    why: Be kind.
rules:
  - id: urgency
    severity: problem
    phrases: ["act now", "hurry"]
  - id: jargon
    disabled: true
  - id: cold
    principle: warmth
    title: Cold
    why: Coldness pushes people away.
    severity: info
    suggest: Warm up.
    phrases: ["per our policy"]
""",
    )
    pb = load_playbook(child)
    assert [r.id for r in pb.rules] == ["urgency", "cold"]
    urgency = pb.rule("urgency")
    assert urgency.severity == "problem" and urgency.penalty == 16  # default follows severity
    assert urgency.why == "Urgency pushes."  # inherited field kept
    assert pb.disabled == ("jargon",)
    assert {p.id for p in pb.principles} == {"respect", "warmth"}
    found = {f.rule for f in review("Hurry, synergy, per our policy", pb).findings}
    assert found == {"urgency", "cold"}


def test_extends_unknown_parent(tmp_path):
    path = write(tmp_path, "c.yml", HEAD.format(id="c") + "extends: ghost\nrules: []\n")
    problems = problems_of(path)
    assert any(p.startswith(f"{path}: extends: unknown playbook 'ghost'") for p in problems)


def test_extends_cycle(tmp_path):
    write(tmp_path, "a.yml", HEAD.format(id="a") + "extends: b\nrules: []\n")
    b = write(tmp_path, "b.yml", HEAD.format(id="b") + "extends: a\nrules: []\n")
    problems = problems_of(b)
    assert any("extends: cycle" in p for p in problems), problems
    selfish = write(tmp_path, "s.yml", HEAD.format(id="s") + "extends: s\nrules: []\n")
    assert any("extends: cycle" in p for p in problems_of(selfish))


def test_disabling_a_rule_that_is_not_inherited(tmp_path):
    path = write(
        tmp_path, "d.yml", HEAD.format(id="d") + "rules:\n  - id: nothing\n    disabled: true\n"
    )
    assert any("rule nothing: disabled: no inherited rule" in p for p in problems_of(path))


def test_override_is_validated_field_by_field(tmp_path):
    parent(tmp_path)
    child = write(
        tmp_path,
        "child.yml",
        HEAD.format(id="child") + "extends: parent\nrules:\n  - id: urgency\n    severity: meh\n",
    )
    assert any("rule urgency: severity: 'meh'" in p for p in problems_of(child))


# ---- caching and the library ---------------------------------------------------------------


def test_cache_returns_same_object_until_file_changes(tmp_path):
    path = parent(tmp_path)
    first = load_playbook(path)
    assert load_playbook(path) is first
    text = path.read_text().replace("synergy", "leverage")
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_playbook(path)
    assert second is not first
    assert second.rule("jargon").phrases == ("leverage",)


def test_child_cache_notices_parent_change(tmp_path):
    ppath = parent(tmp_path)
    child = write(tmp_path, "child.yml", HEAD.format(id="child") + "extends: parent\nrules: []\n")
    assert load_playbook(child).rule("jargon").phrases == ("synergy",)
    ppath.write_text(ppath.read_text().replace("synergy", "leverage"))
    stat = ppath.stat()
    os.utime(ppath, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_playbook(child).rule("jargon").phrases == ("leverage",)


def test_library_by_id_path_default_and_unknown(tmp_path):
    parent(tmp_path)
    write(tmp_path, "other.yml", HEAD.format(id="other") + PRINCIPLES + "rules:\n" + GOOD_RULE)
    lib = PlaybookLibrary([tmp_path], default_id="parent")
    assert lib.ids() == ["other", "parent"]
    assert lib.get(None).id == "parent"
    assert lib.get("other").id == "other"
    assert lib.get(str(FIXTURES / "basic.yml")).id == "basic"
    assert [p.id for p in lib.all()] == ["other", "parent"]
    with pytest.raises(PlaybookError) as err:
        lib.get("nope")
    assert err.value.problems == ["Unknown playbook 'nope'. Known: other, parent"]


def test_default_library_finds_repo_playbooks():
    lib = PlaybookLibrary()
    assert "rules-of-engagement" in lib.ids()
    assert lib.get(None).id == "rules-of-engagement"


# ---- the compiled-playbook cache, in the user's cache directory ----------------------------


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Each test gets its own user cache directory (XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def _fresh_copy(tmp_path, text=None):
    path = tmp_path / "basic.yml"
    path.write_text(text if text is not None else (FIXTURES / "basic.yml").read_text())
    _forget_loaded(tmp_path)
    return path


def _forget_loaded(tmp_path):
    """The loaded playbooks forgotten, in memory and on disk (stored.py, tested in
    test_stored.py), so the next load compiles or reads the compiled tables' cache."""
    playbook_mod._CACHE.clear()
    shutil.rmtree(tmp_path / "xdg-cache" / "socialway" / "loaded", ignore_errors=True)


def _cache_dir(tmp_path):
    return tmp_path / "xdg-cache" / "socialway" / "playbooks"


def _cache_files(tmp_path):
    d = _cache_dir(tmp_path)
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


def test_compiled_cache_is_written_and_gives_the_same_reviews(tmp_path):
    path = _fresh_copy(tmp_path)
    first = load_playbook(path)
    files = _cache_files(tmp_path)
    assert len(files) == 1 and files[0].startswith("basic-") and files[0].endswith(".compiled")
    assert not (tmp_path / "__pycache__").exists()  # never beside the playbook
    draft = "Act now!!! Our synergy is best-in-class, don't miss out. #a #b #c #d #e"
    want = review(draft, first).to_dict()
    _forget_loaded(tmp_path)
    second = load_playbook(path)
    assert second is not first and second.compiled is not first.compiled
    assert second.compiled.rules is second.rules
    assert review(draft, second).to_dict() == want
    assert _cache_files(tmp_path) == files


def test_two_playbooks_of_the_same_name_keep_their_own_entries(tmp_path):
    path = _fresh_copy(tmp_path)
    other = tmp_path / "elsewhere" / "basic.yml"
    other.parent.mkdir()
    other.write_text(path.read_text().replace('"act now",', '"act now", "zorblax",', 1))
    load_playbook(path)
    load_playbook(other)
    assert len(_cache_files(tmp_path)) == 2


def test_a_changed_playbook_never_reads_the_stale_entry(tmp_path):
    text = (FIXTURES / "basic.yml").read_text()
    path = _fresh_copy(tmp_path, text)
    load_playbook(path)
    old = _cache_files(tmp_path)
    assert "zorblax" not in text
    _fresh_copy(tmp_path, text.replace('"act now",', '"act now", "zorblax",', 1))
    pb = load_playbook(path)
    assert any(f.quote == "zorblax" for f in review("Buy zorblax today", pb).findings)
    new = _cache_files(tmp_path)
    assert len(new) == 1 and new != old  # the stale entry is gone


def test_cache_is_read_only_when_the_file_is_private_to_this_user(tmp_path):
    # A valid entry holding ANOTHER playbook's tables, planted under this playbook's key:
    # used when the file is this user's alone (so the cache really is read), ignored when
    # others may write it.
    path = _fresh_copy(tmp_path)
    load_playbook(path)
    (entry,) = _cache_dir(tmp_path).iterdir()
    planted = compiled_mod.CompiledPlaybook(())
    entry.write_bytes(pickle.dumps(planted))
    draft = "Act now, don't miss out!"
    os.chmod(entry, 0o666)
    _forget_loaded(tmp_path)
    assert review(draft, load_playbook(path)).findings  # ignored: compiled afresh
    entry.write_bytes(pickle.dumps(planted))
    os.chmod(entry, 0o600)
    _forget_loaded(tmp_path)
    assert not review(draft, load_playbook(path)).findings  # read: the planted tables


def test_corrupt_or_unwritable_cache_is_silently_skipped(tmp_path, monkeypatch):
    path = _fresh_copy(tmp_path)
    load_playbook(path)
    (entry,) = _cache_dir(tmp_path).iterdir()
    entry.write_bytes(b"not a pickle")
    os.chmod(entry, 0o600)
    _forget_loaded(tmp_path)
    assert review("Act now!", load_playbook(path)).findings
    assert entry.read_bytes() != b"not a pickle"  # rewritten
    # A file where the cache directory should be: nothing can be written, all still works.
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "socialway").write_text("in the way")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _forget_loaded(tmp_path)
    assert review("Act now!", load_playbook(path)).findings
    assert (blocked / "socialway").read_text() == "in the way"
