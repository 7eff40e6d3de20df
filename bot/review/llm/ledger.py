"""What the LLM engine needs remembered: answers to reuse, calls made, and who made them.

review/ knows nothing of storage; `bot.store.store.Store` satisfies this protocol and is passed
in by the factory. Without a ledger (a one-off CLI run with no database) the engine
simply has no cache and no per-person budget.
"""

from __future__ import annotations

from typing import Protocol


class LlmLedger(Protocol):
    def llm_cache_get(self, key: str) -> dict | None:
        """The review stored under `key` (Review.to_dict()), or None."""

    def llm_cache_put(self, key: str, review: dict) -> None:
        """Keep a verified LLM review for the same draft, playbook, platform, tone, model."""

    def record_llm_call(
        self,
        *,
        user_id: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cached: bool,
        outcome: str,
        request_id: str,
    ) -> None:
        """One HTTP attempt (or a cache hit, `cached=True`) and its token usage."""

    def llm_calls_since(self, user_id: str, since: float) -> int:
        """How many LLM reviews (not cache hits) this person started since `since`."""
