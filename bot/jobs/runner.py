"""Accepted work, written down and run under a lease, so no acknowledged request is lost.

The path of one piece of work:
1. `accept(kind, payload)` — called where Slack gets its ack, so it never waits long: it
   takes a place in this process's bounded capacity or says no at once (then the person is
   told "busy, try again in a minute" instead of waiting forever), and waits (at most
   ACK_WRITE_WAIT) for the writer thread to record it.
2. The writer thread writes what was accepted meanwhile to the `jobs` table in one
   transaction (a group commit: one write for many acks, so acks don't queue on SQLite's
   lock one by one), already leased to this process, then hands each job to its worker
   pool. A retried Slack event with the same key is recorded once, in any process. If the
   store can't take it, the job runs from memory. Closing finished jobs goes the same way.
3. A worker runs it. Done: the row is closed and its payload (a draft, a response_url)
   blanked. `Later(seconds)` (a 429's Retry-After, a backoff): the job waits in the table —
   still leased here — and runs again when due, without holding a thread meanwhile. Too
   many attempts, or an unexpected error: its kind's `give_up` tells the person.
4. The sweeper thread renews this process's leases, runs its own due jobs, and claims jobs
   whose lease lapsed a whole lease ago — a process that died (kill -9) — so another picks
   its work up. Not in its first half-lease after starting or after a store outage (which
   stopped every process renewing): live processes renew their own first.

A job may run again after a crash, so steps with an effect outside say so with `once`: the
result is kept in the job and a rerun skips the step.

When the store can't take writes (locked, disk full, damaged), work still runs, from
memory: one log line, `/healthz` says why (see `StoreHealth`), and the sweeper tries a
write every few seconds until one works.
"""

from __future__ import annotations

import atexit
import heapq
import json
import logging
import os
import queue
import socket
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.jobs.health import StoreHealth
from bot.logsafe import one_line
from bot.store.store import STORE_ERRORS

log = logging.getLogger("socialway.jobs")

LEASE = 30.0  # seconds a job stays with its process without renewal (renewed every third)
POLL = 0.1  # how often the sweeper looks for due and abandoned work
MAX_ATTEMPTS = 6  # runs of one job (reschedules and recoveries) before it gives up
WRITE_WAIT = 5.0  # seconds a worker's job write waits on a lock before going without it
ACK_WRITE_WAIT = 0.5  # seconds the insert made before an ack waits on a lock, at most
KEEP_FINISHED = 7 * 86400  # finished rows (no payload) kept this long: retried events dedupe
RECENT_KEYS = 20_000  # keys accepted in memory (dedupe before the row is written)


class Later(Exception):
    """Raised by a job: not now, run me again in `delay` seconds."""

    def __init__(self, delay: float, reason: str = "later"):
        super().__init__(reason)
        self.delay = max(0.0, float(delay))
        self.reason = reason


@dataclass
class Job:
    id: str
    kind: str
    payload: dict
    attempts: int = 1
    durable: bool = False  # its row is in the table, leased to this process
    recovered: bool = False  # taken over from a process that stopped renewing its lease
    run_at: float = 0.0

    def __lt__(self, other: Job) -> bool:
        return self.run_at < other.run_at


@dataclass
class Kind:
    run: Callable[[dict], None]
    pool: str = "work"
    give_up: Callable[[dict, str], None] | None = None


_local = threading.local()


def current() -> Job | None:
    """The job this thread is running (None outside a job)."""
    return getattr(_local, "job", None)


def once(step: str, fn: Callable[[], object], *, save: bool = True):
    """`fn()` once per job: its (JSON) result is kept with the job, and a rerun of the job
    after a crash or a reschedule gets the kept result instead of doing it again.

    `save=False`: kept in memory and written with the job's next saved step (one write
    fewer, for a step whose repeat after a crash costs little)."""
    job = current()
    if job is None:
        return fn()
    steps = job.payload.setdefault("_steps", {})
    if step in steps:
        return steps[step]
    value = fn()
    steps[step] = value
    job_runner = getattr(_local, "runner", None)
    if job_runner is not None and save:
        job_runner.checkpoint(job)
    return value


@dataclass
class Jobs:
    store: object  # bot.store.store.Store
    pools: dict[str, int]  # pool name -> threads
    capacity: int  # jobs this process holds at once (intake + waiting + running)
    health: StoreHealth = field(default_factory=StoreHealth)
    lease: float = LEASE
    on_change: Callable[[int], None] | None = None  # +1 / -1 as jobs come and go (tests)
    poll: float = POLL  # how often the sweeper looks
    write_wait: float = WRITE_WAIT  # how long a job write waits on a lock
    grace: float | None = None  # no takeovers this long after start/an outage (lease / 2)

    def __post_init__(self) -> None:
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.kinds: dict[str, Kind] = {}
        self._executors = {
            name: ThreadPoolExecutor(
                n, thread_name_prefix=f"socialway-{name}", initializer=self._init_thread
            )
            for name, n in self.pools.items()
        }
        self._writes: queue.Queue = queue.Queue()  # ("add", job, event) | ("close", ...)
        self._lock = threading.Lock()
        self._held = 0
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._waiting: list[Job] = []  # (heap) rescheduled jobs of this process, by run_at
        self._unfinished: list[tuple[Job, str]] = []  # closes that failed: retried later
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        # since when this process's store has worked (start, or the end of an outage): see
        # `_claim_abandoned`
        self._healthy_since = time.time()

    # -- set-up -------------------------------------------------------------------

    def register(self, kind: str, run, *, pool: str = "work", give_up=None) -> None:
        self.kinds[kind] = Kind(run, pool, give_up)

    def start(self) -> Jobs:
        for target, name in ((self._write_loop, "writer"), (self._sweep_loop, "sweeper")):
            thread = threading.Thread(target=target, name=f"socialway-jobs-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        atexit.register(_close_at_exit, weakref.ref(self))
        return self

    def close(self, timeout: float = 30.0) -> None:
        """Let the jobs at hand finish (and what they hand on), then stop; jobs waiting for
        a later time stay in the table, for whichever process runs next."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._held <= len(self._waiting):
                    break
            time.sleep(0.02)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        for executor in self._executors.values():
            executor.shutdown(wait=True, cancel_futures=False)

    def _init_thread(self) -> None:
        try:
            self.store.wait_for_locks(self.write_wait)
        except STORE_ERRORS as error:
            self.health.failed(error, "opening a connection")

    # -- 1. accepting (never waits long) ----------------------------------------------

    def accept(
        self, kind: str, payload: dict, *, key: str | None = None, durable: bool = True
    ) -> bool:
        """Take `payload` for `kind`, or False when this process is full (at once).

        `key` makes the work unique (an event id): a second accept of the same key, here or
        in another process, does nothing (and returns True: it is being handled).
        `durable=False`: run it from memory only (a payload that can't be kept as JSON).
        """
        if kind not in self.kinds:
            raise KeyError(f"no job kind {kind!r}")
        with self._lock:
            if key is not None and key in self._recent:
                return True
            if self._held >= self.capacity or self._stop.is_set():
                return False
            if key is not None:
                self._recent[key] = None
                while len(self._recent) > RECENT_KEYS:
                    self._recent.popitem(last=False)
            self._hold(+1)
        if not durable:
            self._dispatch(Job(key or uuid.uuid4().hex, kind, payload))
            return True
        recorded = threading.Event()
        self._writes.put(("add", Job(key or uuid.uuid4().hex, kind, payload), recorded))
        recorded.wait(ACK_WRITE_WAIT)  # durable before the ack, unless the store is slow
        return True

    # -- 2. writing (one thread, a transaction per batch) ---------------------------------

    def _write_loop(self) -> None:
        self._init_thread()
        while not self._stop.is_set() or not self._writes.empty():
            try:
                batch = [self._writes.get(timeout=0.2)]
            except queue.Empty:
                continue
            while len(batch) < 500:
                try:
                    batch.append(self._writes.get_nowait())
                except queue.Empty:
                    break
            adds = [(job, event) for op, job, event in batch if op == "add"]
            try:
                self._add(adds)
                self._finish([(job, extra) for op, job, extra in batch if op == "close"])
            except Exception:  # a bug here must not stop every later job: run them anyway
                log.exception("the jobs writer stumbled; running its batch from memory")
                for job, recorded in adds:
                    if not recorded.is_set():
                        self._dispatch(job)
                        recorded.set()

    def _add(self, adds: list) -> None:
        fresh = None
        if adds and self.health.ok:
            now = time.time()
            rows = [
                {"id": j.id, "kind": j.kind, "payload": json.dumps(j.payload), "now": now}
                for j, _ in adds
            ]
            try:
                fresh = set(
                    self.store.add_jobs(rows, leased_by=self.me, lease_until=now + self.lease)
                )
            except STORE_ERRORS as error:
                self.health.failed(error, "recording work")
        if adds and fresh is None:  # run from memory: /healthz counts them until writes work
            self.health.not_kept(len(adds))
        for job, recorded in adds:
            if fresh is not None and job.id not in fresh:  # a retried event, recorded before
                self._release()
            else:
                job.durable = fresh is not None
                self._dispatch(job)
            recorded.set()

    def _finish(self, closes: list) -> None:
        if not closes:
            return
        if self.health.ok:
            try:
                self.store.finish_jobs([(job.id, state, error) for job, (state, error) in closes])
                return
            except STORE_ERRORS as failure:
                self.health.failed(failure, "closing jobs")
        with self._lock:  # closed when writes work again; their leases renewed till then
            self._unfinished.extend((job, state) for job, (state, _) in closes)

    def _hold(self, change: int) -> None:  # with self._lock held, or for one thread's job
        self._held += change
        if self.on_change is not None:
            self.on_change(change)

    def _release(self) -> None:
        with self._lock:
            self._hold(-1)

    @property
    def held(self) -> int:
        return self._held

    # -- 3. running ---------------------------------------------------------------

    def _dispatch(self, job: Job) -> None:
        kind = self.kinds.get(job.kind)
        if kind is None:
            log.error("job %s has an unknown kind %r; dropped", job.id, job.kind)
            self._close(job, "failed")
            self._release()
            return
        try:
            self._executors[kind.pool].submit(self._run, job, kind)
        except RuntimeError:  # the interpreter is stopping: its row waits for another process
            log.warning("job %s (%s) left for another process: this one is stopping", job.id,
                        job.kind)  # fmt: skip
            self._release()

    def _run(self, job: Job, kind: Kind) -> None:
        _local.job, _local.runner = job, self
        keep = False
        try:
            if job.payload.get("_give_up"):  # picked up with its attempts used up
                self._give_up(job, kind, "too_many_attempts")
                return
            kind.run(job.payload)
            self._close(job, "done")
        except Later as later:
            if job.attempts >= MAX_ATTEMPTS:
                self._give_up(job, kind, later.reason)
            else:
                keep = self._reschedule(job, later.delay)
        except Exception as error:
            if isinstance(error, STORE_ERRORS):
                log.error(
                    "job %s (%s) failed on the store: %s", job.id, job.kind, one_line(str(error))
                )
            else:
                log.exception("job %s (%s) failed", job.id, job.kind)
            self._give_up(job, kind, "unexpected")
        finally:
            _local.job = _local.runner = None
            if not keep:
                self._release()

    def _give_up(self, job: Job, kind: Kind, reason: str) -> None:
        try:
            if kind.give_up is not None:
                kind.give_up(job.payload, reason)
        except Exception:
            log.exception("job %s (%s): telling the person failed too", job.id, job.kind)
        self._close(job, "failed", reason)

    def _reschedule(self, job: Job, delay: float) -> bool:
        job.run_at = time.time() + delay
        job.attempts += 1
        if job.durable:
            try:
                self.store.reschedule_job(
                    job.id,
                    run_after=job.run_at,
                    lease_until=job.run_at + self.lease,
                    payload=json.dumps(job.payload),
                    attempts=job.attempts,
                )
            except STORE_ERRORS as error:
                self.health.failed(error, "rescheduling work")
        with self._lock:
            heapq.heappush(self._waiting, job)
        return True

    def checkpoint(self, job: Job) -> None:
        """Keep the job's payload (its `once` steps) in its row."""
        if not job.durable or not self.health.ok:
            return
        try:
            self.store.checkpoint_job(job.id, json.dumps(job.payload))
        except STORE_ERRORS as error:
            self.health.failed(error, "keeping a job's progress")

    def _close(self, job: Job, state: str, error: str = "") -> None:
        if job.durable:
            self._writes.put(("close", job, (state, error)))

    # -- 4. sweeping --------------------------------------------------------------

    def _sweep_loop(self) -> None:
        self._init_thread()
        last_renew = last_purge = 0.0
        while not self._stop.wait(self.poll):
            now = time.time()
            try:
                if not self.health.ok:
                    self.store.probe_write()
                    self.health.recovered()
                    self._healthy_since = now
                    last_renew = 0.0  # our leases first, before anyone takes them over
                self._close_unfinished()
                if now - last_renew >= self.lease / 3:
                    self.store.renew_job_leases(self.me, lease_until=now + self.lease)
                    last_renew = now
                self._run_waiting(now)
                self._claim_abandoned(now)
                if now - last_purge >= 600:
                    self.store.purge_jobs(before=now - KEEP_FINISHED)
                    last_purge = now
            except STORE_ERRORS as error:
                self.health.failed(error, "sweeping jobs")
                self._run_waiting(now, store=False)
            except Exception:
                log.exception("the jobs sweeper stumbled; carrying on")

    def _close_unfinished(self) -> None:
        with self._lock:
            pending, self._unfinished = self._unfinished, []
        for job, state in pending:
            self._close(job, state)  # queued for the writer

    def _run_waiting(self, now: float, store: bool = True) -> None:
        while True:
            with self._lock:
                if not self._waiting or self._waiting[0].run_at > now:
                    return
                job = heapq.heappop(self._waiting)
            if job.durable and store and self.health.ok:
                try:
                    taken = self.store.take_job(job.id, self.me, lease_until=now + self.lease)
                except STORE_ERRORS as error:
                    self.health.failed(error, "taking up waiting work")
                    taken = True  # ours all along; run it (from memory)
                if not taken:
                    self._release()  # someone took it over (we looked dead): theirs now
                    continue
            self._dispatch(job)

    def _claim_abandoned(self, now: float) -> None:
        with self._lock:
            room = self.capacity - self._held
        if room <= 0 or not self.health.ok:
            return
        grace = self.lease / 2 if self.grace is None else self.grace
        if now - self._healthy_since < grace:
            # just started, or an outage just ended: an outage stopped EVERY process renewing,
            # so every lease looks lapsed now. Give the live ones time to renew their own
            # first; what is still lapsed after that belongs to a process that is gone.
            return
        # a lease lapsed by a whole lease more: its process is gone, not merely held up (a
        # database lock stops every process renewing; after it, each renews its own first)
        for row in self.store.claim_jobs(
            self.me, now=now, lapsed_before=now - self.lease, lease_until=now + self.lease,
            limit=room,
        ):  # fmt: skip
            with self._lock:
                self._hold(+1)
            payload = json.loads(row["payload"] or "{}")
            job = Job(row["id"], row["kind"], payload, row["attempts"], True, recovered=True)
            log.warning("picked up job %s (%s), attempt %d", job.id, job.kind, job.attempts)
            if job.attempts > MAX_ATTEMPTS:
                job.payload["_give_up"] = True  # told on a worker: Slack can be slow, and
            self._dispatch(job)  # this thread renews everyone's leases


def _close_at_exit(ref: weakref.ref) -> None:
    """At interpreter exit (gunicorn's worker after SIGTERM, `sys.exit`): the pools have run
    what they held by now, but the writer is a daemon thread that dies with the process —
    so without this, the closes of the last jobs are lost, their rows stay 'running', and
    the next process runs them again (a second answer). Flush them, then stop."""
    jobs = ref()
    if jobs is not None and not jobs._stop.is_set():
        jobs.close(timeout=10.0)
