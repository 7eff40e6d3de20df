"""How well the rules engine's score separates pushy text from human text, per data set.

Run by hand (not in CI):

    python benchmarks/quality.py                 # reads ../shared/data from the repo root
    python benchmarks/quality.py --data DIR --show 5 --rules

For each labelled file it computes the AUC of (100 - human_score) against `pushy_proxy`
(rows with an empty proxy are left out) and the same AUC for a baseline: the number of hits
of a 20-word call-to-action list. AUC uses the rank formula with ties counted half, so a
score that gives every row the same value gets exactly 0.5. Figures are per file, never
pooled (see the data's README). `--show N` prints the worst misses, to find what the
playbook lacks; `--rules` prints how often each rule fires on each side.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class DataSet:
    file: str
    label: str
    target: float


DATASETS = (
    DataSet("corporate_messaging_tweets.csv", "corporate", 0.85),
    DataSet("youtube_comment_spam.csv", "YouTube", 0.95),
    DataSet("sms_spam_collection.csv", "SMS", 0.97),
    DataSet("clickbait_headlines.csv", "clickbait", 0.65),
)

# The baseline: a generic 20-word call-to-action list; a draft's score is its hit count.
BASELINE_WORDS = (
    "buy", "order", "shop", "click", "subscribe", "follow", "like", "share", "call", "text",
    "free", "win", "offer", "sale", "discount", "now", "today", "register", "sign up", "visit",
)  # fmt: skip
_BASELINE = re.compile(
    r"(?<!\w)(?:" + "|".join(w.replace(" ", r"[ -]?") for w in BASELINE_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)


def baseline_score(text: str) -> int:
    """Pushiness by the baseline: how many call-to-action words the text holds."""
    return len(_BASELINE.findall(text))


def auc(scores: list[float], labels: list[int]) -> float:
    """Probability a random positive outscores a random negative (ties count half).

    The Mann-Whitney rank formula with average ranks for ties: O(n log n).
    """
    n1 = sum(labels)
    n0 = len(labels) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    order = sorted(range(len(scores)), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        avg_rank = (i + j) / 2 + 1  # ranks are 1-based
        rank_sum += avg_rank * sum(labels[order[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def read_rows(path: Path) -> list[tuple[str, int]]:
    """(text, pushy_proxy) for every row with a proxy label; a real CSV parser (multi-line)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            proxy = (row.get("pushy_proxy") or "").strip()
            if proxy in ("0", "1"):
                rows.append((row["text"], int(proxy)))
    return rows


def _short(text: str, width: int = 110) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _fired(review) -> str:
    return ", ".join(f"{f.rule}({f.quote[:30]!r})" for f in review.findings) or "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of labelled CSVs")
    ap.add_argument("--playbook", default=None, help="playbook id or path (default playbook)")
    ap.add_argument("--platform", default="generic", help="platform for every row")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print N worst misses")
    ap.add_argument("--rules", action="store_true", help="print each rule's hit rate per side")
    ap.add_argument("--only", default=None, help="only the file whose label contains this")
    args = ap.parse_args(argv)

    if not args.data.is_dir():
        print(f"No labelled data at {args.data}; nothing to measure (pass --data DIR).")
        return 0

    from bot.review.engine import review
    from bot.review.playbook import PlaybookLibrary

    playbook = PlaybookLibrary().get(args.playbook)
    print(f"playbook {playbook.id} {playbook.version}, platform {args.platform}, data {args.data}")

    table = []
    for ds in DATASETS:
        if args.only and args.only.lower() not in ds.label.lower():
            continue
        path = args.data / ds.file
        if not path.is_file():
            print(f"  {ds.file}: missing, skipped")
            continue
        rows = read_rows(path)
        labels = [y for _, y in rows]
        started = time.perf_counter()
        reviews = [review(text, playbook, platform=args.platform) for text, _ in rows]
        elapsed = time.perf_counter() - started
        ours = auc([100 - r.human_score for r in reviews], labels)
        base = auc([baseline_score(text) for text, _ in rows], labels)
        ok = ours >= ds.target and ours > base
        table.append((ds, len(rows), sum(labels), ours, base, ok, elapsed))

        if args.rules:
            _print_rule_rates(ds, reviews, labels)
        if args.show:
            _print_misses(ds, rows, reviews, args.show)

    print()
    print(f"{'file':<12} {'rows':>6} {'pushy':>6} {'ours':>6} {'base':>6} {'target':>7}  result")
    for ds, n, pos, ours, base, ok, _ in table:
        verdict = "pass" if ok else "FAIL"
        print(
            f"{ds.label:<12} {n:>6} {pos:>6} {ours:>6.3f} {base:>6.3f} {'>=' + str(ds.target):>7}"
            f"  {verdict}"
        )
    total = sum(n for _, n, *_ in table)
    secs = sum(t[-1] for t in table)
    if secs:
        print(f"({total} rows reviewed in {secs:.2f}s, {total / secs:,.0f} drafts/s)")
    return 0


def _print_rule_rates(ds: DataSet, reviews, labels: list[int]) -> None:
    """For each rule: the share of pushy rows and of human rows it fires on."""
    pos = Counter()
    neg = Counter()
    for rev, y in zip(reviews, labels, strict=True):
        for rule in {f.rule for f in rev.findings}:
            (pos if y else neg)[rule] += 1
    n1 = sum(labels) or 1
    n0 = (len(labels) - sum(labels)) or 1
    print(f"\n{ds.label}: rule hit rate, pushy vs human")
    for rule in sorted(set(pos) | set(neg), key=lambda r: -(pos[r] / n1 - neg[r] / n0)):
        print(f"  {rule:<26} {pos[rule] / n1:6.1%} {neg[rule] / n0:6.1%}")


def _print_misses(ds: DataSet, rows, reviews, n: int) -> None:
    """The human rows scored most pushy, and the pushy rows scored most human."""
    scored = [(r.human_score, text, y, r) for (text, y), r in zip(rows, reviews, strict=True)]
    false_pos = sorted((s for s in scored if s[2] == 0), key=lambda s: s[0])[:n]
    false_neg = sorted((s for s in scored if s[2] == 1), key=lambda s: -s[0])[:n]
    print(f"\n{ds.label}: human rows scored most pushy")
    for score, text, _, rev in false_pos:
        print(f"  {score:3d}  {_short(text)}\n       {_fired(rev)}")
    print(f"{ds.label}: pushy rows scored most human")
    for score, text, _, rev in false_neg:
        print(f"  {score:3d}  {_short(text)}\n       {_fired(rev)}")


if __name__ == "__main__":
    sys.exit(main())
