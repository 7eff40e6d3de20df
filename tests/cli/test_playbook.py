"""`socialway playbook list|check` in a subprocess, on the real default and fixture playbooks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.review.playbooks.loader import load_playbook
from tests.fakes.cli import ROOT, cli_env, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "cli"


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, text=True)


def fixture(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    return path


def test_list_shows_the_default_playbook_with_its_path():
    result = run("playbook", "list")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "VERSION", "RULES", "PATH"]
    (row,) = [r for r in rows if r.startswith("rules-of-engagement ")]
    assert row.endswith(str(Path("playbooks") / "rules-of-engagement.yml"))
    assert re.search(r"\s\d+\s", row)  # the number of rules


def test_list_json():
    result = run("playbook", "list", "--json")
    assert result.returncode == 0, result.stderr
    books = {b["id"]: b for b in map(json.loads, result.stdout.splitlines())}
    default = books["rules-of-engagement"]
    assert default["rules"] >= 8  # the eight principles, at least one rule each
    assert set(default) == {"id", "name", "version", "rules", "path"}


def test_check_the_default_playbook_passes():
    result = run("playbook", "check", "rules-of-engagement")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"rules-of-engagement: \d+ rules, \d+ examples, all pass\n", result.stdout)


def test_check_every_playbook_by_default():
    result = run("playbook", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rules-of-engagement: " in result.stdout


def test_check_a_valid_playbook_file(tmp_path):
    result = run("playbook", "check", str(fixture(tmp_path, "tiny-playbook.yml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "tiny: 2 rules, 5 examples, all pass\n"


def test_check_reports_a_failing_example_as_file_rule_example(tmp_path):
    path = fixture(tmp_path, "failing-example.yml")
    result = run("playbook", "check", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        "failing-example.yml" in ln and ":hype:" in ln and "no hype in it" in ln for ln in lines
    ), result.stdout
    assert lines[-1] == "failing-example: 1 rule, 2 examples, 1 failing"


def test_check_a_malformed_playbook_names_file_rule_and_field(tmp_path):
    path = fixture(tmp_path, "malformed.yml")
    result = run("playbook", "check", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any("malformed.yml" in ln and "no-why" in ln and "why" in ln for ln in lines)
    assert any(
        "malformed.yml" in ln and "bad-metric" in ln and "sparkle_count" in ln for ln in lines
    )


def test_check_an_unknown_id_or_missing_file_is_a_usage_error(tmp_path):
    for target in ("no-such-playbook", str(tmp_path / "missing.yml")):
        result = run("playbook", "check", target)
        assert result.returncode == 2, target
        assert Path(target).name in result.stderr
        assert "Traceback" not in result.stderr


def test_playbook_needs_a_subcommand():
    result = run("playbook")
    assert result.returncode == 2
    assert "usage" in result.stderr


HEAD = 'id: {id}\nname: Broken\nversion: "1"\ndescription: One problem.\n'
RULE = (
    "rules:\n  - id: r1\n    title: T\n    why: W\n    severity: info\n    suggest: S\n"
    '    phrases: ["synergy"]\n'
)
BROKEN = {  # problem kind -> (playbook body, words its line must hold besides the file)
    "unknown-key": (RULE + "    sparkle: 1\n", ("rule r1", "sparkle", "unknown key")),
    "bad-regex": (RULE + "    patterns: ['(unclosed']\n", ("rule r1", "patterns", "regex")),
    "unknown-metric": (RULE + "    metrics: {glitter: {max: 1}}\n", ("rule r1", "glitter")),
    "missing-why": (RULE.replace("    why: W\n", ""), ("rule r1", "why", "missing")),
    "unknown-parent": ("extends: ghost\nrules: []\n", ("extends", "ghost")),
    "extends-cycle": ("extends: {id}\nrules: []\n", ("extends", "cycle")),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_each_kind_of_playbook_mistake_names_file_rule_and_field(tmp_path, kind):
    body, words = BROKEN[kind]
    path = tmp_path / f"{kind}.yml"
    path.write_text(HEAD.format(id=kind) + body.replace("{id}", kind), encoding="utf-8")
    checked = run("playbook", "check", str(path))
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert any(
        str(path) in ln and all(w in ln for w in words) for ln in checked.stdout.splitlines()
    )
    reviewed = run("review", "--playbook", str(path), "Hello, what do you think?")
    assert reviewed.returncode == 2 and reviewed.stdout == ""
    assert "Traceback" not in reviewed.stderr
    assert any(
        str(path) in ln and all(w in ln for w in words) for ln in reviewed.stderr.splitlines()
    )


def test_list_and_check_include_the_folders_in_socialway_playbooks(tmp_path):
    # `review --playbook tiny` finds a playbook in SOCIALWAY_PLAYBOOKS; list and check must too
    fixture(tmp_path, "tiny-playbook.yml")
    env = cli_env(SOCIALWAY_PLAYBOOKS=str(tmp_path))
    tiny_id = load_playbook(tmp_path / "tiny-playbook.yml").id
    listed = run_cli("playbook", "list", "--json", env=env, text=True)
    assert listed.returncode == 0, listed.stderr
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert tiny_id in ids and "rules-of-engagement" in ids
    checked = run_cli("playbook", "check", env=env, text=True)
    assert f"{tiny_id}: " in checked.stdout, checked.stdout + checked.stderr


# ---- a broken file never hides the good ones, and is always named --------------------------

UNREADABLE = {
    "tabbed.yml": 'id: tabbed\nname: T\nversion: "1"\n\tdescription: x\n',
    "syntax.yml": 'id: syntax\nname: [unclosed\nversion: "1"\n',
    "listed.yml": "- id: listed\n- name: L\n",
    "dupes.yml": (FIXTURES / "tiny-playbook.yml")
    .read_text(encoding="utf-8")
    .replace("id: tiny", "id: dupes")
    .replace("id: shouting-marks", "id: hype"),
}


def broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    folder.mkdir()
    for name, text in UNREADABLE.items():
        (folder / name).write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "tiny-playbook.yml", folder / "tiny.yml")
    return folder


def test_list_shows_the_good_playbooks_and_names_each_broken_file(tmp_path):
    folder = broken_folder(tmp_path)
    result = run_cli("playbook", "list", env=cli_env(SOCIALWAY_PLAYBOOKS=str(folder)), text=True)
    assert result.returncode == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert "tiny" in ids and "rules-of-engagement" in ids
    assert not {"tabbed", "syntax", "listed", "dupes"} & set(ids)
    err = result.stderr
    assert f"{folder / 'tabbed.yml'}: line 4: invalid YAML:" in err
    assert f"{folder / 'syntax.yml'}: line " in err and "invalid YAML" in err
    assert f"{folder / 'listed.yml'}: must be a mapping" in err
    assert f"{folder / 'dupes.yml'}: rule hype: id: duplicate rule id" in err
    assert "Traceback" not in err


def test_check_reports_every_broken_file_checks_the_good_ones_and_exits_1(tmp_path):
    folder = broken_folder(tmp_path)
    result = run_cli("playbook", "check", env=cli_env(SOCIALWAY_PLAYBOOKS=str(folder)), text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    for name in ("tabbed.yml", "syntax.yml", "listed.yml"):
        assert f"{folder / name}: not loaded (cannot be read)" in out
    assert "dupes: not loaded (1 problem)" in out
    assert "tiny: 2 rules, 5 examples, all pass" in out
    assert re.search(r"rules-of-engagement: \d+ rules, \d+ examples, all pass", out)
    one = run_cli(
        "playbook", "check", "tabbed", env=cli_env(SOCIALWAY_PLAYBOOKS=str(folder)), text=True
    )
    assert one.returncode == 1
    assert f"{folder / 'tabbed.yml'}: line 4: invalid YAML" in one.stdout
    assert one.stdout.endswith("tabbed: not loaded (cannot be read)\n")


def test_review_warns_about_a_broken_file_and_still_reviews(tmp_path):
    folder = broken_folder(tmp_path)
    env = cli_env(SOCIALWAY_PLAYBOOKS=str(folder))
    result = run_cli("review", "--json", "Hello there", env=env, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["playbook"] == "rules-of-engagement"
    assert f"socialway: warning: {folder / 'tabbed.yml'}: line 4: invalid YAML" in result.stderr
    picked = run_cli("review", "--playbook", "tabbed", "Hello", env=env, text=True)
    assert picked.returncode == 2
    assert f"{folder / 'tabbed.yml'}: line 4: invalid YAML" in picked.stderr
    assert "Unknown playbook" not in picked.stderr
