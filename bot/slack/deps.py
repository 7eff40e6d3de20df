"""What every listener needs, built once per app and passed in (no globals).

`pool` is where slow work runs — reviews and Web API calls — so a listener only acks and
submits, and Slack's 3-second ack holds however busy the pool is. It is bounded
(`settings.workers` threads). The AI step of a review (seconds, not milliseconds) runs
in its own bounded `llm_pool` (`settings.llm_workers`), so a rules answer never queues
behind other people's AI calls; when that pool is full an AI step waits its turn.
`submit` makes sure an unexpected error in a job is logged with its reference and
answered with an apology, never lost. `listener_pool` is bolt's listener executor (it
runs the listeners after the ack); all three pools count what they hold, so `wait_idle`
knows when a request has been completely handled. `client_for(team_id)` is the Web API
client of the workspace a request came from (one client without OAuth).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.review.reviewer import Reviewer
from bot.slack.client import make_webhook
from bot.slack.installs import NotInstalled, TeamClients
from bot.slack.replies import friendly, tell
from bot.store import Store

log = logging.getLogger("socialway.slack")
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
    pool: ThreadPoolExecutor = None  # set by build
    listener_pool: ThreadPoolExecutor = None  # bolt's listener_executor; set by build
    llm_pool: ThreadPoolExecutor = None  # the AI step of reviews; set by build
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
        deps.pool = _CountingPool(settings.workers, deps, "socialway-work")
        # Listeners only ack and hand work to `pool`, so this pool never waits on Slack.
        deps.listener_pool = _CountingPool(settings.workers, deps, "socialway-ack")
        deps.llm_pool = _CountingPool(settings.llm_workers, deps, "socialway-llm")
        return deps

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

    def submit(self, job, *args, place=None) -> Future:
        """Run `job(*args)` in the pool; on an unexpected error, log it and apologise."""
        return self.pool.submit(self._run, job, args, place)

    def submit_llm(self, job, *args, place=None) -> Future:
        """Like `submit`, on the AI step's own pool (see the module docstring)."""
        return self.llm_pool.submit(self._run, job, args, place)

    def _run(self, job, args, place) -> None:
        try:
            job(*args)
        except Exception:
            ref = getattr(place, "ref", "")
            log.exception("job %s failed (ref=%s)", getattr(job, "__name__", job), ref)
            if place is not None:
                tell(self, place, friendly("unexpected", ref=ref))

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
        self.pool.shutdown(wait=True, cancel_futures=False)  # its jobs may still queue AI steps
        self.llm_pool.shutdown(wait=True, cancel_futures=False)
