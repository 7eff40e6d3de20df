"""The CLI's Reviewer for `--engine auto|rules|llm`, built by the shared factory.

With an LLM configured (OPENAI_API_KEY or OPENAI_BASE_URL) and an engine other than
`rules`, the store at SOCIALWAY_DB is opened too: it is the LLM's cache, usage ledger and
budget, shared with the Slack app. Rules only, nothing is opened and no file is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from bot.cli.inputs import InputError
from bot.config import SettingsError, load_settings
from bot.review.factory import make_reviewer
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.reviewer import Reviewer


@contextmanager
def cli_reviewer(
    engine: str = "auto",
    library: PlaybookLibrary | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[Reviewer]:
    """A Reviewer for one CLI run; its connections and store are closed afterwards."""
    try:
        settings = load_settings(env)
    except SettingsError as error:
        raise InputError("; ".join(error.problems)) from None
    store = None
    if engine != "rules" and settings.llm_configured:
        from bot.store.store import Store  # sqlite-utils costs ~50 ms to import: LLM runs only

        store = Store(settings.database)
    reviewer = make_reviewer(settings, store, playbooks=library, engine=engine)
    try:
        yield reviewer
    finally:
        reviewer.close()
        if store is not None:
            store.close()
