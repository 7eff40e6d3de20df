"""The package works when installed the normal way: the wheel carries the playbooks and
prompts, an install outside the source tree finds them, and caches go to the user's cache
directory. The wheel is built here with hatchling (no build isolation, so no network) and
installed with pip --no-deps --no-index into a folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.review.core.resources import shipped_dir, user_cache_dir
from tests.paths import ROOT


def test_a_source_checkout_reads_the_top_level_folders():
    assert shipped_dir("playbooks") == ROOT / "playbooks"
    assert shipped_dir("prompts") == ROOT / "prompts"


def test_the_user_cache_dir_follows_xdg_then_the_home(monkeypatch):
    assert user_cache_dir({"XDG_CACHE_HOME": "/x/cache", "HOME": "/h"}) == Path(
        "/x/cache/socialway"
    )
    if sys.platform.startswith("linux"):
        assert user_cache_dir({"HOME": "/h"}) == Path("/h/.cache/socialway")
        # the XDG spec: a relative XDG_CACHE_HOME is ignored
        assert user_cache_dir({"XDG_CACHE_HOME": "rel", "HOME": "/h"}) == Path(
            "/h/.cache/socialway"
        )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (the test extra) builds the wheel")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    return out / built.stdout.strip().splitlines()[-1]


def test_the_wheel_carries_every_module_playbook_and_prompt(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    want = {p.relative_to(ROOT).as_posix() for p in (ROOT / "bot").rglob("*.py")}
    for folder in ("playbooks", "prompts"):
        files = [p for p in (ROOT / folder).iterdir() if p.is_file()]
        assert files
        want |= {f"bot/{folder}/{p.name}" for p in files}
    assert want <= names, sorted(want - names)
    assert not [n for n in names if "__pycache__" in n or n.endswith((".compiled", ".pyc"))]
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "socialway = bot.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed with pip into a folder outside the source tree (its dependencies
    are this test run's own)."""
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    done = subprocess.run(
        [*pip, "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return target


def run_installed(installed: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(PYTHONPATH=str(installed), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("SOCIALWAY_PLAYBOOKS", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # not the source tree: `bot` can only come from the install
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_installed_package_reviews_with_its_own_playbook(installed, tmp_path):
    where = run_installed(installed, tmp_path, "playbook", "list")
    assert where.returncode == 0, where.stderr
    assert str(installed / "bot" / "playbooks" / "rules-of-engagement.yml") in where.stdout
    assert str(ROOT) not in where.stdout
    result = run_installed(installed, tmp_path, "review", "--json", "BUY NOW!!! Only 3 left")
    assert result.returncode == 0, result.stderr
    assert '"rule": "hard-sell"' in result.stdout
    cached = list((tmp_path / "cache" / "socialway" / "playbooks").glob("*.compiled"))
    assert any(p.name.startswith("rules-of-engagement-") for p in cached), cached
    assert not list(installed.rglob("*.compiled"))  # nothing written beside the install


def test_the_installed_package_checks_its_playbooks_and_prompts(installed, tmp_path):
    check = run_installed(installed, tmp_path, "playbook", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    prompts = subprocess.run(
        [sys.executable, "-c", "from bot.review.llm.prompts import load_prompts as l; l()"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert prompts.returncode == 0, prompts.stderr
