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
    """Escapes control characters in a record's message (a traceback after it stays as is)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = one_line(record.message)
        return super().formatMessage(record)
