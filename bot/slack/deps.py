"""What every listener needs, built once per app and passed in (no globals).

Listeners run in the thread that answers Slack (bolt's `process_before_response`), and do
no I/O there: `submit(fn, deps, ...)` hands the call to `jobs` (bot.jobs), which records it
durably, runs it on a bounded pool (`settings.workers` threads; the AI step of a review on
its own `settings.llm_workers`, so a rules answer never queues behind other people's AI
calls) under a lease, and — if this process dies — lets another pick it up. `submit`
returns False when this process already holds `settings.queue_limit` jobs: the listener
then says "busy, try again in a minute". A job that fails unexpectedly, or can't get
through after its retries, ends in a message to the person, never in silence.
`health` is whether the store takes writes (/healthz); `quietly` is a store write the
answer can do without. `wait_idle` knows when every accepted job is done (tests).
`client_for(team_id)` is the Web API client of the workspace a request came from.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.jobs import Jobs, StoreHealth, decode_call, encode_call
from bot.jobs.calls import CallError, decode, encode
from bot.review.reviewer import Reviewer
from bot.slack.client import make_webhook
from bot.slack.installs import NotInstalled, TeamClients
from bot.slack.replies import friendly, tell
from bot.store.store import STORE_ERRORS, Store

log = logging.getLogger("socialway.slack")
BUSY = "I'm busy right now — please try again in a minute."
BACKGROUND_JOIN = 30.0  # seconds `close` waits for a background thread to stop


class _CountingPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that tells `deps` when a task is queued and when it is done."""

    def __init__(self, workers: int, deps: Deps, name: str):
        super().__init__(workers, thread_name_prefix=name)
        self._deps = deps

    def submit(self, fn, /, *args, **kwargs) -> Future:
        self._deps._started()

        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                self._deps._finished()

        try:
            return super().submit(run)
        except BaseException:
            self._deps._finished()
            raise


@dataclass
class Deps:
    settings: Settings
    reviewer: Reviewer
    store: Store
    clients: TeamClients
    jobs: Jobs = None  # set by build
    listener_pool: ThreadPoolExecutor = None  # bolt's listener_executor (lazy listeners only)
    health: StoreHealth = field(default_factory=StoreHealth)
    _busy_notes: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(4))
    _pending: int = 0
    _idle: threading.Condition = field(default_factory=threading.Condition)
    # threads that live as long as the app (the digest clock), each with its stop event
    background: list[tuple[threading.Event, threading.Thread]] = field(default_factory=list)

    @classmethod
    def build(
        cls, settings: Settings, reviewer: Reviewer, store: Store, installations=None
    ) -> Deps:
        clients = TeamClients(settings, installations)
        deps = cls(settings=settings, reviewer=reviewer, store=store, clients=clients)
        deps.listener_pool = _CountingPool(settings.workers, deps, "socialway-ack")
        deps.jobs = Jobs(
            store,
            pools={"work": settings.workers, "llm": settings.llm_workers},
            capacity=settings.queue_limit,
            health=deps.health,
            lease=settings.job_lease,
            on_change=deps._count,
        )
        for kind, pool in (("call", "work"), ("call_llm", "llm")):
            deps.jobs.register(kind, deps._run_call, pool=pool, give_up=deps._give_up)
        deps.jobs.start()
        return deps

    def _count(self, change: int) -> None:
        self._started() if change > 0 else self._finished()

    def _started(self) -> None:
        with self._idle:
            self._pending += 1

    def _finished(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    @property
    def playbooks(self):
        return self.reviewer.playbooks

    @property
    def client(self) -> WebClient:
        """bolt's app-wide client: SLACK_BOT_TOKEN's, or tokenless with OAuth. Listeners
        use `client_for(team_id)`."""
        return self.clients.base

    def client_for(self, team_id: str) -> WebClient:
        """The client of `team_id`'s workspace; NotInstalled when it has no installation."""
        client = self.clients.for_team(team_id)
        if client is None:
            raise NotInstalled(team_id)
        return client

    def ack_client_for(self, team_id: str) -> WebClient:
        client = self.clients.ack_client_for(team_id)
        if client is None:
            raise NotInstalled(team_id)
        return client

    def webhook(self, url: str) -> WebhookClient:
        return make_webhook(self.settings, url)

    def submit(self, job, *args, place=None, key: str | None = None) -> bool:
        """Run `job(*args)` as durable work: `job` a module-level function of `bot`, its
        arguments plain values, dataclasses or reviews (kept by value; `deps` is this
        process's own when it runs). False: this process is full. `key` makes it
        happen once however often it is submitted (a Slack event id). On an unexpected error,
        or when Slack keeps refusing, the person at `place` is told."""
        return self._accept("call", job, args, place, key)

    def submit_llm(self, job, *args, place=None, key: str | None = None) -> bool:
        """Like `submit`, on the AI step's own pool (see the module docstring)."""
        return self._accept("call_llm", job, args, place, key)

    def _accept(self, kind: str, job, args, place, key) -> bool:
        try:
            payload = {"call": encode_call(job, args, self), "place": encode(place)}
        except CallError as error:  # e.g. a lambda: it still runs, from memory only
            log.warning("not durable, runs from memory only: %s", error)
            live = {"live": (job, tuple(args)), "live_place": place}
            return self.jobs.accept(kind, live, key=key, durable=False)
        return self.jobs.accept(kind, payload, key=key)

    def _run_call(self, payload: dict) -> None:
        if "live" in payload:
            job, args = payload["live"]
        else:
            job, args = decode_call(payload["call"], self)
        job(*args)

    def _give_up(self, payload: dict, reason: str) -> None:
        place = payload["live_place"] if "live" in payload else decode(payload.get("place"))
        if place is not None:
            tell(self, place, friendly(reason, place.channel_id, ref=place.ref))

    def busy(self, place) -> None:
        """Tell the person this process is full, off the ack's thread (a few at a time;
        beyond that the line is only logged: Slack is the one struggling then)."""
        log.warning("busy: turned away a request (ref=%s)", getattr(place, "ref", ""))
        if place is None or not self._busy_notes.acquire(blocking=False):
            return

        def note():
            try:
                tell(self, place, BUSY)
            finally:
                self._busy_notes.release()

        threading.Thread(target=note, name="socialway-busy", daemon=True).start()

    def quietly(self, write, *args, default=None, **kwargs):
        """A store write the answer can do without: skipped while the store is failing,
        and a failure is noted (one log line, /healthz) instead of stopping the answer."""
        if not self.health.ok:
            return default
        try:
            return write(*args, **kwargs)
        except STORE_ERRORS as error:
            self.health.failed(error, getattr(write, "__name__", "a write"))
            return default

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once no listener or job is pending (tests use it to know the work is done)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop_on_close(self, stop: threading.Event, thread: threading.Thread) -> None:
        """`close` sets `stop` and waits (a while) for `thread`, which waits on it."""
        self.background.append((stop, thread))

    def close(self) -> None:
        for stop, _ in self.background:
            stop.set()
        for _, thread in self.background:
            # a clock in the middle of a Slack call finishes it first (bounded by its timeout)
            thread.join(BACKGROUND_JOIN)
            if thread.is_alive():
                log.warning("%s still busy at exit; leaving it (a daemon thread)", thread.name)
        self.listener_pool.shutdown(wait=True, cancel_futures=False)
        self.jobs.close()
