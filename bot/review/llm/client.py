"""One structured-output call to an OpenAI-compatible server, with our own retries.

The SDK's retries are off (`max_retries=0`): tenacity is the one retry layer. It retries
what may pass (429, honouring Retry-After; 5xx; timeouts; connection errors) with
jittered exponential backoff, never beyond the caller's deadline; every attempt has an
explicit timeout that also ends by the deadline. Everything else (401, 400, ...) fails at
once. What the model said is returned as an `Answer`: parsed, or refused, or unusable
(bad JSON, schema violation) with the reason, and always with the tokens it cost.

The endpoint is chat completions with a `json_schema` response format: OpenAI serves it,
and so do Ollama, vLLM and LM Studio.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import openai
import pydantic
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from bot.review.llm.schema import LlmReview, response_format

log = logging.getLogger(__name__)

NO_KEY = "not-needed"  # OpenAI-compatible local servers take any key; the SDK wants one
DEFAULT_BASE_URL = "https://api.openai.com/v1"
MIN_ATTEMPT_SECONDS = 0.2  # below this, another attempt cannot finish: stop instead


class LlmUnavailable(Exception):
    """The server could not give an answer in time (after retries). Never carries secrets."""


@dataclass(frozen=True)
class Answer:
    """What one call returned. Exactly one of `review`, `refusal`, `problem` is set."""

    review: LlmReview | None
    raw: str  # the message text as received
    refusal: str | None = None
    problem: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt, for the usage ledger: how it ended and what it cost."""

    outcome: str  # ok | bad_output | refusal | http_<status> | timeout | connection
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatClient:
    """Asks the model for an `LlmReview`; thread-safe, one per process."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str,
        timeout: float,
        max_attempts: int = 4,
        backoff: tuple[float, float] = (0.5, 8.0),
    ):
        self.model = model
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._client = openai.OpenAI(
            api_key=api_key or NO_KEY,
            base_url=base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            max_retries=0,
        )

    def close(self) -> None:
        self._client.close()

    def ask(
        self,
        messages: list[dict],
        *,
        deadline: float,
        max_tokens: int,
        on_attempt: Callable[[Attempt], None] = lambda a: None,
    ) -> Answer:
        """One answer, retrying transient failures until `deadline` (time.monotonic)."""
        retrying = Retrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self.max_attempts),
            wait=_Wait(self.backoff),
            before_sleep=_stop_past(deadline),
            reraise=True,
        )
        try:
            return retrying(self._attempt, messages, deadline, max_tokens, on_attempt)
        except _OutOfTime as exc:
            raise LlmUnavailable(str(exc)) from None
        except openai.APIStatusError as exc:
            raise LlmUnavailable(f"HTTP {exc.status_code} from the model server") from None
        except openai.APITimeoutError:
            raise LlmUnavailable("the model server did not answer in time") from None
        except openai.APIConnectionError:
            raise LlmUnavailable("could not connect to the model server") from None
        except openai.OpenAIError as exc:  # nothing a retry would fix
            raise LlmUnavailable(exc.__class__.__name__) from None

    def _attempt(
        self, messages: list[dict], deadline: float, max_tokens: int, on_attempt
    ) -> Answer:
        remaining = deadline - time.monotonic()
        if remaining < MIN_ATTEMPT_SECONDS:
            raise _OutOfTime("the time budget for AI suggestions ran out")
        try:
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format=response_format(),
                max_completion_tokens=max_tokens,
                timeout=min(self.timeout, remaining),
            )
        except openai.APIStatusError as exc:
            on_attempt(Attempt(f"http_{exc.status_code}"))
            raise
        except openai.APITimeoutError:
            on_attempt(Attempt("timeout"))
            raise
        except openai.APIConnectionError:
            on_attempt(Attempt("connection"))
            raise
        answer = read_answer(completion)
        outcome = "ok" if answer.review else "refusal" if answer.refusal else "bad_output"
        on_attempt(Attempt(outcome, answer.prompt_tokens, answer.completion_tokens))
        return answer


def read_answer(completion) -> Answer:
    """What the model said: a validated `LlmReview`, a refusal, or why it is unusable."""
    usage = completion.usage
    tokens = {
        "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
        "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
    }
    if not completion.choices:
        return Answer(None, "", problem="the answer was empty", **tokens)
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        return Answer(None, "", refusal=message.refusal, **tokens)
    content = message.content or ""
    if choice.finish_reason == "length":
        return Answer(None, content, problem="the answer was cut off (too long)", **tokens)
    if choice.finish_reason == "content_filter":
        return Answer(None, content, problem="the answer was withheld by a filter", **tokens)
    if not content.strip():
        return Answer(None, "", problem="the answer was empty", **tokens)
    try:
        review = LlmReview.model_validate_json(content)
    except pydantic.ValidationError as exc:
        return Answer(None, content, problem=_describe(exc), **tokens)
    return Answer(review, content, **tokens)


class _OutOfTime(Exception):
    pass


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError)  # includes APITimeoutError


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value:
            try:
                return max(0.0, float(value) * scale)
            except ValueError:
                continue  # an HTTP date: rare from model servers; use our backoff
    return None


class _Wait:
    """Retry-After when the server gives one, else jittered exponential backoff."""

    def __init__(self, backoff: tuple[float, float]):
        self._jitter = wait_random_exponential(multiplier=backoff[0], max=backoff[1])

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        return asked if asked is not None else self._jitter(state)


def _stop_past(deadline: float):
    """Before sleeping: give up now if the wait would leave no time for another attempt."""

    def check(state: RetryCallState) -> None:
        sleep = state.next_action.sleep if state.next_action else 0.0
        if time.monotonic() + sleep + MIN_ATTEMPT_SECONDS > deadline:
            raise _OutOfTime("the server asked us to wait longer than the time budget allows")

    return check


def _describe(exc: pydantic.ValidationError) -> str:
    """A short reason the model can act on (no input values: they may be long)."""
    errors = exc.errors(include_input=False, include_url=False)
    if errors and errors[0].get("type") == "json_invalid":
        return "it was not valid JSON"
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ())) or "the object"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "it did not follow the format (" + "; ".join(parts) + ")"
