"""Score trends as one line of block characters, shared by the digest and the App Home."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"
GAP = "·"  # a week with no reviews: a visible gap, not a zero


def sparkline(values: Sequence[float | None], low: float = 0, high: float = 100) -> str:
    """One bar per value on a fixed 0–100 scale (so weeks compare); None is a gap."""
    span = (high - low) or 1
    out = []
    for value in values:
        if value is None:
            out.append(GAP)
            continue
        ratio = (min(high, max(low, value)) - low) / span
        out.append(BARS[min(len(BARS) - 1, int(ratio * len(BARS)))])
    return "".join(out)
