"""bot.jobs: accepted work is written down, run under a lease, picked up when its process
dies, rescheduled without holding a thread, bounded, deduplicated — and still runs (from
memory) when the store can't take writes. Real SQLite files and the real PostgreSQL (each
test runs on both), real threads, no mocks."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import ExitStack, contextmanager

import pytest

from bot.jobs import Jobs, Later, StoreHealth, decode_call, encode_call, once
from bot.jobs.calls import CallError
from bot.store.store import Store
from tests.paths import FIXTURES


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def db_path(store_target):
    """The database: a SQLite file, then PostgreSQL (tests/conftest.py)."""
    return store_target


@contextmanager
def writes_locked(db_path):
    """Another process holds the database's write lock until the block ends."""
    if not str(db_path).startswith("postgresql://"):
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        return
    holding, release = threading.Event(), threading.Event()

    def hold():
        with Store(db_path) as other, other._immediate():
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        thread.join(10)


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
    # grace=0: these tests are about leases alone (the grace after start has its own test)
    jobs = Jobs(store, pools={"work": workers}, capacity=capacity, lease=lease, grace=0.0)
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
    locked = ExitStack()
    try:
        locked.enter_context(writes_locked(db_path))  # another process holds the write lock
        assert jobs.accept("note", {"n": 1})
        assert wait_until(lambda: log.items == [1])  # ran from memory
        assert "lock" in (health.problem or "")
        locked.close()
        assert wait_until(lambda: health.ok, timeout=5)  # the sweeper's probe write worked
        assert jobs.accept("note", {"n": 2})
        assert wait_until(lambda: log.items == [1, 2])
    finally:
        locked.close()
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
    from bot.review.playbooks.loader import load_playbook
    from bot.review.rules.engine import review as rules_review
    from bot.slack.flow import Ask, finish_with_llm
    from bot.slack.replies import Place, Sent

    fixture = FIXTURES / "playbooks" / "basic.yml"
    review = rules_review("BUY NOW!!! Only 3 left", load_playbook(fixture))
    assert review.findings
    place = Place("U1", "C1", response_url="https://hooks.example/r/1", thread_ts="1.2")
    args = ("DEPS", Ask("BUY NOW!!!", place, "command"), review, Sent("message", "C1", "1.3"))
    payload = encode_call(finish_with_llm, args, deps="DEPS")
    fn, back = decode_call(payload, deps="OTHER-DEPS")
    assert fn is finish_with_llm and back[0] == "OTHER-DEPS"
    assert back[1:] == list(args[1:])


def test_a_job_written_before_its_modules_moved_still_runs():
    """A job queued by the version before the reorganisation names the old modules."""
    from bot.review.playbooks.loader import load_playbook
    from bot.review.rules.engine import review as rules_review
    from bot.slack.flow import finish_with_llm

    review = rules_review(
        "BUY NOW!!! Only 3 left", load_playbook(FIXTURES / "playbooks" / "basic.yml")
    )
    payload = encode_call(finish_with_llm, ("DEPS", review), deps="DEPS")
    payload["args"][1]["__obj__"] = "bot.review.model:Review"  # where Review lived before
    fn, back = decode_call(payload, deps="DEPS")
    assert fn is finish_with_llm and back[1] == review
    with pytest.raises(CallError, match="no longer exists"):
        decode_call({"fn": "bot.review.model:Gone", "args": []})


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


def test_retention_erases_the_drafts_of_jobs_left_open_past_it(db_path):
    """A job nobody finished (every process stopped for weeks) still holds its draft and
    response_url: the retention run erases it like any review's text, and the job is closed
    (its answer is long overdue and its response_url expired)."""
    clock = [time.time()]
    with Store(db_path, clock=lambda: clock[0]) as store:
        old = {"id": "j-old", "kind": "note", "payload": '{"draft": "BUY NOW"}', "now": clock[0]}
        store.add_jobs([old], leased_by="host:1:gone", lease_until=clock[0] + 30)
        clock[0] += 31 * 86400
        fresh = {"id": "j-new", "kind": "note", "payload": '{"draft": "hi"}', "now": clock[0]}
        store.add_jobs([fresh], leased_by="host:2:here", lease_until=clock[0] + 30)
        store.purge(30)
        gone, kept = store.get_job("j-old"), store.get_job("j-new")
        assert gone["payload"] is None and gone["state"] == "failed"
        assert kept["payload"] == '{"draft": "hi"}' and kept["state"] == "running"
        store.purge(0)  # "keep nothing": work in hand still needs its words to answer
        assert store.get_job("j-new")["state"] == "running"
        clock[0] += 3601
        store.purge(0)
        assert store.get_job("j-new")["payload"] is None


def test_after_a_store_outage_nobody_takes_over_work_its_live_process_still_runs(db_path):
    """A long lock stops every process renewing its leases, so when it ends every lease
    looks lapsed. The process that recovers first must not take over the others' work
    while they are alive and running it (a second answer): each renews its own first."""
    if str(db_path).startswith("postgresql://"):
        pytest.skip("an outage as SQLite's write lock: PostgreSQL's writers wait it out instead")
    ran, release = Log(), threading.Event()
    with Store(db_path) as a_store, Store(db_path) as b_store:
        # A looks at the store less often than B, so B is (nearly always) first to recover
        a = Jobs(a_store, pools={"work": 1}, capacity=5, lease=1.0, poll=0.3, write_wait=0.2)
        b = Jobs(
            b_store, pools={"work": 1}, capacity=5, lease=1.0, poll=0.05, write_wait=0.2, grace=1.0
        )  # B's grace: A renews within 0.3 s of recovering; the rest is room for a busy machine
        a.register("slow", lambda payload: ran.add("A") or release.wait(15))
        b.register("slow", lambda payload: ran.add("B") or release.wait(15))
        a.start(), b.start()
        try:
            assert a.accept("slow", {}, key="slow-1")
            assert wait_until(lambda: ran.items == ["A"])
            with writes_locked(db_path):  # another program holds the write lock...
                assert wait_until(lambda: not a.health.ok and not b.health.ok, timeout=5)
                time.sleep(2.5)  # ...for longer than two leases
            assert wait_until(lambda: a.health.ok and b.health.ok, timeout=5)
            time.sleep(2.0)  # past B's grace: A's own renewal has kept its work
            assert ran.items == ["A"]  # still A's alone
            assert a_store.get_job("slow-1")["leased_by"] == a.me
        finally:
            release.set()
            a.close()
            b.close()


def test_telling_the_person_about_a_hopeless_job_never_holds_the_lease_renewals(db_path):
    """A job picked up from a dead process with its attempts used up gives up — telling the
    person is a call to Slack, which can be slow. Meanwhile this process's own running work
    keeps its lease (or another process would take it over and answer a second time)."""
    release, told = threading.Event(), Log()
    with Store(db_path) as store:
        now = time.time()
        hopeless = {"id": "j-hopeless", "kind": "slow", "payload": "{}", "now": now - 60}
        store.add_jobs([hopeless], leased_by="host:9:dead", lease_until=now - 30)
        store.db.execute("UPDATE jobs SET attempts = 99 WHERE id = 'j-hopeless'")
        jobs = Jobs(store, pools={"work": 2}, capacity=5, lease=1.0)

        def slow_slack(payload, why):  # Slack takes 3 s to take the message
            told.add(why)
            time.sleep(3)

        jobs.register("slow", lambda payload: release.wait(15), give_up=slow_slack)
        jobs.start()
        try:
            assert jobs.accept("slow", {}, key="mine")
            assert wait_until(lambda: told.items == ["too_many_attempts"])
            time.sleep(2)  # two leases into the slow give-up
            assert store.get_job("mine")["lease_until"] > time.time()  # still ours
        finally:
            release.set()
            jobs.close()


def test_a_process_just_started_waits_half_a_lease_before_taking_work_over(store):
    """A process starting as an outage ends sees every lease lapsed: it leaves the others'
    work alone until they have had time to renew it; a dead process's work it then takes."""
    now = time.time()
    row = {"id": "j-orphan", "kind": "note", "payload": '{"n": 3}', "now": now - 90}
    store.add_jobs([row], leased_by="host:4:dead", lease_until=now - 60)
    log = Log()
    jobs = Jobs(store, pools={"work": 1}, capacity=5, lease=4.0)
    jobs.register("note", lambda payload: log.add(payload["n"]))
    jobs.start()
    try:
        time.sleep(1.0)
        assert log.items == []  # within its first half-lease (2 s): not yet
        assert wait_until(lambda: log.items == [3])
    finally:
        jobs.close()
