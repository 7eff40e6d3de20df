"""The one place a `Reviewer` is built, so the CLI, the Slack app and the tests agree.

`make_reviewer(settings, store)` gives a rules-only Reviewer when no LLM is configured (no
OPENAI_API_KEY and no OPENAI_BASE_URL) or when `engine="rules"`; otherwise the Reviewer
gets an `LlmEngine` talking to that server, with the store as its cache and usage ledger.
Prompts are loaded and checked here, so a broken template stops start-up with one line
per problem (PromptError) instead of failing a review later.
"""

from __future__ import annotations

from bot.review.playbooks.loader import PlaybookLibrary, default_playbook_dir
from bot.review.reviewer import Reviewer

TYPE_CHECKING = False  # typing costs ~2 ms at every start; only type checkers need these
if TYPE_CHECKING:
    from bot.config import Settings
    from bot.review.llm.engine import LlmEngine
    from bot.review.llm.ledger import LlmLedger


def make_reviewer(
    settings: Settings,
    store: LlmLedger | None = None,
    *,
    playbooks: PlaybookLibrary | None = None,
    engine: str = "auto",
    prompt_dir: str | None = None,
    backoff: tuple[float, float] = (0.5, 8.0),
) -> Reviewer:
    """A Reviewer for these settings. `engine="rules"` never builds the LLM engine.

    Call `reviewer.close()` when done (it closes the LLM client's connections).
    """
    if playbooks is None:
        playbooks = PlaybookLibrary(dirs=[*settings.playbook_dirs, default_playbook_dir()])
    llm = None
    if engine != "rules":
        llm = build_llm(settings, store, prompt_dir=prompt_dir, backoff=backoff)
    return Reviewer(playbooks, llm=llm)


def build_llm(
    settings: Settings,
    store: LlmLedger | None = None,
    *,
    prompt_dir: str | None = None,
    backoff: tuple[float, float] = (0.5, 8.0),
) -> LlmEngine | None:
    """The LLM engine for these settings, or None when no LLM is configured."""
    if not settings.llm_configured:
        return None
    # Imported here: the openai SDK costs ~0.5 s to import, which a rules-only run never pays.
    from bot.review.llm.client import ChatClient
    from bot.review.llm.engine import LlmEngine
    from bot.review.llm.prompts import load_prompts

    prompts = load_prompts(prompt_dir)
    client = ChatClient(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.model,
        timeout=settings.llm_timeout,
        backoff=backoff,
    )
    return LlmEngine(
        client,
        prompts,
        ledger=store,
        budget_seconds=settings.llm_budget,
        hourly_budget=settings.llm_hourly_budget,
    )
