"""Loaded playbooks kept on disk, so a warm start reads no YAML and runs no validation.

Parsing and checking a playbook's YAML costs more than reviewing a short draft, and the
CLI starts afresh for each draft. So what the loader made of the files is kept in the
user's cache directory (beside the compiled tables, see compiled.py): each file's `id`
(or why it can't be read), keyed by its path and bytes, and each loaded Playbook with its
compiled tables, used only when it was made from the same state: the bytes of every
playbook file in the folders its `extends` chain is looked up in (so an edit, a parent's
edit or a new file that would change which parent is found all miss) and the code of the
rules engine and the playbooks (compiled.cache_key). An unreadable, damaged or foreign
entry is ignored and rebuilt: this cache is only a speed-up.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import time
from pathlib import Path

from bot.review.core.resources import key_hash, open_private, user_cache_dir, write_pickles
from bot.review.rules.compiled import cache_key

DIR_NAME = "loaded"  # under the user's cache directory
IDS_FILE = "ids.pickle"
ENTRY_SUFFIX = ".playbook"
STALE_AFTER = 30 * 86400  # seconds: a playbook entry not read for this long is removed
_IDS: dict | None = None  # the ids file, read once a process: {path: (digest, found)}


def file_digest(path: Path) -> str | None:
    """A hash of the file's bytes, or None when it can't be read (the loader says why)."""
    try:
        return key_hash(path.read_bytes()).hexdigest()
    except OSError:
        return None


def state_digest(files: list[Path]) -> str:
    """A hash of these files' names and bytes and of the code that loads and compiles."""
    h = key_hash(cache_key(()).encode())
    for path in files:
        h.update(f"|{path}|{file_digest(path)}".encode())
    return h.hexdigest()


def _cache_dir() -> Path | None:
    base = user_cache_dir()
    return None if base is None else base / DIR_NAME


# ---- each file's id ----------------------------------------------------------------------


def _ids() -> dict:
    global _IDS
    if _IDS is None:
        _IDS = {}
        folder = _cache_dir()
        fh = open_private(folder / IDS_FILE) if folder is not None else None
        if fh is not None:
            with fh, contextlib.suppress(Exception):  # damaged: start afresh
                found = pickle.load(fh)
                _IDS = found if isinstance(found, dict) else {}
    return _IDS


def peeked(path: Path, digest: str):
    """What peeking at this file found when it held these bytes, or None."""
    hit = _ids().get(str(path))
    if not (isinstance(hit, tuple) and len(hit) == 2 and hit[0] == digest):
        return None
    found = hit[1]  # (id or None, problems), unless the file was not written by save_peek
    return found if isinstance(found, tuple) and len(found) == 2 else None


def save_peek(path: Path, digest: str, found) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    ids = _ids()
    ids[str(path)] = (digest, found)
    write_pickles(folder / IDS_FILE, ids)


# ---- loaded playbooks --------------------------------------------------------------------


def _entry(where: str, path: Path, search_dirs: tuple[Path, ...]) -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    name = repr((where, str(path), [str(d) for d in search_dirs])).encode()
    return folder / (key_hash(name, 12).hexdigest() + ENTRY_SUFFIX)


def load(where: str, path: Path, search_dirs: tuple[Path, ...], state: str):
    """The playbook kept for this load when it was saved in this state, else None."""
    entry = _entry(where, path, search_dirs)
    fh = open_private(entry) if entry is not None else None
    if fh is None:
        return None
    with fh:
        try:
            if pickle.load(fh) != state:
                return None
            playbook = pickle.load(fh)
        except Exception:  # damaged: built afresh and saved over
            return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept by the clean-up in save
    return playbook


def save(where: str, path: Path, search_dirs: tuple[Path, ...], state: str, playbook) -> None:
    """Keeps a loaded playbook, with the state digest taken before its files were read."""
    entry = _entry(where, path, search_dirs)
    if entry is None:
        return
    write_pickles(entry, state, playbook)
    with contextlib.suppress(OSError):
        for old in entry.parent.iterdir():
            if old.name.endswith(ENTRY_SUFFIX) and time.time() - old.stat().st_mtime > STALE_AFTER:
                old.unlink(missing_ok=True)  # a playbook not loaded for a month
