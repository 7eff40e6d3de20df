"""Rules-engine speed, by hand (not CI): drafts/s on one core, proselint on the same
corpus, trie regex vs plain alternation, playbook compile time and peak RSS.

    python benchmarks/bench_rules.py [--playbook ID|PATH] [--n 5000]

The corpus is built from ../shared/data (relative to the repo root) when present;
otherwise a small built-in sample is used and the script says so.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.review import playbook as playbook_mod  # noqa: E402
from bot.review.engine import review  # noqa: E402
from bot.review.matcher import normalise, plain_alternation_regex, trie_regex  # noqa: E402
from bot.review.playbook import PlaybookLibrary, load_playbook  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SAMPLE = [
    "🚨 FLASH SALE 🚨 Our award-winning planner is 40% OFF — TODAY ONLY!!! Don't miss out",
    "Six months ago you told us our onboarding was confusing. What should we fix next?",
    "For every like this post gets, we'll donate $1! Like, share and tag 3 friends!!",
    "We apologize for any inconvenience this may have caused. Per our policy, drafts expire.",
    "Acme Corp is pleased to announce our industry-leading synergy platform.",
    "Thanks so much! We're glad the new app helped. What would you like next?",
]


def load_texts() -> tuple[list[str], str]:
    if not DATA.is_dir():
        return SAMPLE * 50, "built-in sample (../shared/data not found)"
    files = sorted(DATA.glob("*.csv"))
    per_file = [
        [" ".join(row["text"].split()) for row in csv.DictReader(f.open(encoding="utf-8"))]
        for f in files
    ]
    # Interleave the files so every corpus mixes all four sources.
    texts = [t for group in zip(*per_file, strict=False) for t in group if t]
    return texts, f"{DATA} ({', '.join(f.name for f in files)})"


def build_drafts(texts: list[str], size: int, n: int) -> list[str]:
    drafts, cur, i = [], "", 0
    while len(drafts) < n:
        t = texts[i % len(texts)]
        i += 1
        cur = f"{cur} {t}".strip() if cur else t
        if len(cur) >= size:
            drafts.append(cur[:size])
            cur = ""
    return drafts


def rate(fn, drafts: list[str], min_seconds: float = 2.0) -> float:
    """Drafts per CPU-second of this process (fair on a busy machine; one core)."""
    done, start = 0, time.process_time()
    while True:
        for d in drafts:
            fn(d)
        done += len(drafts)
        elapsed = time.process_time() - start
        if elapsed >= min_seconds:
            return done / elapsed


def compile_ms(path: str, repeats: int = 5) -> tuple[float, float]:
    """(ms for a cold load: YAML + validation + compile, ms for the compile step alone)."""
    from bot.review.compiled import CompiledPlaybook

    loads, compiles = [], []
    for _ in range(repeats):
        playbook_mod._CACHE.clear()
        re.purge()
        t = time.process_time()
        pb = load_playbook(path)
        loads.append(time.process_time() - t)
        re.purge()
        t = time.process_time()
        CompiledPlaybook(pb.rules)
        compiles.append(time.process_time() - t)
    return min(loads) * 1000, min(compiles) * 1000


RSS_CHILD = """
import json, resource, sys
sys.path.insert(0, {root!r})
from bot.review.engine import review
from bot.review.playbook import load_playbook
pb = load_playbook({path!r})
for d in json.load(sys.stdin):
    review(d, pb)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--playbook", default=None, help="id or path (default: the default)")
    ap.add_argument("--n", type=int, default=5000, help="drafts per corpus")
    ap.add_argument("--proselint-n", type=int, default=300, help="drafts through proselint")
    args = ap.parse_args()

    try:
        pb = PlaybookLibrary().get(args.playbook)
        which = pb.path
    except Exception as err:  # no default yet: say so and use the fixture
        which = str(ROOT / "tests" / "fixtures" / "playbooks" / "basic.yml")
        print(f"! default playbook unavailable ({err}); using fixture {which}")
        pb = load_playbook(which)
    texts, source = load_texts()
    print(f"corpus: {source}")
    print(
        f"playbook: {pb.id} {pb.version} — {len(pb.rules)} rules, "
        f"{pb.compiled.phrase_count} phrase forms, "
        f"{sum(len(r.patterns) for r in pb.rules)} patterns ({which})"
    )
    print(f"python {sys.version.split()[0]}, one process, one core")

    load, comp = compile_ms(which)
    print(
        f"playbook cold load (YAML + validate + compile): {load:.1f} ms; compile alone: "
        f"{comp:.1f} ms   [target < 50 ms]"
    )

    short = build_drafts(texts, 280, args.n)
    long = build_drafts(texts, 2000, max(500, args.n // 5))
    r280 = rate(lambda d: review(d, pb), short)
    r2000 = rate(lambda d: review(d, pb), long)
    print(f"rules engine, 280-char drafts:   {r280:10,.0f} drafts/s   [target >= 50,000]")
    print(f"rules engine, 2,000-char drafts: {r2000:10,.0f} drafts/s   [target >= 8,000]")

    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile

        CheckRegistry().register_many(__register__)
        subset = short[: args.proselint_n]
        prose = rate(lambda d: LintFile("<draft>", d).lint(), subset, min_seconds=3.0)
        print(f"proselint, 280-char drafts:      {prose:10,.1f} drafts/s")
        print(f"ratio rules/proselint: {r280 / prose:,.0f}x   [target >= 85x]")
    except ImportError as err:
        print(f"proselint not installed ({err}); pip install -e '.[bench]'")

    # One matcher vs the naive alternation of the same phrases.
    forms = sorted(pb.compiled.matcher.forms)
    trie = re.compile(trie_regex(forms))
    plain = re.compile(plain_alternation_regex(forms))
    norms = [normalise(d) for d in short[:1000]]

    def scan_all(rx):
        def run(text):
            for _ in rx.finditer(text):
                pass

        return run

    t_rate = rate(scan_all(trie), norms, 1.0)
    p_rate = rate(scan_all(plain), norms, 1.0)
    print(
        f"phrase scan of {len(forms)} phrases: trie regex {t_rate:,.0f}/s, plain "
        f"alternation {p_rate:,.0f}/s — trie is {t_rate / p_rate:.1f}x faster"
    )

    child = RSS_CHILD.format(root=str(ROOT), path=which)
    out = subprocess.run(
        [sys.executable, "-c", child],
        input=json.dumps(short[:2000]),
        capture_output=True,
        text=True,
        check=True,
    )
    rss_mb = int(out.stdout.strip()) / 1024
    print(
        f"peak RSS, engine + compiled playbook + 2,000 reviews: {rss_mb:.1f} MB   [target < 30 MB]"
    )
    this_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this benchmark process, with proselint and corpora loaded: {this_mb:.1f} MB)")


if __name__ == "__main__":
    main()
