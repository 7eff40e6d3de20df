"""bot.jobs: accepted work is written down, run under a lease, picked up when its process
dies, rescheduled without holding a thread, bounded, deduplicated — and still runs (from
memory) when the store can't take writes. Real SQLite files, real threads, no mocks."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.jobs import Jobs, Later, StoreHealth, decode_call, encode_call, once
from bot.jobs.calls import CallError
from bot.store import Store


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "jobs.db"


@pytest.fixture
def store(db_path):
    with Store(db_path) as opened:
        yield opened


class Log:
    """What the jobs did, in order, from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list = []

    def add(self, item) -> None:
        with self.lock:
            self.items.append(item)


def runner(store, log: Log, *, workers: int = 2, capacity: int = 50, lease: float = 30.0):
    jobs = Jobs(store, pools={"work": workers}, capacity=capacity, lease=lease)
    jobs.register("note", lambda payload: log.add(payload["n"]))
    return jobs


def test_work_left_by_a_dead_process_is_picked_up_once_its_lease_lapses(store):
    now = time.time()
    # exactly what a process killed mid-job leaves behind: a running row, its lease lapsed
    # (by more than a lease: a process merely held up by a lock renews before that)
    row = {"id": "j-dead", "kind": "note", "payload": '{"n": 7}', "now": now - 90}
    store.add_jobs([row], leased_by="host:123:dead", lease_until=now - 31)
    log = Log()
    jobs = runner(store, log).start()
    try:
        assert wait_until(lambda: log.items == [7])
        assert wait_until(lambda: store.get_job("j-dead")["state"] == "done")
    finally:
        jobs.close()
    done = store.get_job("j-dead")
    assert done["attempts"] == 2 and done["payload"] is None  # the draft doesn't linger


def test_a_live_process_keeps_its_work_even_when_a_lock_kept_it_from_renewing(store):
    now = time.time()
    row = {"id": "j-alive", "kind": "note", "payload": '{"n": 1}', "now": now}
    store.add_jobs([row], leased_by="host:1:alive", lease_until=now - 5)  # lapsed just now
    log = Log()
    jobs = runner(store, log).start()
    try:
        assert not wait_until(lambda: log.items, timeout=1.0)
    finally:
        jobs.close()
    assert store.get_job("j-alive")["leased_by"] == "host:1:alive"


def test_a_job_that_must_wait_gives_its_thread_to_the_next_one(store):
    log, tries = Log(), []
    jobs = Jobs(store, pools={"work": 1}, capacity=10)

    def limited(payload):
        tries.append(time.monotonic())
        if len(tries) == 1:
            raise Later(0.5, "ratelimited")  # a 429's Retry-After
        log.add("limited")

    jobs.register("limited", limited)
    jobs.register("note", lambda payload: log.add(payload["n"]))
    jobs.start()
    try:
        jobs.accept("limited", {})
        assert wait_until(lambda: tries)
        jobs.accept("note", {"n": "next"})
        assert wait_until(lambda: log.items == ["next", "limited"])
    finally:
        jobs.close()
    assert tries[1] - tries[0] >= 0.5  # waited its Retry-After, in the table, not a thread


def test_a_full_process_says_no_at_once(store):
    release = threading.Event()
    jobs = Jobs(store, pools={"work": 1}, capacity=2)
    jobs.register("block", lambda payload: release.wait(10))
    jobs.start()
    try:
        assert jobs.accept("block", {}) and jobs.accept("block", {})
        assert not jobs.accept("block", {})  # never waits: the caller says "busy"
    finally:
        release.set()
        jobs.close()


def test_one_key_is_done_once_across_two_processes(db_path):
    log = Log()
    with Store(db_path) as first_store, Store(db_path) as second_store:
        first, second = runner(first_store, log).start(), runner(second_store, log).start()
        try:
            for _ in range(3):  # Slack's retries of one event, to either process
                assert first.accept("note", {"n": "ev1"}, key="event:Ev1")
                assert second.accept("note", {"n": "ev1"}, key="event:Ev1")
            assert wait_until(lambda: log.items == ["ev1"])
            time.sleep(0.5)
        finally:
            first.close()
            second.close()
    assert log.items == ["ev1"]


def test_a_locked_store_still_runs_the_work_and_says_why_until_writes_work(db_path, store):
    log = Log()
    health = StoreHealth()
    jobs = Jobs(store, pools={"work": 2}, capacity=10, health=health)
    jobs.register("note", lambda payload: log.add(payload["n"]))
    jobs.start()
    blocker = sqlite3.connect(db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        assert jobs.accept("note", {"n": 1})
        assert wait_until(lambda: log.items == [1])  # ran from memory
        assert "locked" in (health.problem or "")
        blocker.execute("ROLLBACK")
        assert wait_until(lambda: health.ok, timeout=5)  # the sweeper's probe write worked
        assert jobs.accept("note", {"n": 2})
        assert wait_until(lambda: log.items == [1, 2])
    finally:
        blocker.close()
        jobs.close()


def test_a_job_that_never_gets_through_gives_up_and_says_why(store):
    told = Log()
    jobs = Jobs(store, pools={"work": 1}, capacity=10)

    def always_later(payload):
        raise Later(0.0, "ratelimited")

    jobs.register("stuck", always_later, give_up=lambda payload, why: told.add(why))
    jobs.start()
    try:
        jobs.accept("stuck", {"n": 1}, key="stuck-1")
        assert wait_until(lambda: told.items == ["ratelimited"])
        assert wait_until(lambda: store.get_job("stuck-1")["state"] == "failed")
    finally:
        jobs.close()


def test_once_keeps_a_step_done_before_a_rerun(store):
    effects = Log()
    jobs = Jobs(store, pools={"work": 1}, capacity=10)

    def post_then_wait(payload):
        once("post", lambda: effects.add("posted") or "ts-1")
        if not payload.get("waited"):
            payload["waited"] = True
            raise Later(0.1)
        effects.add("finished")

    jobs.register("post", post_then_wait)
    jobs.start()
    try:
        jobs.accept("post", {})
        assert wait_until(lambda: effects.items == ["posted", "finished"])
    finally:
        jobs.close()


# -- calls kept as JSON ------------------------------------------------------------------


def test_a_call_with_dataclasses_and_a_review_comes_back_equal():
    from bot.review.engine import review as rules_review
    from bot.review.playbook import load_playbook
    from bot.slack.flow import Ask, finish_with_llm
    from bot.slack.replies import Place, Sent

    fixture = Path(__file__).parent / "fixtures" / "playbooks" / "basic.yml"
    review = rules_review("BUY NOW!!! Only 3 left", load_playbook(fixture))
    assert review.findings
    place = Place("U1", "C1", response_url="https://hooks.example/r/1", thread_ts="1.2")
    args = ("DEPS", Ask("BUY NOW!!!", place, "command"), review, Sent("message", "C1", "1.3"))
    payload = encode_call(finish_with_llm, args, deps="DEPS")
    fn, back = decode_call(payload, deps="OTHER-DEPS")
    assert fn is finish_with_llm and back[0] == "OTHER-DEPS"
    assert back[1:] == list(args[1:])


def test_a_lambda_or_code_outside_the_app_is_refused():
    with pytest.raises(CallError):
        encode_call(lambda: None, ())
    with pytest.raises(CallError):
        decode_call({"fn": "os:system", "args": ["true"]})


def test_work_that_cant_be_kept_as_json_still_runs_from_memory(store):
    log = Log()
    jobs = Jobs(store, pools={"work": 1}, capacity=10)
    jobs.register("live", lambda payload: payload["fn"]())
    jobs.start()
    try:
        assert jobs.accept("live", {"fn": lambda: log.add("ran")}, key="live-1", durable=False)
        assert wait_until(lambda: log.items == ["ran"])
    finally:
        jobs.close()
    assert store.get_job("live-1") is None  # nothing written: it was never durable
