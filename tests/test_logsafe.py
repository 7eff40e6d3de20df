"""bot.logsafe: text from outside can't write a line of its own into the log — neither in
a message nor in the traceback logged with it (an exception's message can quote outside
text: a Slack error body, a draft)."""

from __future__ import annotations

import io
import logging

from bot.logsafe import OneLineFormatter

FORGED = "bad\n2026-12-04 10:00:00,000 ERROR socialway.slack admin logged in"


def _logged(**kwargs) -> list[str]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("test.logsafe")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(FORGED)
        except ValueError:
            logger.error("job %s failed", kwargs.get("arg", "j1"), exc_info=True)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue().splitlines()


def test_a_message_with_a_newline_stays_on_its_line():
    lines = _logged(arg=FORGED)
    assert "bad\\n2026-12-04" in lines[0]


def test_a_traceback_quoting_outside_text_cannot_start_a_line_of_its_own():
    lines = _logged()
    assert not any(line.startswith("2026-12-04 10:00:00") for line in lines)
    assert any("ValueError: bad" in line for line in lines)  # the traceback is still there
