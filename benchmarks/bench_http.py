"""HTTP mode under load: N signed slash commands at concurrency C against the real app under
gunicorn, with the fake Slack API (tests/fakes) on loopback. Run by hand; prints figures.

    python benchmarks/bench_http.py                # N=500, C=50
    python benchmarks/bench_http.py -n 2000 -c 100 --workers 4 --threads 32
    python benchmarks/bench_http.py --database-url postgresql://postgres@127.0.0.1/bench \
        --servers 2        # several machines: 1, then 2 servers on one PostgreSQL, after a
                           # SQLite one-server baseline in the same run (bench rows stay in it)

What it measures:
- ack latency: from sending a command to its HTTP answer (Slack gives up after 3 s);
- replies delivered: response_url posts that reached the fake, one expected per command;
- command → reply: from sending a command to its review arriving at the response_url;
- errors: non-200 acks, transport failures, replies missing after the wait.
Targets (issue 3): p99 ack < 300 ms at C=50, every reply delivered, reply p95 < 1 s.

Drafts come from ../shared/data/corporate_messaging_tweets.csv when present (said when
not); otherwise from a small built-in list.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import slack_requests as sr  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402

SECRET = "8f742231b10e8888abcd9985a5c3d1e0"
TOKEN = "xoxb-1234-5678-benchmark"
DATA = ROOT.parent / "shared" / "data" / "corporate_messaging_tweets.csv"
BUILT_IN = [
    "BUY NOW!!! Only 3 left, act now. Like and share to win!",
    "We're thrilled to announce our industry-leading, world-class solution.",
    "Thanks for telling us — you're right, we got this wrong. Here's what we're changing.",
    "What would you like to see in the next release? Tell us below.",
    "We apologize for any inconvenience. Per our policy, refunds take 30 days.",
    "Tag 3 friends and follow us to enter! #giveaway #win #free #now",
]


def drafts() -> list[str]:
    if DATA.exists():
        with DATA.open(newline="", encoding="utf-8") as f:
            texts = [row["text"] for row in csv.DictReader(f) if row["text"].strip()]
        print(f"drafts: {len(texts)} from {DATA}")
        return texts
    print(f"drafts: built-in list ({DATA} not present)")
    return BUILT_IN


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class FakeInAnotherProcess:
    """The fake Slack API in a child process, so the load generator's threads and the fake's
    share no GIL (both in one process would slow each other and blur the figures).
    time.monotonic() is system-wide on Linux, so arrival times compare with send times."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._proc = context.Process(target=_serve_fake, args=(child,), daemon=True)
        self._proc.start()
        self.api_url, self.base_url = self._conn.recv()

    def response_url(self, response_id: str) -> str:
        return f"{self.base_url}/response/{response_id}"

    def arrivals(self) -> list[tuple[str, float, bool]]:
        """(response_id, arrival time, accepted) of every response_url post so far."""
        self._conn.send("responses")
        return self._conn.recv()

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._proc.join(timeout=10)
        self._conn.close()


def _serve_fake(conn) -> None:
    with FakeSlackAPI(token=TOKEN) as fake:
        conn.send((fake.api_url, fake.base_url))
        while True:
            command = conn.recv()
            if command == "stop":
                return
            if command == "reset":
                fake.reset()
                conn.send(True)
            elif command == "responses":
                conn.send([(c.response_id, c.at, c.ok) for c in fake.responses()])


def wait_for_replies(fake, prefix: str, count: int, timeout: float) -> dict[str, float]:
    """First arrival time of each reply whose response id starts with `prefix`."""
    first: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for rid, at, _ in fake.arrivals():
            if rid.startswith(prefix):
                first.setdefault(rid, at)
        if len(first) >= count:
            break
        time.sleep(0.2)
    return first


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout}s")


def start_gunicorn(
    args, fake: FakeInAnotherProcess, db: str, port: int, database_url: str = ""
) -> subprocess.Popen:
    env = dict(
        os.environ,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        SOCIALWAY_DB=db,
        SOCIALWAY_WORKERS=str(args.pool),
        SOCIALWAY_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    env.pop("SLACK_APP_TOKEN", None)
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        args.wsgi,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    print("app:", " ".join(command[2:]), "(PostgreSQL)" if database_url else "(SQLite)")
    return subprocess.Popen(command, cwd=ROOT, env=env)


def fire(
    args, fake: FakeInAnotherProcess, texts: list[str], ports: list[int], prefix="bench"
) -> tuple[list, dict]:
    """Send the commands, spread over the servers in turn (as a load balancer would)."""
    urls = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    sent: dict[str, float] = {}

    def one(i: int):
        rid = f"{prefix}{i:06d}"
        url = urls[i % len(urls)]
        command = sr.slash_command(texts[i % len(texts)], response_url=fake.response_url(rid))
        try:
            delivery = sr.deliver(url, command, SECRET, timeout=10)
        except OSError as failed:
            return rid, None, repr(failed)
        sent[rid] = delivery.sent_at
        return rid, delivery, None

    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(one, range(args.n)))
    return results, sent


def report(args, results, sent, fake: FakeInAnotherProcess, wall: float) -> dict:
    acks = [d for _, d, _ in results if d is not None]
    failures = [e for _, d, e in results if d is None]
    not_ok = [d.status for d in acks if d.status != 200]
    latency_ms = [(d.returned_at - d.sent_at) * 1000 for d in acks]
    first_reply = wait_for_replies(fake, "bench", len(sent), args.reply_wait)
    reply_ms = [(first_reply[rid] - sent[rid]) * 1000 for rid in first_reply if rid in sent]
    refused = [rid for rid, _, ok in fake.arrivals() if rid.startswith("bench") and not ok]

    print(f"\ncommands: {args.n} at concurrency {args.concurrency} in {wall:.2f} s")
    print(f"  throughput: {args.n / wall:.0f} commands/s")
    print(
        "  ack latency ms: "
        f"p50 {percentile(latency_ms, 50):.1f}  p95 {percentile(latency_ms, 95):.1f}  "
        f"p99 {percentile(latency_ms, 99):.1f}  max {max(latency_ms, default=float('nan')):.1f}"
    )
    print(f"  replies delivered: {len(first_reply)}/{args.n}")
    print(
        "  command -> reply ms: "
        f"p50 {percentile(reply_ms, 50):.1f}  p95 {percentile(reply_ms, 95):.1f}  "
        f"p99 {percentile(reply_ms, 99):.1f}  max {max(reply_ms, default=float('nan')):.1f}"
    )
    print(
        f"  errors: transport {len(failures)}, non-200 acks {len(not_ok)}"
        f" {sorted(set(not_ok))}, replies refused by Slack {len(refused)}"
    )
    if failures:
        print(f"    first transport error: {failures[0]}")
    checks = [
        ("p99 ack < 300 ms", percentile(latency_ms, 99) < 300),
        ("every reply delivered", len(first_reply) == args.n and not failures and not not_ok),
        ("reply p95 < 1 s", percentile(reply_ms, 95) < 1000),
    ]
    for name, ok in checks:
        print(f"  target {name}: {'met' if ok else 'MISSED'}")
    return {
        "throughput": args.n / wall,
        "p99 ack": percentile(latency_ms, 99),
        "p95 reply": percentile(reply_ms, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="commands to send (500)")
    parser.add_argument("-c", "--concurrency", type=int, default=50, help="at once (50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=25, help="threads per worker (25)")
    parser.add_argument("--pool", type=int, default=16, help="SOCIALWAY_WORKERS (16)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--wsgi", default="bot.slack.wsgi:create_app()", help="gunicorn app")
    parser.add_argument("--warmup", type=int, default=20, help="commands before measuring")
    parser.add_argument("--db-dir", default=None, help="where the SQLite file goes (a tmp dir)")
    parser.add_argument("--reply-wait", type=float, default=30.0, help="s to wait for replies")
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL to run on (postgresql://...); a SQLite one-server run comes first",
    )
    parser.add_argument(
        "--servers", type=int, default=1, help="server processes sharing the database (1)"
    )
    args = parser.parse_args()

    texts = drafts()
    fake = FakeInAnotherProcess()
    runs = [("SQLite, 1 server", "", 1)]
    if args.database_url:  # one server first: the database's own cost, then more servers
        runs.append(("PostgreSQL, 1 server", args.database_url, 1))
        if args.servers > 1:
            runs.append((f"PostgreSQL, {args.servers} servers", args.database_url, args.servers))
    elif args.servers != 1:
        runs = [(f"SQLite, {args.servers} servers on one file", "", args.servers)]
    figures = {}
    try:
        for name, url, servers in runs:
            print(f"\n== {name}")
            figures[name] = run_once(args, fake, texts, url, servers)
    finally:
        fake.stop()
    (base_name, base), *others = figures.items()
    for name, other in others:
        print(f"\n{name} vs {base_name}:")
        for key in base:
            print(f"  {key}: {other[key] / base[key]:.2f}x")


def run_once(args, fake, texts, database_url: str, servers: int) -> dict:
    ports = [args.port + i for i in range(servers)]
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        procs = [
            start_gunicorn(args, fake, str(Path(tmp) / "bench.db"), port, database_url)
            for port in ports
        ]
        try:
            for port, proc in zip(ports, procs, strict=True):
                wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
            warm = argparse.Namespace(**{**vars(args), "n": args.warmup})
            fire(warm, fake, texts, ports, prefix="warm")
            wait_for_replies(fake, "warm", args.warmup, args.reply_wait)
            fake.reset()
            started = time.monotonic()
            results, sent = fire(args, fake, texts, ports)
            wall = time.monotonic() - started
            return report(args, results, sent, fake, wall)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            fake.reset()


if __name__ == "__main__":
    main()
