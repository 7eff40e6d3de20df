"""Terminal helpers for the CLI: when to colour, how to colour, and a stderr progress bar.

Colour is decided in one place (`color_enabled`) so that `--color`, `--no-color`,
NO_COLOR and "is this a terminal" agree everywhere. Nothing here knows about reviews.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

TYPE_CHECKING = False  # typing costs ~2 ms at every start; only type checkers need it
if TYPE_CHECKING:
    from typing import TextIO

RESET = "\x1b[0m"
STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
    "hl-problem": "1;4;31",  # bold, underlined, red
    "hl-warning": "4;33",  # underlined, yellow
    "hl-info": "4;36",  # underlined, cyan
}


def is_tty(stream: TextIO) -> bool:
    """True when the stream is an interactive terminal (closed or odd streams are not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def color_enabled(
    stream: TextIO, mode: str = "auto", environ: Mapping[str, str] | None = None
) -> bool:
    """Whether to write ANSI colour to `stream`.

    `mode` is "always", "never" or "auto". In "auto", colour needs a terminal, a TERM
    other than "dumb", and no non-empty NO_COLOR (https://no-color.org). An explicit
    "always" wins over NO_COLOR, as the user asked for it on the command line.
    This is the only place the CLI looks at the environment.
    """
    if mode == "always":
        return True
    if mode == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    return is_tty(stream)


class Painter:
    """Wraps text in ANSI styles, or returns it untouched when colour is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles or not text:
            return text
        codes = ";".join(STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}{RESET}"


def printable(text: str) -> str:
    """`text` safe to echo to a terminal: control characters become visible, one for one.

    A draft may carry escape sequences (pasted or hostile); echoing them raw could
    restyle or scramble the user's terminal. Each control character maps to exactly one
    visible character, so finding offsets still line up with the result.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif code < 0x20:
            out.append(chr(0x2400 + code))  # ␀..␟ control pictures
        elif code == 0x7F or 0x80 <= code < 0xA0:
            out.append("\N{REPLACEMENT CHARACTER}")
        else:
            out.append(ch)
    return "".join(out)


def highlight(text: str, spans: list[tuple[int, int, str]], paint: Painter) -> str:
    """`text` with each (start, end, style) span painted; overlaps take the strongest style.

    Spans are ranked by their order in `HIGHLIGHT_RANK`; out-of-range offsets are
    clipped rather than trusted.
    """
    text = printable(text)
    if not paint.enabled or not spans:
        return text
    rank = [0] * len(text)
    for start, end, style in spans:
        level = HIGHLIGHT_RANK.get(style, 0)
        for i in range(max(start, 0), min(end, len(text))):
            rank[i] = max(rank[i], level)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and rank[j] == rank[i]:
            j += 1
        chunk = text[i:j]
        out.append(paint(chunk, RANK_STYLE[rank[i]]) if rank[i] else chunk)
        i = j
    return "".join(out)


HIGHLIGHT_RANK = {"hl-info": 1, "hl-warning": 2, "hl-problem": 3}
RANK_STYLE = {level: style for style, level in HIGHLIGHT_RANK.items()}


class Progress:
    """A one-line progress bar on a terminal stream, for batches that take a while.

    It stays silent for the first `delay` seconds (short batches never show it) and
    redraws at most every `interval` seconds. With a known `total` (bytes of the input
    file) it shows a bar and a percentage; without one, a running count.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        total: int | None = None,
        noun: str = "drafts",
        enabled: bool = True,
        delay: float = 0.5,
        interval: float = 0.1,
        width: int = 30,
        clock=time.monotonic,
    ):
        self.stream = stream
        self.total = total if total and total > 0 else None
        self.noun = noun
        self.enabled = enabled
        self.delay = delay
        self.interval = interval
        self.width = width
        self.clock = clock
        self.started = clock()
        self.last_draw = None
        self.drawn = False

    def update(self, count: int, position: int | None = None) -> None:
        """Record progress: `count` items done, `position` bytes of `total` consumed."""
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.last_draw is not None and now - self.last_draw < self.interval:
            return
        self.last_draw = now
        self.stream.write("\r" + self.line(count, position) + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def line(self, count: int, position: int | None) -> str:
        """The text of the bar for this much progress."""
        done = f"{count:,} {self.noun}"
        if self.total is None or position is None:
            return f"reviewing… {done}"
        fraction = min(max(position / self.total, 0.0), 1.0)
        filled = int(fraction * self.width)
        bar = "█" * filled + "░" * (self.width - filled)
        return f"{bar} {fraction:4.0%}  {done}"

    def close(self) -> None:
        """Clear the bar so the shell prompt (or a final message) starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False
