"""Whether the store takes writes, as the last write found out: /healthz reads it.

A failed write marks the store unwell with its reason (logged once, not per request); the
next write that works marks it well again. While unwell, code that can do without a write
(the review is delivered anyway) skips it instead of waiting on the lock again.
"""

from __future__ import annotations

import logging
import threading

from bot.logsafe import one_line

log = logging.getLogger("socialway.store")


class StoreHealth:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def failed(self, error: BaseException | str, doing: str = "") -> None:
        reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        reason = one_line(reason)[:200]
        with self._lock:
            first = self.problem is None
            self.problem = reason
        if first:
            where = f" ({doing})" if doing else ""
            log.error("store writes failing%s: %s; carrying on without them", where, reason)

    def recovered(self) -> None:
        with self._lock:
            was, self.problem = self.problem, None
        if was is not None:
            log.warning("store writes work again (after: %s)", was)
