"""The Store's hot-path operations on SQLite and on PostgreSQL, in the same run. By hand:

    python benchmarks/bench_store_backends.py --database-url postgresql://postgres@127.0.0.1/x
    python benchmarks/bench_store_backends.py --database-url … -n 2000 --threads 8

For each operation a request or the digest clock does (the event dedupe, keeping a review,
reading it back, a channel's settings, a settings change, a digest claim), the time per
call from one thread, then the calls per second from `--threads` threads sharing one Store
(as the Bolt listener pool does), on a fresh SQLite file and then on the PostgreSQL
database given (its tables get the benchmark's rows: use a scratch database). Prints the
figures and PostgreSQL's ratio to SQLite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store.store import Store  # noqa: E402
from tests.fakes.seed import make_review  # noqa: E402

REVIEW = make_review(60)


def operations(store: Store, run: str):
    """name -> a call taking a counter (each call its own ids, so nothing is a no-op)."""
    first = store.record_review(REVIEW, draft="seed", surface="slash", visibility="x")

    def record(i):
        store.record_review(REVIEW, draft=f"Act now {i}", surface="slash", visibility="x")

    return {
        "first_sighting (event dedupe)": lambda i: store.first_sighting(f"{run}-{i}"),
        "record_review": record,
        "get_review": lambda i: store.get_review(first),
        "channel_settings": lambda i: store.channel_settings("C1"),
        "mute_rule (write transaction)": lambda i: store.mute_rule(
            "C1", f"r{i % 20}", user_id="U1"
        ),
        "claim_digest": lambda i: store.claim_digest(f"C{run}{i}", "2026-11-30", claimed_by="b"),
    }


def measure(target: str, label: str, n: int, threads: int) -> dict[str, tuple[float, float]]:
    figures = {}
    with Store(target) as store:
        for name, op in operations(store, f"{label}{time.time_ns()}").items():
            for i in range(min(50, n)):  # warm: connections, caches, prepared statements
                op(-1 - i)
            started = time.perf_counter()
            for i in range(n):
                op(i)
            per_call_ms = (time.perf_counter() - started) / n * 1000
            started = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(op, range(n, 2 * n)))
            rate = n / (time.perf_counter() - started)
            figures[name] = (per_call_ms, rate)
            print(
                f"  {name:32} {per_call_ms:7.3f} ms/call   {rate:8.0f} calls/s ({threads} threads)"
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("-n", type=int, default=1000, help="calls per operation (1000)")
    parser.add_argument("--threads", type=int, default=16, help="threads sharing a Store (16)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite (a fresh file, WAL):")
        sqlite = measure(str(Path(tmp) / "bench.db"), "s", args.n, args.threads)
    print("PostgreSQL:")
    pg = measure(args.database_url, "p", args.n, args.threads)
    print("\nPostgreSQL vs SQLite (time per call; calls/s with threads):")
    for name, (ms, rate) in sqlite.items():
        print(f"  {name:32} {pg[name][0] / ms:5.2f}x time   {pg[name][1] / rate:5.2f}x rate")


if __name__ == "__main__":
    main()
