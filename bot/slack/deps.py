"""What every listener needs, built once per app and passed in (no globals).

`pool` is where slow work runs — reviews and Web API calls — so a listener only acks and
submits, and Slack's 3-second ack holds however busy the pool is. It is bounded
(`settings.workers` threads); `submit` makes sure an unexpected error in a job is logged
with its reference and answered with an apology, never lost.
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
from bot.slack.client import make_client, make_webhook
from bot.slack.replies import friendly, tell
from bot.store import Store

log = logging.getLogger("socialway.slack")


@dataclass
class Deps:
    settings: Settings
    reviewer: Reviewer
    store: Store
    client: WebClient
    pool: ThreadPoolExecutor
    _pending: int = 0
    _idle: threading.Condition = field(default_factory=threading.Condition)

    @classmethod
    def build(cls, settings: Settings, reviewer: Reviewer, store: Store) -> Deps:
        return cls(
            settings=settings,
            reviewer=reviewer,
            store=store,
            client=make_client(settings),
            pool=ThreadPoolExecutor(settings.workers, thread_name_prefix="socialway-work"),
        )

    @property
    def playbooks(self):
        return self.reviewer.playbooks

    def webhook(self, url: str) -> WebhookClient:
        return make_webhook(self.settings, url)

    def submit(self, job, *args, place=None) -> Future:
        """Run `job(*args)` in the pool; on an unexpected error, log it and apologise."""
        with self._idle:
            self._pending += 1
        return self.pool.submit(self._run, job, args, place)

    def _run(self, job, args, place) -> None:
        try:
            job(*args)
        except Exception:
            ref = getattr(place, "ref", "")
            log.exception("job %s failed (ref=%s)", getattr(job, "__name__", job), ref)
            if place is not None:
                tell(self, place, friendly("unexpected", ref=ref))
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once no submitted job is pending (tests use it to know the work is done)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)
