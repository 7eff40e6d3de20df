"""Where Social Way's own data files are, and where its caches go.

The playbooks and prompts that ship with Social Way are package data: the wheel carries
the repository's top-level `playbooks/` and `prompts/` as `bot/playbooks` and
`bot/prompts` (pyproject.toml maps them), so `pip install .`, a wheel or pipx find them
beside the package's own files wherever pip put it. A source checkout (an editable
install, the tests) has no such folders inside `bot/`: there they are the top-level ones
beside it. Installs must be unpacked on disk (pip and pipx always do): playbooks are read,
compiled and watched for changes as files, so the package folder is found from this file's
path (what importlib.resources would answer, without its ~10 ms of imports at every start).

Caches (the compiled playbooks) go in the user's cache directory, never beside the source,
which may be read-only or shared: $XDG_CACHE_HOME/socialway, else the platform's usual
place (~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from pathlib import Path

try:  # hashlib's own blake2b, without importing hashlib: its OpenSSL set-up cost ~3 ms
    from _blake2 import blake2b  # of every `socialway` start
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

APP_NAME = "socialway"


def key_hash(data: bytes = b"", size: int = 16):
    """A blake2b hash (`size` bytes) of `data`, for the caches' keys and file names."""
    return blake2b(data, digest_size=size)


def shipped_dir(name: str) -> Path:
    """The folder of shipped data called `name` ("playbooks" or "prompts")."""
    package = Path(__file__).parent.parent.parent  # bot/review/core/ -> bot/
    packaged = package / name
    if packaged.is_dir():  # an installed wheel
        return packaged
    return package.parent / name  # a source checkout: the top-level folder beside bot/


def user_cache_dir(env=None) -> Path | None:
    """This user's cache directory for Social Way, or None when there is no home to use."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is ignored
        return Path(xdg) / APP_NAME
    if sys.platform == "win32":
        local = env.get("LOCALAPPDATA", "").strip()
        return Path(local) / APP_NAME / "Cache" if local else None
    home = env.get("HOME", "").strip() or os.path.expanduser("~")
    if not home or home == "~":
        return None
    if sys.platform == "darwin":
        return Path(home) / "Library" / "Caches" / APP_NAME
    return Path(home) / ".cache" / APP_NAME


def open_private(path: Path):
    """A cache file open for reading, or None (absent, or not this user's alone:
    unpickling runs code, so only a file no one else can change is read)."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed by the caller's with)
    except OSError:
        return None
    st = os.fstat(fh.fileno())
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        fh.close()
        return None
    return fh


def write_pickles(path: Path, *objects) -> bool:
    """Pickles `objects` into `path` atomically (a reader sees the old file or the new);
    False when it can't (read-only home, full disk...): a cache is only a speed-up."""
    import tempfile  # only a cold start writes a cache

    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as fh:
            tmp = fh.name
            for obj in objects:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        return True
    except Exception:
        return False
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
