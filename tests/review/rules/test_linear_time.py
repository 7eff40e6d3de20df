"""A review's work grows linearly with the draft's length, counted in steps, not seconds.

The steps are the Python lines the review executes (sys.settrace), deterministic for a
given draft: a draft four times as long may take about four times the steps, never the
16x of a loop over every fact, finding or span per edit (which the old rewrite had: up
to 10x on these drafts, and minutes on a 1 MB one). Times are in benchmarks/bench_rules.py.
"""

from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review

DEFAULT = PlaybookLibrary().get(None)
PIECES = st.sampled_from(
    [
        '"urgent" ',
        "Act now",
        "act now, , ",
        "LAST CHANCE ",
        "BIG SALE TODAY. ",
        "!!! ",
        "#sale ",
        "great ",
        "Meet Aurora from Nimbus Labs in Leeds. ",
        "Zoom Mini ",
        "ZOOM MINI ",
        "only 3 left at $5 on 3 May 2024. ",
        "Like and share this post! ",
        "Tag 3 friends! ",
        "https://x.com/a ",
        "Sorry for any inconvenience this may have caused. ",
        "we ",
        "our ",
        "you ",
        ", ",
        "\n",
        "🔥 ",
        "Acme ",
        "#Acme great Acme #sale Zoom #zoom ",
        "we are so proud of our award winning team ",
        "New autumn range just landed. Shop now at https://example.com/autumn ",
    ]
)
UNITS = st.lists(PIECES, min_size=1, max_size=6).map("".join)
GROWTH = 4  # the long draft is the short one this many times over
SLACK = 1.5  # linear, with room for what a longer draft legitimately adds


def steps(text: str) -> int:
    """Python lines executed by one review of `text`."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        review(text, DEFAULT)
    finally:
        sys.settrace(None)
    return count


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=UNITS)
def test_review_steps_grow_linearly_with_the_drafts_length(unit):
    short = unit * 12
    base = steps(short)
    grown = steps(short * GROWTH)
    assert grown <= SLACK * GROWTH * base + 2_000, (len(short), base, grown)
