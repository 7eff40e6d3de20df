"""Running `socialway` as a user does: a real subprocess, with none of this machine's settings.

Shared by the CLI tests so each one starts from the same clean environment: no colour
preference, no LLM key, no Slack token and no database unless the test gives one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SETTINGS = (
    "NO_COLOR", "FORCE_COLOR", "OPENAI_", "SOCIALWAY_", "SLACK_", "DRAFT_RETENTION", "DATABASE_URL"
)  # fmt: skip


def cli_env(**extra: str) -> dict[str, str]:
    """This process's environment without local settings (rules engine only), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(LOCAL_SETTINGS)}
    env.update(PYTHONUTF8="1", **extra)
    return env


def run_cli(
    *args: str,
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
    text: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` from the repo root; output as bytes, or str with `text=True`."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        input=stdin.decode("utf-8") if text else stdin,
        capture_output=True,
        text=text,
        env=env if env is not None else cli_env(),
        timeout=timeout,
    )
