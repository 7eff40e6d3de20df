"""benchmarks/quality.py's real-posts figures on a tiny invented file: the AUC, the
false-alarm and catch rates and deflecting replies are counted as the issue defines them,
and a missing data folder is said plainly."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

QUALITY = ROOT / "benchmarks" / "quality.py"
COLUMNS = ["id", "kind", "platform", "brand", "text", "in_reply_to", "label", "principles",
           "comment_class", "deflects", "note", "source", "commit"]  # fmt: skip
ROWS = [
    # id, kind, platform, text, in_reply_to, label, deflects
    ("p1", "brand", "x", "BUY NOW!!! Only 3 left, last chance!", "", "1", ""),
    ("p2", "brand", "linkedin", "We planted 400 trees. Which park next?", "", "0", ""),
    ("p3", "personal", "linkedin", "Follow Jane Doe for more. Like 👍 if you agree.", "", "1", ""),
    ("p4", "personal", "linkedin", "Thank you to all who came to the meetup.", "", "0", ""),
    ("r1", "reply", "x", "Thanks, and sorry: refunded now. -Jo", "Charged twice!", "0", "N"),
    ("r2", "reply", "x", "Please DM us.", "My parcel is a week late.", "U", "Y"),
    ("p5", "brand", "x", "Shop now: https://example.com", "", "U", ""),
]  # fmt: skip


def load_quality():
    spec = importlib.util.spec_from_file_location("quality_bench", QUALITY)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def write_real(folder: Path) -> None:
    with (folder / "real_posts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for rid, kind, plat, text, reply_to, label, deflects in ROWS:
            w.writerow(
                {"id": rid, "kind": kind, "platform": plat, "text": text,
                 "in_reply_to": reply_to, "label": label, "deflects": deflects}
            )  # fmt: skip


def test_real_posts_figures(tmp_path, capsys):
    write_real(tmp_path)
    rc = load_quality().main(["--data", str(tmp_path), "--only", "real"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "7 rows, 2 pushy (1), 3 human (0), 2 unclear (U, left out)" in out
    assert "AUC overall       1.000" in out  # the two pushy posts score below every human one
    assert "catch rate        100.0% (2/2)" in out
    assert "false alarms        0.0% (0/3)" in out
    assert re.search(r"deflecting caught +\S+ \([01]/1\)  deflects=Y replies \(any label\)", out)
    assert "rule fire rate on label 0" in out


def test_halves_split_the_rows(tmp_path, capsys):
    write_real(tmp_path)
    quality = load_quality()
    rows = quality.read_real_rows(tmp_path / "real_posts.csv")
    a = quality.read_real_rows(tmp_path / "real_posts.csv", "a")
    b = quality.read_real_rows(tmp_path / "real_posts.csv", "b")
    assert sorted(r.id for r in a + b) == sorted(r.id for r in rows)
    assert not {r.id for r in a} & {r.id for r in b}


@pytest.mark.parametrize("args", [[], ["--only", "real"]])
def test_missing_data_is_said_plainly(tmp_path, capsys, args):
    rc = load_quality().main(["--data", str(tmp_path / "absent"), *args])
    assert rc == 0
    assert "absent, nothing measured" in capsys.readouterr().out
