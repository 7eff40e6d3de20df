"""The terminal helpers: when colour is on, highlighting, escaping, and the progress bar."""

from __future__ import annotations

import io

import pytest

from bot.cli.terminal import Painter, Progress, color_enabled, highlight, printable


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "mode", "environ", "expected"),
    [
        (FakeTerminal(), "auto", {}, True),
        (io.StringIO(), "auto", {}, False),
        (FakeTerminal(), "auto", {"NO_COLOR": "1"}, False),
        (FakeTerminal(), "auto", {"NO_COLOR": ""}, True),  # empty means unset (no-color.org)
        (FakeTerminal(), "auto", {"TERM": "dumb"}, False),
        (FakeTerminal(), "never", {}, False),
        (io.StringIO(), "always", {"NO_COLOR": "1"}, True),  # asked for on the command line
    ],
)
def test_color_enabled(stream, mode, environ, expected):
    assert color_enabled(stream, mode, environ) is expected


def test_a_closed_stream_is_not_a_terminal_rather_than_an_error():
    stream = io.StringIO()
    stream.close()  # isatty() on a closed stream raises ValueError
    assert color_enabled(stream, "auto", {}) is False


def test_painter_off_returns_text_untouched():
    assert Painter(False)("hi", "red") == "hi"
    assert Painter(True)("hi", "red") == "\x1b[31mhi\x1b[0m"


def test_highlight_paints_spans_and_overlaps_take_the_strongest():
    paint = Painter(True)
    text = "aa BUY NOW bb"
    out = highlight(text, [(3, 10, "hl-warning"), (3, 6, "hl-problem")], paint)
    assert out == "aa \x1b[1;4;31mBUY\x1b[0m\x1b[4;33m NOW\x1b[0m bb"
    assert highlight(text, [(3, 10, "hl-warning")], Painter(False)) == text


def test_highlight_clips_offsets_out_of_range():
    out = highlight("abc", [(-5, 2, "hl-info"), (2, 99, "hl-problem")], Painter(True))
    assert out == "\x1b[4;36mab\x1b[0m\x1b[1;4;31mc\x1b[0m"


def test_printable_keeps_length_so_offsets_still_line_up():
    text = "a\x1b[31mb\x07c\x7f\u0085\nd\te"
    safe = printable(text)
    assert len(safe) == len(text)
    assert "\x1b" not in safe and "\x07" not in safe
    assert safe.endswith("\nd\te")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_then_draws_a_bar_and_clears_it():
    stream, clock = io.StringIO(), Clock()
    bar = Progress(stream, total=1000, noun="lines", delay=0.5, interval=0.1, width=10, clock=clock)
    bar.update(1, 10)
    assert stream.getvalue() == ""  # a short batch never shows a bar
    clock.now = 0.6
    bar.update(500, 500)
    assert stream.getvalue() == "\r█████░░░░░  50%  500 lines\x1b[K"
    clock.now = 0.65
    bar.update(600, 600)
    assert "600" not in stream.getvalue()  # throttled
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_without_a_total_counts():
    stream, clock = io.StringIO(), Clock()
    bar = Progress(stream, noun="drafts", delay=0.0, clock=clock)
    bar.update(1234)
    assert "1,234 drafts" in stream.getvalue()


def test_progress_disabled_writes_nothing():
    stream, clock = io.StringIO(), Clock()
    bar = Progress(stream, total=10, enabled=False, delay=0.0, clock=clock)
    bar.update(5, 5)
    bar.close()
    assert stream.getvalue() == ""
