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
        self.unkept = 0  # requests accepted meanwhile that run from memory only

    def describe(self) -> str | None:
        """What /healthz says while writes fail (None: all well)."""
        with self._lock:
            problem, unkept = self.problem, self.unkept
        if problem is None:
            return None
        if unkept:
            plural = "s" if unkept != 1 else ""
            problem += (
                f"; {unkept} accepted request{plural} not written down "
                "(answered from memory: lost if this process stops)"
            )
        return problem

    def not_kept(self, count: int) -> None:
        """`count` accepted requests run from memory: the store couldn't record them."""
        with self._lock:
            self.unkept += count

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
            unkept, self.unkept = self.unkept, 0
        if was is not None:
            log.warning(
                "store writes work again (after: %s); %d accepted requests ran from memory "
                "meanwhile",
                was,
                unkept,
            )
