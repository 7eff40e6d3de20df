"""Replays recorded model answers through the real LLM engine and prints what the
verification made of them. Run by hand; prints figures.

    python benchmarks/bench_llm_replay.py
    python benchmarks/bench_llm_replay.py --answers path/to/recorded_answers.json

Each case of tests/fixtures/llm/recorded_answers.json is a draft and the answers a model
gave (the first answer, then the one it gave when asked again). Good cases end in a rewrite
a comms lead would post; bad ones add a link, a hashtag, a number, formatting or a name,
lose a code, recount a number, or read pushier than the draft. The fake OpenAI-compatible
server of tests/fakes answers with them, in order, on loopback; the engine verifies each
(bot/review/rules/fact_check/, then the rules engine) exactly as in production.

Prints, for good rewrites: accepted first time, accepted after a retry, refused (and why);
for bad ones: refused, accepted (and which). The goal: no good rewrite refused, no bad one
accepted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.review.factory import make_reviewer  # noqa: E402
from bot.review.reviewer import ReviewRequest  # noqa: E402
from bot.store.store import Store  # noqa: E402
from tests.fakes.openai_api import FakeOpenAI, Reply  # noqa: E402

DEFAULT = ROOT / "tests" / "fixtures" / "llm" / "recorded_answers.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--answers", type=Path, default=DEFAULT, help="recorded answers (JSON)")
    args = ap.parse_args(argv)
    cases = json.loads(args.answers.read_text("utf-8"))
    tally: Counter = Counter()
    lines = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "replay.db")
        for i, case in enumerate(cases):
            with FakeOpenAI() as fake:  # a fresh server per case: no answer left queued
                settings = Settings(
                    openai_api_key="sk-replay",
                    openai_base_url=fake.base_url,
                    llm_timeout=5,
                    llm_budget=10,
                )
                reviewer = make_reviewer(settings, store, backoff=(0.01, 0.05))
                try:
                    fake.script(*[Reply(content=a) for a in case["answers"]])
                    request = ReviewRequest(
                        text=case["draft"], in_reply_to=case.get("in_reply_to"), user=f"U{i}"
                    )
                    review = reviewer.review(request)
                finally:
                    reviewer.close()
                calls = len(fake.calls)
            refused = [n for n in review.notes if "set aside" in n]
            recorded = review.rewrite.text in [a["rewrite"] for a in case["answers"]]
            if refused:
                outcome = "refused"
            elif not recorded:
                outcome = "accepted a rewrite not recorded"  # e.g. a default answer
            else:
                outcome = "accepted first time" if calls == 1 else "accepted after a retry"
            tally[(case["kind"], outcome)] += 1
            why = f": {refused[0]}" if refused else ""
            lines.append(f"  {case['kind']:<4} {case['name']:<26} {outcome}{why}")
    secs = time.perf_counter() - started
    print(f"{len(cases)} recorded cases from {args.answers} ({secs:.1f}s)")
    print("\n".join(lines))
    good = sum(v for (k, _), v in tally.items() if k == "good")
    bad = sum(v for (k, _), v in tally.items() if k == "bad")
    print(
        f"\ngood rewrites ({good}): accepted first time {tally[('good', 'accepted first time')]}"
        f", after a retry {tally[('good', 'accepted after a retry')]}"
        f", refused {tally[('good', 'refused')]}"
        f", other {tally[('good', 'accepted a rewrite not recorded')]}"
    )
    accepted_bad = sum(v for (k, o), v in tally.items() if k == "bad" and o != "refused")
    print(f"bad rewrites ({bad}): refused {tally[('bad', 'refused')]}, accepted {accepted_bad}")
    ok = tally[("good", "refused")] == 0 and accepted_bad == 0
    print("goal (no good refused, no bad accepted): " + ("met" if ok else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
