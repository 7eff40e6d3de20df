"""How good the rules engine's rewrites are, over real posts and the public collections.

    python benchmarks/rewrite_quality.py            # reads ../shared/data from the repo root
    python benchmarks/rewrite_quality.py --show 5   # and prints 5 examples of each defect

Prints, per file: drafts reviewed; drafts rewritten (the rewrite differs from the draft);
the share of drafts with a warning or problem whose rewrite clears all of them (re-reviewed,
none of the draft's warning/problem rules fires); and five counts that must be 0:

- case: a name or acronym whose case changed ("UPS" -> "ups", "iPhone" -> "iphone");
- quotes/code: text inside quotation marks or `code` changed (or gone);
- markup: orphan markup (an odd number of `*`, `_`, `~` or backticks where the draft had
  an even one) or a live Slack entity (<@U1>, <#C1|x>, <https://…|x>) turned into text;
- fact lost: a fact that is not push missing (bot/review/rules/fact_check/);
- added: anything the draft didn't have (a fact, code, name or formatting).

The data is not part of the product: when ../shared/data is absent this says so and stops.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared" / "data"
FILES = (
    ("real_posts.csv", "real posts"),
    ("corporate_messaging_tweets.csv", "corporate"),
    ("youtube_comment_spam.csv", "YouTube"),
    ("sms_spam_collection.csv", "SMS"),
    ("clickbait_headlines.csv", "clickbait"),
)
DEFECTS = ("case", "quotes/code", "markup", "fact lost", "added")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_VOWELS = set("AEIOUYaeiouy")
_ENTITY = re.compile(r"<(?:[@#!][^<>\s]+|(?:https?|mailto):[^<>\s]+)>")
_CODE = re.compile(r"`[^`\n]+`")
_WORD_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


@dataclass
class Tally:
    label: str
    drafts: int = 0
    rewritten: int = 0
    flagged: int = 0
    cleared: int = 0
    defects: dict = field(default_factory=lambda: {d: [] for d in DEFECTS})
    seconds: float = 0.0


def read(path: Path) -> list[tuple[str, str | None, str]]:
    """(text, in_reply_to, platform) per row; a real CSV parser (texts span lines)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row.get("text") or ""
            if text.strip():
                reply = (row.get("in_reply_to") or "").strip() or None
                rows.append((text, reply, (row.get("platform") or "generic").strip()))
    return rows


def _cased_words(text: str) -> set[str]:
    """Names and acronyms whose case is part of them: the fact check's names, known acronyms,
    ALL-CAPS words without a vowel (KPMG, VLM), and mixed-case words (iPhone)."""
    from bot.review.rules.fact_check import names
    from bot.review.rules.metrics.capitals import ACRONYMS

    out = {f.text for f in names(text)}
    for m in _WORD.finditer(text):
        w = m.group()
        acronym = w.isupper() and len(w) > 1 and (w in ACRONYMS or not (_VOWELS & set(w)))
        mixed = w[1:] != w[1:].lower() and w != w.upper() and w.isalpha()
        if acronym or mixed:
            out.add(w)
    return out


def case_changed(draft: str, rewrite: str) -> list[str]:
    out = []
    for w in _cased_words(draft):
        exact = rf"(?<!\w){re.escape(w)}(?!\w)"
        before = len(re.findall(exact, draft))
        after = len(re.findall(exact, rewrite))
        # The same word, in any case: in the draft vs in the rewrite.
        any_case = len(re.findall(exact, rewrite, re.IGNORECASE))
        if after < before and any_case > after and any_case >= len(re.findall(exact, draft, re.I)):
            out.append(w)
    return out


def quotes_changed(draft: str, rewrite: str) -> list[str]:
    from bot.review.rules.fact_check import extras

    spans = [f.text for f in extras(draft) if f.kind == "quote"]
    spans += [m.group() for m in _CODE.finditer(draft)]
    flat = " ".join(rewrite.split())
    return [s for s in spans if " ".join(s.split()) not in flat]


def orphan_markup(draft: str, rewrite: str) -> list[str]:
    out = []
    for ch in "*~`":
        if draft.count(ch) % 2 == 0 and rewrite.count(ch) % 2 == 1:
            out.append(ch)
    if len(_WORD_UNDERSCORE.findall(draft)) % 2 == 0 and len(_WORD_UNDERSCORE.findall(rewrite)) % 2:
        out.append("_")
    out += [e for e in _ENTITY.findall(draft) if e not in rewrite]
    return out


def measure(label: str, rows, playbook) -> Tally:
    from bot.review.rules.engine import review
    from bot.review.rules.fact_check import check

    t = Tally(label)
    started = time.perf_counter()
    for text, reply, platform in rows:
        rv = review(text, playbook, platform=platform, in_reply_to=reply)
        t.drafts += 1
        rw = rv.rewrite.text
        if rw.strip() == text.strip():
            continue
        t.rewritten += 1
        serious = {f.rule for f in rv.findings if f.severity in ("warning", "problem")}
        if serious:
            t.flagged += 1
            again = review(rw, playbook, platform=platform, in_reply_to=reply)
            if not serious & {f.rule for f in again.findings if f.severity != "info"}:
                t.cleared += 1
        checked = check(text, rw, rv.findings, playbook)
        found = {
            "case": case_changed(text, rw),
            "quotes/code": quotes_changed(text, rw),
            "markup": orphan_markup(text, rw),
            "fact lost": [i.describe() for i in (*checked.missing, *checked.recounted)],
            "added": [i.describe() for i in checked.added],
        }
        for name, items in found.items():
            if items:
                t.defects[name].append((text, rw, items))
    t.seconds = time.perf_counter() - started
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the CSVs")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="N examples per defect")
    ap.add_argument("--only", default=None, help="only the file whose label contains this")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"No data at {args.data}; nothing to measure (pass --data DIR).")
        return 0
    from bot.review.playbooks.loader import PlaybookLibrary

    playbook = PlaybookLibrary().get()
    print(f"playbook {playbook.id} {playbook.version}, data {args.data}, rules rewrites")
    tallies = []
    for file, label in FILES:
        if args.only and args.only.lower() not in label.lower():
            continue
        path = args.data / file
        if not path.is_file():
            print(f"  {file}: missing, skipped")
            continue
        tallies.append(measure(label, read(path), playbook))
    head = f"{'file':<11} {'drafts':>6} {'rewritten':>9} {'clears all':>11}"
    print("\n" + head + "".join(f" {d:>11}" for d in DEFECTS))
    for t in tallies:
        share = f"{t.cleared}/{t.flagged} {t.cleared / t.flagged:.0%}" if t.flagged else "-"
        counts = "".join(f" {len(t.defects[d]):>11}" for d in DEFECTS)
        print(f"{t.label:<11} {t.drafts:>6} {t.rewritten:>9} {share:>11}{counts}")
    total = sum(sum(len(v) for v in t.defects.values()) for t in tallies)
    print(f"\ndefects that must be 0: {total} ({'pass' if total == 0 else 'FAIL'})")
    secs = sum(t.seconds for t in tallies)
    print(f"({sum(t.drafts for t in tallies)} drafts in {secs:.1f}s)")
    if args.show:
        for t in tallies:
            for d in DEFECTS:
                for text, rw, items in t.defects[d][: args.show]:
                    print(f"\n[{t.label}] {d}: {items}")
                    print(f"  draft:   {_one(text)}\n  rewrite: {_one(rw)}")
    return 0


def _one(text: str, width: int = 220) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
