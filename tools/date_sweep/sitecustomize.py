"""Date sweep (tools/date_sweep/run.py): every Python process of a test run (pytest and the
CLI subprocesses it starts) sees time.time()/datetime shifted by one shared offset, so
FAKE_NOW is 'now' for all of them. Does nothing unless FAKE_NOW is set."""

import os
import time

if os.environ.get("FAKE_NOW"):
    import datetime

    import time_machine

    if "FAKE_OFFSET" not in os.environ:
        fake = datetime.datetime.fromisoformat(os.environ["FAKE_NOW"]).timestamp()
        os.environ["FAKE_OFFSET"] = repr(fake - time.time())
    _t = time_machine.travel(time.time() + float(os.environ["FAKE_OFFSET"]), tick=True)
    _t.start()
