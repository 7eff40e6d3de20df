"""The LLM engine under load, and the size of its prompt. Run by hand; prints figures.

    python benchmarks/bench_llm.py              # 50 concurrent reviews, fake answers in 2 s
    python benchmarks/bench_llm.py -n 100 --delay 1

What it measures (the fake OpenAI-compatible server of tests/fakes on loopback):
1. Prompt size for a 280-character draft with the default playbook: characters and an
   estimate of tokens (chars / 4 — no tokenizer is installable offline here: tiktoken
   downloads its encodings on first use), the JSON schema sent alongside, and the output
   token cap. Targets: <= 2,000 tokens in (issue 4); the output cap leaves room for the
   longest allowed answer (issue 17: a cut answer is unusable JSON), so it is not a target
   but a ceiling: a model writes what the answer needs, usually a few hundred tokens.
2. Reviewer.review() for N drafts at once (threads, as Slack's worker pool runs them)
   against a fake that answers each call after --delay seconds: all complete with the
   llm engine, wall time, the fake's peak concurrency, thread count and RSS before,
   during and after (flat = back to where it started, no growth per review).
3. The real Bolt app over HTTP (fake Slack Web API + response_urls): N signed slash
   commands at once; ack latency p50/p99 with the LLM engine vs rules only, and time until
   every LLM answer replaced its rules review.

Drafts come from ../shared/data/corporate_messaging_tweets.csv when present (said when not).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import multiprocessing
import resource
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.review.factory import make_reviewer  # noqa: E402
from bot.review.llm.prompt import (  # noqa: E402
    max_output_tokens,
    prepare,
    system_message,
    user_message,
)
from bot.review.llm.prompts import load_prompts  # noqa: E402
from bot.review.llm.schema import LlmReview  # noqa: E402
from bot.review.playbooks.loader import PlaybookLibrary  # noqa: E402
from bot.review.reviewer import Reviewer, ReviewRequest  # noqa: E402
from bot.store.store import Store  # noqa: E402
from tests.fakes import slack_requests as sr  # noqa: E402
from tests.fakes.openai_api import FakeOpenAI  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402

SECRET = "8f742231b10e8888abcd9985a5c3d1e0"
TOKEN = "xoxb-1234-5678-benchmark"
DATA = ROOT.parent / "shared" / "data" / "corporate_messaging_tweets.csv"
BUILT_IN = [
    "BUY NOW!!! Only 3 left, act now. Like and share to win! https://shop.example/sale",
    "We're thrilled to announce our industry-leading, world-class solution for teams.",
    "Thanks for telling us, you're right, we got this wrong. Here's what we're changing.",
    "What would you like to see in the next release? Tell us below, we read every reply.",
]


@cache
def corpus() -> tuple[str, ...]:
    if DATA.exists():
        with DATA.open(newline="", encoding="utf-8") as f:
            texts = [row["text"] for row in csv.DictReader(f) if len(row["text"]) > 40]
        print(f"drafts: from {DATA}")
        return tuple(texts)
    print(f"drafts: built-in list ({DATA} not present)")
    return tuple(BUILT_IN)


def drafts(n: int) -> list[str]:
    """n distinct drafts, so the cache cannot answer for the model."""
    texts = corpus()
    return [f"{texts[i % len(texts)]} (#{i})" for i in range(n)]


def draft_280() -> str:
    base = drafts(1)[0]
    text = base
    while len(text) < 280:
        text += " " + base
    return text[:280]


def _serve_fake(delay: float, out, stop) -> None:
    with FakeOpenAI(default_delay=delay) as fake:
        out.put(fake.base_url)
        stop.wait()
        out.put({"calls": len(fake.calls), "max_in_flight": fake.max_in_flight})


@contextmanager
def fake_llm_process(delay: float):
    """The fake OpenAI server in its own process, so its threads and CPU are not ours."""
    ctx = multiprocessing.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_serve_fake, args=(delay, out, stop), daemon=True)
    child.start()
    seen: dict = {"base_url": out.get(timeout=30)}
    try:
        yield seen
    finally:
        stop.set()
        seen.update(out.get(timeout=30))
        child.join(timeout=10)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prompt_size() -> None:
    print("\n== prompt size (280-character draft, default playbook) ==")
    prompts = load_prompts()
    playbook = PlaybookLibrary().get(None)
    text = draft_280()
    rules = Reviewer(PlaybookLibrary()).rules_review(ReviewRequest(text=text, platform="x"))
    source = prepare(text, None)
    system = system_message(prompts, playbook)
    user = user_message(prompts, source, rules, tone=None, tag="SW-0123456789abcdef")
    schema = json.dumps(LlmReview.model_json_schema())
    chars = len(system) + len(user)
    print(f"system message: {len(system):6,} chars (static: the cacheable prefix)")
    print(f"user message:   {len(user):6,} chars (draft {len(text)} chars, {len(rules.findings)} "
          "findings as evidence)")  # fmt: skip
    print(f"json schema:    {len(schema):6,} chars")
    estimate = (chars + len(schema)) / 4
    print(f"tokens in  ≈ {estimate:,.0f} (chars/4 estimate, messages + schema; target <= 2,000)")
    cap = max_output_tokens(source.redacted)
    print(f"tokens out <= {cap} (max_completion_tokens: room for the longest allowed answer)")


def concurrent_reviews(n: int, delay: float, rounds: int = 4) -> None:
    print(f"\n== {n} concurrent Reviewer.review() calls, fake answers in {delay} s ==")
    with tempfile.TemporaryDirectory() as tmp, fake_llm_process(delay) as fake:
        store = Store(Path(tmp) / "bench.db")
        settings = Settings(openai_api_key="sk-bench", openai_base_url=fake["base_url"])
        reviewer = make_reviewer(settings, store)
        texts = drafts(n)
        reviewer.review(ReviewRequest(text="warm-up: what do you think?"))
        gc.collect()
        # one long-lived pool, like the Slack app's deps.pool (the store keeps a
        # connection per thread, so short-lived threads would each open one)
        pool = ThreadPoolExecutor(n)
        threads0, rss0 = threading.active_count(), rss_mb()
        print(f"before: threads {threads0}, RSS {rss0:.1f} MB")
        for round_ in range(1, rounds + 1):
            peak = {"threads": threads0, "rss": rss0}
            done = threading.Event()

            def sample(peak=peak, done=done) -> None:
                while not done.wait(0.05):
                    peak["threads"] = max(peak["threads"], threading.active_count())
                    peak["rss"] = max(peak["rss"], rss_mb())

            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.perf_counter()
            batch = [f"{t} r{round_}" for t in texts]  # new drafts: no cache hits
            reviews = list(pool.map(lambda t: reviewer.review(ReviewRequest(text=t)), batch))
            wall = time.perf_counter() - started
            done.set()
            sampler.join()
            gc.collect()
            engines = {e: sum(r.engine == e for r in reviews) for e in ("llm", "rules")}
            print(f"round {round_}: completed {len(reviews)}/{n} {engines} in {wall:.2f} s; "
                  f"threads peak {peak['threads']} (the {n} callers) -> after "
                  f"{threading.active_count()}; RSS peak {peak['rss']:.1f} -> after "
                  f"{rss_mb():.1f} MB")  # fmt: skip
        pool.shutdown()
        reviewer.close()
        store.close()
    print(f"the fake saw {fake['calls']} calls, at most {fake['max_in_flight']} at once")


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def slack_acks(n: int, delay: float, with_llm: bool) -> tuple[list[float], float]:
    from bot.slack.app import build_app
    from bot.slack.wsgi import wsgi_app

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSlackAPI(token=TOKEN) as slack,
        fake_llm_process(delay) as fake,
    ):
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
            db_path=str(Path(tmp) / "bench.db"),
            openai_api_key="sk-bench" if with_llm else "",
            openai_base_url=fake["base_url"] if with_llm else None,
        )
        store = Store(settings.db_path)
        reviewer = make_reviewer(settings, store)
        app = build_app(settings, reviewer, store)
        server = make_server("127.0.0.1", 0, wsgi_app(app), server_class=_Server,
                             handler_class=_Quiet)  # fmt: skip
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
        texts = drafts(n)

        def send(i: int) -> float:
            command = sr.slash_command(texts[i], response_url=slack.response_url(f"r{i}"))
            started = time.perf_counter()
            reply = sr.deliver(url, command, SECRET)
            assert reply.status == 200, reply.status
            return (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            acks = list(pool.map(send, range(n)))
        expected = n * 2 if with_llm else n  # rules review, then the LLM replacement
        slack.wait_for_response(expected, timeout=120)
        answered = time.perf_counter() - started
        server.shutdown()
        server.server_close()
        thread.join()
        app.deps.close()
        reviewer.close()
        store.close()
        return acks, answered


def p(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]  # never past the max


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="concurrent reviews (default 50)")
    parser.add_argument("--delay", type=float, default=2.0, help="fake answer delay, s")
    parser.add_argument("--ack-rounds", type=int, default=3, help="ack runs per mode (3)")
    args = parser.parse_args()
    prompt_size()
    concurrent_reviews(args.n, args.delay)
    print(f"\n== Slack app: {args.n} slash commands at once (acks), {args.ack_rounds} rounds ==")
    p99s: dict[str, list[float]] = {"rules only": [], "with LLM": []}
    for round_ in range(args.ack_rounds):
        order = (False, True) if round_ % 2 == 0 else (True, False)  # alternate: load drifts
        for with_llm in order:
            name = "with LLM" if with_llm else "rules only"
            acks, done = slack_acks(args.n, args.delay, with_llm=with_llm)
            p99s[name].append(p(acks, 99))
            print(f"{name:10}: ack p50 {p(acks, 50):6.1f} ms  p99 {p(acks, 99):6.1f} ms  "
                  f"max {max(acks):6.1f} ms; every answer in {done:.2f} s")  # fmt: skip
    for name, values in p99s.items():
        print(f"median ack p99, {name}: {statistics.median(values):.1f} ms")


if __name__ == "__main__":
    main()
