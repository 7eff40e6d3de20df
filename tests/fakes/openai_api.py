"""A fake OpenAI-compatible chat completions server on 127.0.0.1 that records every call.

The app talks to it through the openai SDK exactly as it would talk to OpenAI, Ollama or
vLLM: point `OPENAI_BASE_URL` (Settings.openai_base_url) at `fake.base_url`. Each test
scripts the next answers (`fake.script(...)`, first in first out); when the script is empty
the fake gives the default answer: a well-formed review whose rewrite is the draft it was
sent (taken from between the delimiter lines), so a review always verifies.

Answers are the shapes OpenAI documents for `POST /v1/chat/completions`, trimmed to what a
client reads. Usage:

    with FakeOpenAI() as llm:
        llm.script(rate_limited(retry_after=1), answer(rewrite="Hello there"))
        ...
        assert len(llm.calls) == 2
        assert "Hello" in llm.calls[0].user_prompt
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DRAFT_BLOCK = re.compile(r"<<<DRAFT (\S+)\n(.*)\nDRAFT \1>>>", re.S)


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `content` may be a dict (sent as JSON text), a str, or a
    callable taking the received `Call` and returning either. `body` replaces the whole
    HTTP body (for errors); `delay` makes the server late by that many seconds."""

    status: int = 200
    content: object = None
    refusal: str | None = None
    body: object = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    finish_reason: str = "stop"


@dataclass
class Call:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict]:
        return self.body.get("messages", [])

    @property
    def system_prompt(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "system")

    @property
    def user_prompt(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "user")

    @property
    def draft(self) -> str | None:
        """The draft as sent, from between the per-request delimiter lines."""
        found = DRAFT_BLOCK.search(self.user_prompt)
        return found.group(2) if found else None

    @property
    def tag(self) -> str | None:
        found = DRAFT_BLOCK.search(self.user_prompt)
        return found.group(1) if found else None


# -- scripted answers ------------------------------------------------------------------


def review_json(
    *,
    rewrite: str | None = None,
    findings: list[dict] | None = None,
    strengths: list[str] | None = None,
    summary: str = "Reads like a person talking.",
    changes: list[str] | None = None,
) -> Callable[[Call], dict]:
    """A well-formed review; `rewrite=None` echoes the draft it was sent."""

    def build(call: Call) -> dict:
        return {
            "summary": summary,
            "findings": findings or [],
            "strengths": strengths if strengths is not None else ["speaks to the reader"],
            "rewrite": (call.draft or "") if rewrite is None else rewrite,
            "changes": changes if changes is not None else ["smoothed the wording"],
        }

    return build


def answer(delay: float = 0.0, **review) -> Reply:
    """A good structured answer (see `review_json` for the fields)."""
    return Reply(content=review_json(**review), delay=delay)


def rate_limited(retry_after: float = 1) -> Reply:
    """HTTP 429 as OpenAI sends it, with Retry-After in seconds."""
    body = {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit"}}
    return Reply(status=429, body=body, headers=(("Retry-After", str(retry_after)),))


def server_error(status: int = 500) -> Reply:
    body = {"error": {"message": "The server had an error", "type": "server_error"}}
    return Reply(status=status, body=body)


def slow(delay: float, **review) -> Reply:
    """A good answer that arrives `delay` seconds late (past the client timeout = a timeout)."""
    return answer(delay=delay, **review)


def malformed_json() -> Reply:
    return Reply(content='{"summary": "Reads fine", "findings": [')


def schema_violation() -> Reply:
    """Valid JSON that breaks the contract: a missing rewrite and a findings string."""
    return Reply(content={"summary": "ok", "findings": "none", "strengths": []})


def refusal(text: str = "I'm sorry, I can't help with that.") -> Reply:
    return Reply(refusal=text)


# -- the server ------------------------------------------------------------------------


class FakeOpenAI:
    """The fake server. Use as a context manager; `base_url` ends in /v1 like OpenAI's."""

    def __init__(self, *, default: Reply | None = None, default_delay: float = 0.0):
        self.calls: list[Call] = []
        self._script: deque[Reply] = deque()
        self._default = default or answer()
        self.default_delay = default_delay
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self._gate: threading.Event | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def hold(self) -> threading.Event:
        """Hold every answer (each call is recorded, then waits) until the returned event
        is set: ordering is then proved without clocks."""
        self._gate = threading.Event()
        return self._gate

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self._default

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out without a 40 ms stall

            def log_message(self, *args) -> None:  # quiet: tests read `calls`, not stderr
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("utf-8", "replace")}
                call = Call(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with fake._lock:
                    fake.calls.append(call)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._answer(call)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self, call: Call) -> None:
                if not call.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {call.path}"}}, ())
                gate = fake._gate
                while gate is not None and not (gate.is_set() or fake._stopping.is_set()):
                    gate.wait(0.05)
                reply = fake._next()
                delay = reply.delay or fake.default_delay
                if delay and fake._stopping.wait(delay):
                    return None
                if reply.body is not None:
                    return self._send(reply.status, reply.body, reply.headers)
                return self._send(reply.status, completion(call, reply), reply.headers)

            def _send(self, status: int, body: object, headers) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): nothing to tell it

        return Handler


def completion(call: Call, reply: Reply) -> dict:
    """A chat.completion object around the reply's content, with token usage."""
    content = reply.content(call) if callable(reply.content) else reply.content
    if isinstance(content, dict):
        content = json.dumps(content)
    if reply.refusal:
        content = None
    prompt_chars = sum(len(m.get("content") or "") for m in call.messages)
    return {
        "id": f"chatcmpl-fake{len(call.messages)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(content or reply.refusal or "") // 4,
            "total_tokens": prompt_chars // 4 + len(content or reply.refusal or "") // 4,
        },
    }
