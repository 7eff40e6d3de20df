"""For .ci/run: the tests' fake Slack Web API on loopback, so `socialway serve --check`
from the installed wheel can ask "Slack" about its tokens without the network.

Prints the API URL (for SLACK_API_URL) and serves until it is terminated.
"""

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.slack_api import FakeSlackAPI

with FakeSlackAPI(token=sys.argv[1]) as fake:
    print(fake.api_url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pause()
