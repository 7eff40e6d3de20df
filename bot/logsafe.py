"""Log lines that can't be forged: control characters in what we log are escaped.

A value that came from outside (an OAuth redirect's `?error=`, a Slack error string, a
draft) could otherwise carry a newline and write a fake line of its own into the log.
"""

from __future__ import annotations

import logging
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with every control character shown as an escape (\\n, \\x1b, \\u2028)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class OneLineFormatter(logging.Formatter):
    """Escapes control characters in a record's message. A traceback logged with it spans
    lines by nature, and its exception's message can quote outside text: each of its lines
    is indented, so none can pass for a record of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = one_line(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        # the message is one line by now: whatever follows it is a traceback or a stack
        # (possibly cached by another handler's formatter, so indented here, at the end)
        head, more, rest = super().format(record).partition("\n")
        return head + more + "\n".join("  " + line for line in rest.split("\n")) if more else head
