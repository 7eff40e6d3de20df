"""Conversations under load: N people DM Social Way at once, three turns each (a draft,
"shorter", a second version), against the real app under gunicorn with the fake Slack API
(tests/fakes) in another process. Run by hand; prints figures.

    python benchmarks/bench_conversations.py              # 50 conversations, 3 turns
    python benchmarks/bench_conversations.py -n 100 --retry-every 2

What it measures:
- first visible answer: from sending a turn's event to the first chat.postMessage in that
  conversation's thread after it (a person sees nothing sooner);
- ack latency of the events;
- lost / doubled: turns with no answer, and turns answered more than once. Every
  `--retry-every`-th turn is delivered twice, the second time as Slack's retry
  (X-Slack-Retry-Num: 1), so doubled counts what deduplication let through.
Targets (issue 12): first visible answer p95 < 1 s with the rules engine; 0 lost, 0 doubled.

Drafts are a small built-in list (the point is the conversation, not the text).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import SECRET, TOKEN, percentile, start_gunicorn, wait_healthy

from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import FakeSlackAPI

DRAFTS = [
    (
        "BUY NOW!!! Our really lovely planner is 20% off at https://shop.example.com today "
        "only. Don't miss out!",
        "Our planner is 20% off at https://shop.example.com today. What would you plan first?",
    ),
    (
        "We are so excited to announce that our industry-leading app is live! Like and share "
        "to win a year free: https://example.com/app",
        "Our app is live: https://example.com/app. What should we build next?",
    ),
    (
        "We apologize for any inconvenience. Per our policy, refunds take 30 days. Please "
        "contact support@example.com.",
        "Sorry we got this wrong, and thank you for telling us. Refunds take 30 days; "
        "support@example.com can speed yours up.",
    ),
]


class Fake:
    """The fake Slack API in a child process (no shared GIL with the load); `posts()` gives
    (channel, thread_ts, arrival, ok) of every chat.postMessage so far."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._lock = threading.Lock()
        self._proc = context.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        self.api_url = self._conn.recv()

    def posts(self) -> list[tuple[str, str, float, bool]]:
        with self._lock:
            self._conn.send("posts")
            return self._conn.recv()

    def stop(self) -> None:
        with self._lock:
            self._conn.send("stop")
        self._proc.join(timeout=10)


def _serve(conn) -> None:
    with FakeSlackAPI(token=TOKEN) as fake:
        conn.send(fake.api_url)
        while (command := conn.recv()) != "stop":
            if command == "posts":
                calls = fake.calls("chat.postMessage")
                conn.send([(c.params.get("channel"), c.params.get("thread_ts"), c.at, c.ok)
                           for c in calls])  # fmt: skip


class Answers:
    """Polls the fake and wakes the conversation waiting on a thread."""

    def __init__(self, fake: Fake):
        self.fake = fake
        self.by_thread: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.refused = 0
        self._seen = 0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(0.02):
            posts = self.fake.posts()
            with self._changed:
                for channel, thread_ts, at, ok in posts[self._seen :]:
                    if ok:
                        self.by_thread[(channel, thread_ts)].append(at)
                    else:
                        self.refused += 1
                self._seen = len(posts)
                self._changed.notify_all()

    def wait(self, key, count: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.by_thread[key]) < count and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return list(self.by_thread[key])

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def converse(n: int, args, answers: Answers, url: str) -> dict:
    """One person's three turns, each sent once the last one's answer has arrived."""
    user = f"U0BENCH{n:04d}"
    channel = sr.dm_channel(user)
    first_text, second_text = DRAFTS[n % len(DRAFTS)]
    draft = sr.dm_message(first_text, user=user)
    thread = (channel, draft["ts"])
    turns = [draft, sr.dm_message("shorter", user=user, thread_ts=draft["ts"])]
    turns.append(sr.dm_message(second_text, user=user, thread_ts=draft["ts"]))
    result = {"first_answer_ms": [], "ack_ms": [], "lost": 0, "errors": 0}
    for i, event in enumerate(turns):
        request = sr.event_callback(event)
        try:
            delivery = sr.deliver(url, request, SECRET, timeout=10)
            result["ack_ms"].append((delivery.returned_at - delivery.sent_at) * 1000)
            if (n * len(turns) + i) % args.retry_every == 0:  # Slack's retry of the same event
                sr.deliver(url, request, SECRET, retry_num=1, retry_reason="http_timeout")
        except OSError:
            result["errors"] += 1
            continue
        arrived = answers.wait(thread, i + 1, args.answer_wait)
        if len(arrived) <= i:
            result["lost"] += 1
            continue
        result["first_answer_ms"].append((arrived[i] - delivery.sent_at) * 1000)
    result["thread"] = thread
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50, help="conversations at once (50)")
    parser.add_argument("--retry-every", type=int, default=5, help="deliver every k-th twice")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=25, help="threads per worker (25)")
    parser.add_argument("--pool", type=int, default=16, help="SOCIALWAY_WORKERS (16)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--wsgi", default="bot.slack.wsgi:create_app()", help="gunicorn app")
    parser.add_argument("--answer-wait", type=float, default=15.0, help="s to wait per turn")
    parser.add_argument("--baseline", type=int, default=5, help="conversations alone first (5)")
    args = parser.parse_args()

    fake = Fake()
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_gunicorn(args, fake, str(Path(tmp) / "bench.db"))
        try:
            wait_healthy(f"http://127.0.0.1:{args.port}/healthz", proc)
            answers = Answers(fake)
            url = f"http://127.0.0.1:{args.port}/slack/events"
            # the baseline, same run: a few conversations one at a time (nothing else going on)
            alone = [converse(10_000 + n, args, answers, url) for n in range(args.baseline)]
            started = time.monotonic()
            with ThreadPoolExecutor(args.n) as pool:
                results = list(pool.map(lambda n: converse(n, args, answers, url), range(args.n)))
            wall = time.monotonic() - started
            time.sleep(1.0)  # let a late duplicate arrive, if any
            answers.stop()
            report(args, results, answers, wall, alone)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            fake.stop()


def report(args, results: list[dict], answers: Answers, wall: float, alone: list[dict]) -> None:
    first = [ms for r in results for ms in r["first_answer_ms"]]
    acks = [ms for r in results for ms in r["ack_ms"]]
    lost = sum(r["lost"] for r in results)
    errors = sum(r["errors"] for r in results)
    doubled = sum(max(0, len(answers.by_thread[r["thread"]]) - 3) for r in results)
    turns = 3 * args.n
    print(f"\nconversations: {args.n} at once, 3 turns each ({turns} turns) in {wall:.2f} s")
    print(
        "  first visible answer ms: "
        f"p50 {percentile(first, 50):.0f}  p95 {percentile(first, 95):.0f}  "
        f"p99 {percentile(first, 99):.0f}  max {max(first, default=float('nan')):.0f}"
    )
    print(f"  ack ms: p50 {percentile(acks, 50):.0f}  p99 {percentile(acks, 99):.0f}")
    base = [ms for r in alone for ms in r["first_answer_ms"]]
    if base:
        print(
            f"  baseline, {len(alone)} conversations one at a time: first answer p50 "
            f"{percentile(base, 50):.0f} ms; {args.n} at once is "
            f"{percentile(first, 50) / percentile(base, 50):.1f}x at p50"
        )
    print(f"  answered {len(first)}/{turns}; lost {lost}; doubled {doubled}; errors {errors}")
    print(f"  retried deliveries: every {args.retry_every}th turn; refused posts {answers.refused}")
    checks = [
        ("first visible answer p95 < 1 s", percentile(first, 95) < 1000),
        ("0 lost, 0 doubled", lost == 0 and doubled == 0 and errors == 0),
    ]
    for name, ok in checks:
        print(f"  target {name}: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
