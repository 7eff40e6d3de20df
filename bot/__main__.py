"""`python -m bot` is the same as the `socialway` command."""

import gc

gc.disable()  # until the CLI has started: bot/cli/startup.py says why

from bot.cli.main import main  # noqa: E402

raise SystemExit(main())
