"""`python -m bot` is the same as the `socialway` command."""

from bot.cli.main import main

raise SystemExit(main())
