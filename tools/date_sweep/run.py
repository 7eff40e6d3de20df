"""Runs the test suite with the clock faked to awkward instants, to catch date-bound tests.

Every Python process the suite starts (pytest and the `socialway` subprocesses) sees
time.time() and datetime shifted by one shared offset (time-machine, through the
sitecustomize.py beside this file); monotonic clocks are left alone. Each instant runs with
its own TZ. By hand, not in CI:

    pip install -e ".[dates]" && python tools/date_sweep/run.py [name ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
INSTANTS = {
    "monday-utc": ("2026-12-07T00:30:00+00:00", "UTC"),
    "sunday-night-la": ("2026-12-06T23:50:00-08:00", "America/Los_Angeles"),
    "dst-week-berlin": ("2027-03-29T01:30:00+00:00", "Europe/Berlin"),
    "dst-week-new-york": ("2026-11-02T04:30:00+00:00", "America/New_York"),
    "new-year-kiritimati": ("2027-01-01T00:10:00+00:00", "Pacific/Kiritimati"),
}


def run(name: str) -> int:
    at, zone = INSTANTS[name]
    env = dict(os.environ, TZ=zone, FAKE_NOW=at, PYTHONPATH=str(HERE))
    env.pop("FAKE_OFFSET", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]  # time_machine loads first
    print(f"== {name}: {at} in {zone}", flush=True)
    return subprocess.call(command, cwd=ROOT, env=env)


def main(names: list[str]) -> int:
    failed = [name for name in names or list(INSTANTS) if run(name) != 0]
    print("all instants pass" if not failed else f"failed at: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
