"""Delivery under faults: the Procfile's `web` line (gunicorn) on loopback, the fake Slack
(tests/fakes, in its own process) failing on purpose. Run by hand; prints, per scenario:
acks (status, p50, p99), requests with 0, 1 and 2+ answers, and reply p50/p99.

    python benchmarks/bench_faults.py                      # every scenario, scaled down
    python benchmarks/bench_faults.py -n 2000 --lock 40    # the issue's sizes
    python benchmarks/bench_faults.py --only faults,kill

Scenarios (issue 13):
- baseline  N commands, no faults (the reference for the reply figures);
- faults    N commands, 10% 429 (Retry-After 1 s) + 5% 500 + 2% slow (5 s) answers;
- kill      the same, one gunicorn worker killed with SIGKILL mid-run (its jobs' leases
            lapse after SOCIALWAY_JOB_LEASE=5 s here and the other worker takes them);
- resets    2% of response_url posts and of threaded replies reset after Slack acted,
            and 50 channels' digests with 20% of their posts reset after acting;
- lock      mentions while another process holds the database's write lock --lock s;
- disk      N commands with the database's files capped (RLIMIT_FSIZE: "disk full").
An "answer" is a review Slack accepted for that request (a response_url post, or a reply
in the mention's thread); a response_url post with `replace_original` replaces the one
before it, so it counts only when nothing came before; notes ("busy", "may not have
arrived") are counted apart.
Loopback only; bounded (every wait has a deadline). Drafts: a built-in list.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import slack_requests as sr  # noqa: E402
from tests.fakes.slack_api import DRAFTS, TEAM_ID, FakeSlackAPI, Faults  # noqa: E402

SECRET = "8f742231b10e8888abcd9985a5c3d1e0"
TOKEN = "xoxb-1234-5678-benchmark"
DRAFTS_TO_REVIEW = [
    "BUY NOW!!! Only 3 left, act now. Like and share to win!",
    "We're thrilled to announce our industry-leading, world-class solution.",
    "Thanks for telling us — you're right, we got this wrong. Here's what we're changing.",
    "We apologize for any inconvenience. Per our policy, refunds take 30 days.",
    "Tag 3 friends and follow us to enter! #giveaway #win #free #now",
]
REVIEW_MARK = "/100"  # every review's verdict line carries its score


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


# -- the fake Slack, in its own process ------------------------------------------------------


class FakeProcess:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._proc = context.Process(target=_serve_fake, args=(child,), daemon=True)
        self._proc.start()
        self.api_url, self.base_url = self._conn.recv()

    def ask(self, *command):
        self._conn.send(command)
        return self._conn.recv()

    def response_url(self, rid: str) -> str:
        return f"{self.base_url}/response/{rid}"

    def stop(self) -> None:
        self.ask("stop")
        self._proc.join(timeout=10)


def _serve_fake(conn) -> None:
    with FakeSlackAPI(token=TOKEN) as fake:
        conn.send((fake.api_url, fake.base_url))
        while True:
            command, *args = conn.recv()
            if command == "stop":
                conn.send(True)
                return
            if command == "inject":
                fake.inject(Faults(**args[0]) if args[0] else None)
                conn.send(True)
            elif command == "reset":
                fake.reset()
                conn.send(True)
            elif command == "channels":
                for n in range(args[0]):
                    fake.add_channel(f"C0DIGEST{n:03d}", f"digest-{n}")
                conn.send(True)
            elif command == "calls":
                conn.send([_summary(c) for c in fake.calls()])
            elif command == "notes":  # what the app said that wasn't a review
                said = ("chat.postEphemeral", "chat.postMessage", "response_url")
                conn.send([(c.method, c.text[:160]) for c in fake.calls(ok=True)
                           if c.method in said and REVIEW_MARK not in c.text])  # fmt: skip


def _summary(call) -> tuple:
    meta = call.params.get("metadata") if isinstance(call.params.get("metadata"), dict) else {}
    kind = "review" if REVIEW_MARK in call.text else "note"
    if kind == "review" and call.params.get("replace_original") in (True, "true"):
        kind = "replacing"  # replaces the answer that landed before (Slack shows one)
    if (meta or {}).get("event_type", "").startswith("socialway_digest"):
        kind = "digest"
    where = call.response_id or str(call.params.get("thread_ts") or call.params.get("channel"))
    return (call.method, where, call.at, call.ok, kind)


# -- the app, as the Procfile runs it --------------------------------------------------------


def web_command(port: int) -> list[str]:
    """The Procfile's web line, bound to loopback on `port`, run by this Python."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    words = shlex.split(line.split(":", 1)[1].replace("$PORT", str(port)))
    words = [w.replace("0.0.0.0", "127.0.0.1") for w in words]
    assert words[0] == "gunicorn"
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def start_app(args, fake: FakeProcess, db: str, *, file_limit: int | None = None):
    env = dict(
        os.environ,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        SOCIALWAY_DB=db,
        SOCIALWAY_LOG_LEVEL="ERROR",
        SOCIALWAY_JOB_LEASE=str(args.lease),
    )
    for name in ("SLACK_APP_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL"):
        env.pop(name, None)

    def cap_files():  # "disk full": files can't grow past file_limit bytes (EFBIG)
        if file_limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    proc = subprocess.Popen(
        web_command(args.port), cwd=ROOT, env=env, preexec_fn=cap_files, stderr=subprocess.PIPE
    )
    threading.Thread(target=_count_log_lines, args=(proc,), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        if health(args)[0] == 200:
            return proc
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up within 60 s")


LOG_LINES = Counter()


FIRST_ERRORS: list[str] = []


def _count_log_lines(proc) -> None:
    context = 0
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace")
        LOG_LINES["traceback" if line.lstrip().startswith("Traceback") else "lines"] += 1
        if " ERROR socialway" in line and len(FIRST_ERRORS) < 3:
            FIRST_ERRORS.append(line.strip()[:300])
            context = 30 if "failed" in line and not LOG_LINES["shown"] else 0
            LOG_LINES["shown"] += bool(context)
        elif context:
            FIRST_ERRORS.append("      " + line.rstrip()[:200])
            context -= 1


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def health(args) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as r:
            return r.status, r.read().decode().strip()
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, failed.read().decode().strip()
    except OSError as failed:
        return 0, type(failed).__name__


def workers_of(proc) -> list[int]:
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [int(pid) for pid in children]


# -- load ------------------------------------------------------------------------------------


def fire(args, fake: FakeProcess, n: int, kind: str, tag: str, on_half=None) -> dict:
    """Send `n` requests (commands or mentions) at --concurrency; returns what each got."""
    url = f"http://127.0.0.1:{args.port}/slack/events"
    sent: dict[str, tuple[float, int | None, float]] = {}

    def one(i: int) -> None:
        if on_half is not None and i == n // 2:
            on_half()
        draft = f"{DRAFTS_TO_REVIEW[i % len(DRAFTS_TO_REVIEW)]} ({tag} {i})"
        if kind == "command":
            key = f"{tag}{i:06d}"
            request = sr.slash_command(draft, response_url=fake.response_url(key))
        else:
            event = sr.app_mention(draft, channel=DRAFTS)
            key = event["ts"]
            request = sr.event_callback(event)
        try:
            d = sr.deliver(url, request, SECRET, timeout=15)
            sent[key] = (d.sent_at, d.status, (d.returned_at - d.sent_at) * 1000)
        except OSError:
            sent[key] = (time.monotonic(), None, float("nan"))

    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(one, range(n)))
    return sent


def settle(fake: FakeProcess, sent: dict, wait: float) -> list[tuple]:
    """Wait until every acked request has an answer (or `wait` s pass), then 2 s of quiet."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        calls = fake.ask("calls")
        answered = {w for _, w, _, ok, k in calls if ok and k in ("review", "replacing")}
        if all(key in answered for key, (_, status, _) in sent.items() if status == 200):
            break
        time.sleep(0.5)
    time.sleep(2)
    return fake.ask("calls")


def report(name: str, sent: dict, calls: list[tuple], extra: str = "") -> None:
    statuses = Counter(str(status) for _, status, _ in sent.values())
    ack_ms = [ms for _, status, ms in sent.values() if status is not None]
    answers = Counter()
    first: dict[str, float] = {}
    for method, where, at, ok, kind in calls:
        if ok and kind == "review" and where in sent and method != "chat.update":
            answers[where] += 1
            first[where] = min(first.get(where, at), at)
    for _method, where, at, ok, kind in calls:  # a replacing post with nothing to replace
        if ok and kind == "replacing" and where in sent and not answers[where]:
            answers[where] = 1
            first[where] = at
    said = ("chat.postEphemeral", "chat.postMessage", "response_url")
    notes = sum(1 for m, _, _, ok, k in calls if ok and k == "note" and m in said)
    spread = Counter(min(answers[key], 2) for key in sent)
    acked_unanswered = sum(1 for key, (_, s, _) in sent.items() if s == 200 and not answers[key])
    reply_s = [first[key] - sent[key][0] for key in first]
    print(f"\n[{name}] {len(sent)} requests")
    print(
        f"  acks: {dict(sorted(statuses.items()))}  p50 {percentile(ack_ms, 50):.0f} ms  "
        f"p99 {percentile(ack_ms, 99):.0f} ms"
    )
    print(
        f"  answers per request: 0: {spread[0]}  1: {spread[1]}  2+: {spread[2]}  "
        f"(acked but unanswered: {acked_unanswered}; notes sent: {notes})"
    )
    print(f"  reply: p50 {percentile(reply_s, 50):.2f} s  p99 {percentile(reply_s, 99):.2f} s")
    if extra:
        print(f"  {extra}")


# -- scenarios ---------------------------------------------------------------------------------

FAULTS = {"rate_limited": 0.10, "retry_after": 1, "server_error": 0.05, "slow": 0.02}


def run_commands(args, fake, name: str, faults: dict | None, *, kill: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_app(args, fake, str(Path(tmp) / "faults.db"))
        try:
            fake.ask("reset")
            fake.ask("inject", faults)
            killed = []

            def kill_one():
                pid = workers_of(proc)[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

            tag = name.split(":")[0]
            sent = fire(args, fake, args.n, "command", tag, on_half=kill_one if kill else None)
            calls = settle(fake, sent, args.wait)
            fake.ask("inject", None)
            report(name, sent, calls, f"killed worker {killed[0]} mid-run" if killed else "")
        finally:
            stop_app(proc)


def run_resets(args, fake) -> None:
    from bot.config import Settings
    from bot.digest.schedule import due
    from bot.slack.client import make_client
    from bot.slack.digest_clock import run_due
    from bot.store.store import Store
    from tests.fakes.seed import Seeder

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "resets.db")
        proc = start_app(args, fake, db)
        try:
            fake.ask("reset")
            resets = {"reset_after": 0.02, "methods": ("response_url", "chat.postMessage")}
            fake.ask("inject", resets)
            sent = fire(args, fake, args.n // 2, "command", "rcmd")
            sent |= fire(args, fake, args.n // 2, "mention", "rmen")
            calls = settle(fake, sent, args.wait)
            report("resets: 2% of answers reset after Slack acted", sent, calls)
            for method, text in fake.ask("notes")[:3]:
                print(f"    note ({method}): {text.splitlines()[0]}")
            for line in FIRST_ERRORS:
                print(f"    app log: {line}")
        finally:
            stop_app(proc)
        # the digest clock, 50 channels, 20% of its posts reset after Slack posted them
        fake.ask("channels", 50)
        fake.ask("reset")
        clock = [time.time() - 7 * 86400]
        store = Store(db, clock=lambda: clock[0])
        seed = Seeder(store, clock)
        for n in range(50):
            channel = f"C0DIGEST{n:03d}"
            store.update_channel_settings(channel, digest_on=True, team_id=TEAM_ID)
            for k in range(3):
                seed.review(clock[0] + k * 3600, channel=channel)
        clock[0] = time.time()
        fake.ask("inject", {"reset_after": 0.20, "methods": ("chat.postMessage",)})
        client = make_client(Settings(slack_bot_token=TOKEN, slack_api_url=fake.api_url))
        rounds = 0
        while rounds < 6 and any(
            not (store.digest_row(c.channel_id, w.key) or {}).get("posted_ts")
            for c, w in due(store, clock[0])
        ):
            run_due(store, client, stale_after=0)
            rounds += 1
        fake.ask("inject", None)
        digests = Counter(w for m, w, _, ok, k in fake.ask("calls") if ok and k == "digest")
        spread = Counter(min(digests[f"C0DIGEST{n:03d}"], 2) for n in range(50))
        print(
            f"  digests (50 channels, 20% of posts reset after acting, {rounds} clock rounds): "
            f"0: {spread[0]}  1: {spread[1]}  2+: {spread[2]}"
        )
        store.close()


def run_lock(args, fake) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "lock.db")
        proc = start_app(args, fake, db)
        try:
            fake.ask("reset")
            blocker = sqlite3.connect(db, isolation_level=None, timeout=30)
            blocker.execute("BEGIN IMMEDIATE")
            locked_at = time.monotonic()
            sent: dict = {}
            during = []
            stop = threading.Event()

            def load():  # ~20 mentions a second, until the lock goes
                i = 0
                while not stop.is_set():
                    sent.update(fire(args, fake, 10, "mention", f"lock{i}"))
                    i += 1
                    stop.wait(0.5)

            def commands():  # ~10 commands a second
                i = 0
                while not stop.is_set():
                    sent.update(fire(args, fake, 5, "command", f"lockc{i}-"))
                    i += 1
                    stop.wait(0.5)

            threads = [threading.Thread(target=load), threading.Thread(target=commands)]
            for t in threads:
                t.start()
            time.sleep(args.lock / 2)
            during.append(health(args))
            time.sleep(max(0.0, args.lock - (time.monotonic() - locked_at)))
            stop.set()
            for t in threads:
                t.join(60)
            blocker.execute("ROLLBACK")
            blocker.close()
            calls = settle(fake, sent, args.wait)
            time.sleep(2)
            report(
                f"lock: write lock held {args.lock:.0f} s, mentions + commands in flight",
                sent,
                calls,
                f"/healthz during: {during[0]}; after: {health(args)}",
            )
        finally:
            stop_app(proc)


def run_disk(args, fake) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "disk.db")
        proc = start_app(args, fake, db, file_limit=args.disk_limit)
        try:
            fake.ask("reset")
            LOG_LINES.clear()
            sent = fire(args, fake, args.n, "command", "disk")
            calls = settle(fake, sent, args.wait)
            report(
                f"disk: database files capped at {args.disk_limit // 1024} KB (disk full)",
                sent,
                calls,
                f"/healthz: {health(args)}; app log: {LOG_LINES['lines']} lines, "
                f"{LOG_LINES['traceback']} tracebacks",
            )
        finally:
            stop_app(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=600, help="requests per scenario (600)")
    parser.add_argument("-c", "--concurrency", type=int, default=50)
    parser.add_argument("--lock", type=float, default=20.0, help="seconds of write lock (20)")
    parser.add_argument("--lease", type=float, default=5.0, help="SOCIALWAY_JOB_LEASE (5)")
    parser.add_argument("--wait", type=float, default=90.0, help="s to wait for answers (90)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--disk-limit", type=int, default=1_200_000, help="bytes per file")
    parser.add_argument("--only", default="baseline,faults,kill,resets,lock,disk")
    args = parser.parse_args()
    print("app:", " ".join(web_command(args.port)[2:]))
    fake = FakeProcess()
    try:
        for name in args.only.split(","):
            if name == "baseline":
                run_commands(args, fake, "baseline: no faults", None)
            elif name == "faults":
                run_commands(args, fake, "faults: 10% 429, 5% 500, 2% slow 5 s", FAULTS)
            elif name == "kill":
                run_commands(args, fake, "kill: faults + SIGKILL of a worker", FAULTS, kill=True)
            elif name == "resets":
                run_resets(args, fake)
            elif name == "lock":
                run_lock(args, fake)
            elif name == "disk":
                run_disk(args, fake)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
