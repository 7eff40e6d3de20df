"""The loaded playbooks kept on disk (stored.py): a warm start parses no YAML, and any
change to the bytes it was made from (the file, its `extends` parent, a new file that
changes which parent is found, the engine's code) is noticed; a damaged or foreign entry
is ignored and rebuilt."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from bot.review.playbooks import loader, stored
from bot.review.playbooks.loader import PlaybookLibrary, load_playbook
from tests.review.playbooks.test_loader import GOOD_RULE, HEAD, PRINCIPLES, parent, write


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Each test gets its own user cache directory, and starts as a new process would."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setattr(stored, "_IDS", None)
    _new_process()


def _new_process():
    """Forget what this process loaded: only the disk cache is left."""
    loader._CACHE.clear()
    loader._ID_CACHE.clear()
    loader._PEEKED.clear()
    stored._IDS = None


def _refusing(path, where):
    """In place of the YAML reader: the load must come from the disk cache."""
    raise AssertionError(f"parsed {where}: the stored playbook was not used")


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "xdg-cache" / "socialway" / "loaded").glob("*.playbook"))


def _edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Same size, same modification time: only the bytes tell the edit apart."""
    assert len(old) == len(new)
    stat = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_warm_load_parses_no_yaml_and_gives_the_same_playbook(tmp_path, monkeypatch):
    parent(tmp_path)
    lib = PlaybookLibrary([tmp_path], default_id="parent")
    first = lib.get(None)
    assert lib.unreadable() == []
    _new_process()
    monkeypatch.setattr(loader, "_read_yaml", _refusing)
    second = lib.get(None)
    assert second is not first
    assert second.rules == first.rules and second.principles == first.principles
    assert second.compiled.rules is second.rules
    assert lib.ids() == ["parent"] and lib.unreadable() == []


def test_an_edit_is_noticed_by_its_bytes(tmp_path):
    path = parent(tmp_path)
    assert load_playbook(path).rule("jargon").phrases == ("synergy",)
    _edit_keeping_mtime(path, "synergy", "leveraj")
    _new_process()
    assert load_playbook(path).rule("jargon").phrases == ("leveraj",)


def test_an_edit_of_the_extends_parent_is_noticed(tmp_path):
    ppath = parent(tmp_path)
    child = write(tmp_path, "child.yml", HEAD.format(id="child") + "extends: parent\nrules: []\n")
    assert load_playbook(child).rule("jargon").phrases == ("synergy",)
    _edit_keeping_mtime(ppath, "synergy", "leveraj")
    _new_process()
    assert load_playbook(child).rule("jargon").phrases == ("leveraj",)


def test_a_new_file_that_changes_which_parent_is_found_is_noticed(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    parent(shared)
    team = tmp_path / "team"
    team.mkdir()
    child = write(team, "child.yml", HEAD.format(id="child") + "extends: parent\nrules: []\n")
    assert load_playbook(child, search_dirs=[shared]).rule("jargon").phrases == ("synergy",)
    local = parent(team)  # the same id beside the child: found first from now on
    local.write_text(local.read_text().replace("synergy", "leverage"))
    _new_process()
    assert load_playbook(child, search_dirs=[shared]).rule("jargon").phrases == ("leverage",)


def test_a_change_of_the_engines_code_is_noticed(tmp_path, monkeypatch):
    path = parent(tmp_path)
    load_playbook(path)
    _new_process()
    monkeypatch.setattr(stored, "cache_key", lambda rules: "other code")
    monkeypatch.setattr(loader, "_read_yaml", _refusing)
    with pytest.raises(AssertionError, match="stored playbook was not used"):
        load_playbook(path)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps("state only")])
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path, monkeypatch, damage):
    parent(tmp_path)
    lib = PlaybookLibrary([tmp_path], default_id="parent")
    want = lib.get(None).rules
    (entry,) = _entries(tmp_path)
    ids = entry.parent / stored.IDS_FILE
    entry.write_bytes(damage)
    ids.write_bytes(damage)
    _new_process()
    assert lib.get(None).rules == want
    assert entry.read_bytes() != damage and ids.read_bytes() != damage  # rewritten
    _new_process()
    monkeypatch.setattr(loader, "_read_yaml", _refusing)
    assert lib.get(None).rules == want  # and read again


def test_an_entry_of_the_wrong_shape_is_ignored_and_rebuilt(tmp_path):
    # Pickles that load, in the right place, with the right state, holding the wrong things.
    parent(tmp_path)
    lib = PlaybookLibrary([tmp_path], default_id="parent")
    want = lib.get(None).rules
    (entry,) = _entries(tmp_path)
    with open(entry, "rb") as fh:
        state = pickle.load(fh)
    ids = entry.parent / stored.IDS_FILE
    digest = stored.file_digest(tmp_path / "parent.yml")
    for planted, wrong_ids in [
        (pickle.dumps(state) + pickle.dumps("not a playbook"), {str(tmp_path / "parent.yml"): 1}),
        (pickle.dumps(state), {str((tmp_path / "parent.yml").resolve()): (digest, "x")}),
    ]:
        entry.write_bytes(planted)
        ids.write_bytes(pickle.dumps(wrong_ids))
        os.chmod(entry, 0o600)
        os.chmod(ids, 0o600)
        _new_process()
        assert lib.get(None).rules == want
        assert lib.ids() == ["parent"]


def test_an_entry_others_may_write_is_never_read(tmp_path):
    # A valid entry holding a changed playbook, planted under this load's key: used when
    # the file is this user's alone (so the cache really is read), ignored otherwise.
    path = parent(tmp_path)
    load_playbook(path)
    (entry,) = _entries(tmp_path)
    with open(entry, "rb") as fh:
        state, playbook = pickle.load(fh), pickle.load(fh)
    playbook.compiled.rules = playbook.rules  # as the loader puts them back
    planted = pickle.dumps(state) + pickle.dumps(replace(playbook, name="Planted"))
    entry.write_bytes(planted)
    os.chmod(entry, 0o666)
    _new_process()
    assert load_playbook(path).name == "Test"
    entry.write_bytes(planted)
    os.chmod(entry, 0o600)
    _new_process()
    assert load_playbook(path).name == "Planted"


def test_a_broken_playbook_is_never_kept(tmp_path):
    path = write(tmp_path, "bad.yml", HEAD.format(id="bad") + PRINCIPLES + "rules: [1]\n")
    for _ in range(2):
        with pytest.raises(loader.PlaybookError):
            load_playbook(path)
        _new_process()
    assert _entries(tmp_path) == []
    write(tmp_path, "bad.yml", HEAD.format(id="bad") + PRINCIPLES + "rules:\n" + GOOD_RULE)
    assert load_playbook(path).rule("urgency")
