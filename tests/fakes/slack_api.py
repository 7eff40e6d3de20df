"""A fake Slack Web API (and response_url endpoint) on 127.0.0.1 that records every call.

The app talks to it through slack_sdk exactly as it would talk to slack.com: point
`SLACK_API_URL` (Settings.slack_api_url) at `fake.api_url`. Each test can script the next
answers of a method (429 with Retry-After, 500, `{"ok": false, "error": ...}`, slow), then
assert on what the fake received. Answers have the shapes Slack documents, trimmed to the
fields an app reads; state (messages, channels, members, users) is kept so that
conversations.replies / history return what was seeded or posted.

Several workspaces (OAuth): `install_code(team_id)` is what Slack's "Allow" page hands the
app's redirect; oauth.v2.access swaps it (once, with the right client id and secret) for a
new bot token of that team, which the fake then accepts. Channels added with `team=` only
take calls made with that team's token (channel_not_found otherwise, as in Slack), and
`Call.token` says which token made each call.

Usage:
    with FakeSlackAPI() as slack:
        slack.script("chat.postMessage", rate_limited(retry_after=1))
        ...
        [call] = slack.wait_for("chat.postMessage")
        assert call.params["thread_ts"] == "..."
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

TEAM_ID = "T0SOCIAL"
TEAM_DOMAIN = "socialway-test"
BOT_USER_ID = "U0SWBOT"
BOT_ID = "B0SWBOT"
APP_ID = "A0SOCIALWAY"
ALICE = "U0ALICE"
BOB = "U0BOB"
CAROL = "U0CAROL"  # a person who is not a member of the drafts channel
DRAFTS = "C0DRAFTS"
ELSEWHERE = "C0NOBOT"  # a channel the bot has not been invited to

_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "unfurl")


# -- scripted answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """How the fake answers one call. `body=None` means "the normal answer" (after `delay`)."""

    status: int = 200
    body: dict | str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    gate: threading.Event | None = None  # answer only once this is set (see FakeSlackAPI.hold)
    reset: str = ""  # "before" acting or "after" acting: the connection is reset, no answer


def rate_limited(retry_after: int = 1) -> Answer:
    """HTTP 429 exactly as Slack sends it: a Retry-After header in whole seconds."""
    return Answer(429, {"ok": False, "error": "ratelimited"}, (("Retry-After", str(retry_after)),))


def server_error(status: int = 500) -> Answer:
    return Answer(status, "<html><body>Internal Server Error</body></html>")


def error(code: str, **extra) -> Answer:
    """HTTP 200 with `ok: false`, as Slack reports not_in_channel, channel_not_found, ..."""
    return Answer(200, {"ok": False, "error": code, **extra})


def slow(delay: float) -> Answer:
    """The normal answer, `delay` seconds late (longer than the client timeout = a timeout)."""
    return Answer(delay=delay)


def reset_before() -> Answer:
    """The request is read, nothing is done, and the connection is reset (RST)."""
    return Answer(reset="before")


def reset_after() -> Answer:
    """The request is carried out (a message posted), then the connection is reset before
    the answer: the client can't tell this from `reset_before`."""
    return Answer(reset="after")


@dataclass
class Faults:
    """Faults drawn at random (seeded) for calls of `methods` that have no script: each call
    gets at most one, with these probabilities (benchmarks/bench_faults.py)."""

    rate_limited: float = 0.0
    retry_after: int = 1
    server_error: float = 0.0
    slow: float = 0.0
    slow_delay: float = 5.0
    reset_before: float = 0.0
    reset_after: float = 0.0
    methods: tuple[str, ...] = ("chat.postMessage", "chat.update", "response_url")
    seed: int = 13

    def __post_init__(self) -> None:
        import random

        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def pick(self, method: str) -> Answer | None:
        if method not in self.methods:
            return None
        with self._lock:
            draw = self._random.random()
        for rate, answer in (
            (self.rate_limited, rate_limited(self.retry_after)),
            (self.server_error, server_error()),
            (self.slow, slow(self.slow_delay)),
            (self.reset_before, reset_before()),
            (self.reset_after, reset_after()),
        ):
            if draw < rate:
                return answer
            draw -= rate
        return None


# -- what was received -----------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the fake received and how it answered."""

    method: str  # "chat.postMessage", ... or "response_url" for a response_url post
    params: dict
    headers: dict  # lower-case names
    body: str
    at: float  # time.monotonic() when it arrived
    status: int
    answer: dict | str | None
    path: str = ""
    response_id: str = ""  # for response_url posts: the <id> of /response/<id>

    @property
    def ok(self) -> bool:
        """Slack accepted it (so it had an effect)."""
        return self.status == 200 and (not isinstance(self.answer, dict) or self.answer.get("ok"))

    @property
    def blocks(self) -> list[dict]:
        """The blocks sent (of the view, for views.*)."""
        view = self.params.get("view")
        if isinstance(view, dict):
            return view.get("blocks") or []
        return self.params.get("blocks") or []

    @property
    def text(self) -> str:
        """The `text` sent plus every text in its blocks, joined (for `in` checks)."""
        parts = [self.params.get("text") or ""]
        parts += _texts_in(self.blocks)
        return "\n".join(p for p in parts if p)

    def sent_text(self) -> str:
        """Everything the caller sent, decoded, for scanning (mentions, pings, ...)."""
        return json.dumps(self.params, ensure_ascii=False)

    @property
    def token(self) -> str:
        """The token the call was made with (Authorization: Bearer, or a `token` param)."""
        bearer = self.headers.get("authorization", "")
        if bearer.startswith("Bearer "):
            return bearer.removeprefix("Bearer ")
        return str(self.params.get("token") or "")


def _texts_in(node) -> list[str]:
    """Every "text" string inside a Block Kit structure."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found += _texts_in(value)
    elif isinstance(node, list):
        for item in node:
            found += _texts_in(item)
    return found


# -- the server ------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # benchmarks open dozens of connections at once

    def handle_error(self, request, client_address):
        # A client that gave up (its timeout) leaves a broken pipe: that is the test's point.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection, as urllib uses it

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self.server.fake._dispatch(self)

    def do_POST(self):
        self.server.fake._dispatch(self)


def _parse_params(handler: BaseHTTPRequestHandler, body: str) -> dict:
    params: dict = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
    ctype = (handler.headers.get("Content-Type") or "").lower()
    if body:
        if "json" in ctype:
            try:
                loaded = json.loads(body)
            except ValueError:
                loaded = {"_unparsed": body}
            params.update(loaded if isinstance(loaded, dict) else {"_json": loaded})
        else:
            params.update(parse_qsl(body, keep_blank_values=True))
    for name in _JSON_FIELDS:
        value = params.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                params[name] = json.loads(value)
    return params


class FakeSlackAPI:
    """A Slack Web API double on 127.0.0.1:<free port>. Start/stop it or use it as a context."""

    def __init__(self, token: str = "xoxb-test-token", *, socket_url: str = "ws://127.0.0.1:9/"):
        self.token = token
        self.socket_url = socket_url
        self._lock = threading.Condition()
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[Answer]] = {}
        self._stopping = threading.Event()
        self._held: list[str] = []  # methods whose calls arrived and are being held
        self._ts = itertools.count(1)
        self._ts_base = int(time.time())
        self._ids = itertools.count(1)
        self.channels: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.messages: dict[str, list[dict]] = {}
        self.team_tokens: dict[str, str] = {token: TEAM_ID}  # bot token -> its team
        self.oauth_client: tuple[str, str] | None = None  # (client id, secret) it accepts
        self._codes: dict[str, tuple[str, str]] = {}  # OAuth code -> (team id, team name)
        # The bot scopes the workspace granted: the manifest's (a test may take some away,
        # as an install made before a scope was added would lack it).
        self.scopes: set[str] = set(manifest_bot_scopes())
        self.faults: Faults | None = None  # random faults for unscripted calls (inject)
        self._seed()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeSlackAPI:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes slow answers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeSlackAPI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """What to give WebClient(base_url=...) / SLACK_API_URL (trailing slash included)."""
        return f"{self.base_url}/api/"

    def response_url(self, response_id: str | None = None) -> str:
        """A response_url this fake accepts; posts to it are recorded as method "response_url"."""
        return f"{self.base_url}/response/{response_id or f'R{next(self._ids):05d}'}"

    # -- seeding ------------------------------------------------------------------------

    def _seed(self) -> None:
        for uid, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
            self.add_user(uid, name)
        self.users[BOT_USER_ID] = self._user_shape(BOT_USER_ID, "socialway", is_bot=True)
        self.add_channel(DRAFTS, "drafts", members=[ALICE, BOB])
        self.add_channel(ELSEWHERE, "announcements", members=[ALICE, BOB], bot_member=False)

    def _user_shape(self, uid: str, name: str, *, is_bot: bool = False) -> dict:
        real = name.title()
        return {
            "id": uid,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": real,
            "tz": "Europe/London",
            "tz_offset": 0,
            "is_bot": is_bot,
            "is_admin": False,
            "profile": {"real_name": real, "display_name": name, "image_48": ""},
        }

    def add_user(self, user_id: str, name: str) -> None:
        with self._lock:
            self.users[user_id] = self._user_shape(user_id, name)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: Iterable[str] = (),
        bot_member: bool = True,
        team: str | None = None,
        kind: str = "public",
    ) -> None:
        """A channel; with `team`, only that team's token can see it. `kind` is "public",
        "private" (a private channel, whatever its id: one converted from public keeps its
        C id) or "mpim" (a group DM)."""
        assert kind in ("public", "private", "mpim"), kind
        members = list(members) + ([BOT_USER_ID] if bot_member else [])
        with self._lock:
            self.channels[channel_id] = {"id": channel_id, "name": name, "members": members}
            self.channels[channel_id]["kind"] = kind
            if team:
                self.channels[channel_id]["team"] = team
            self.messages.setdefault(channel_id, [])

    # -- OAuth (several workspaces) -----------------------------------------------------

    def enable_oauth(self, client_id: str, client_secret: str) -> None:
        """Answer oauth.v2.access for this app's credentials (HTTP Basic, as slack_sdk sends)."""
        self.oauth_client = (client_id, client_secret)

    def install_code(self, team_id: str, team_name: str | None = None) -> str:
        """The code Slack's "Allow" page would send the redirect for an install in `team_id`."""
        code = f"code-{team_id}-{next(self._ids)}"
        with self._lock:
            self._codes[code] = (team_id, team_name or f"Team {team_id}")
        return code

    def tokens_of(self, team_id: str) -> list[str]:
        with self._lock:
            return [t for t, team in self.team_tokens.items() if team == team_id]

    def revoke(self, token: str) -> None:
        """Slack forgets a token (uninstalled, revoked): calls with it get invalid_auth."""
        with self._lock:
            self.team_tokens.pop(token, None)

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = ALICE,
        ts: str | None = None,
        thread_ts: str | None = None,
        bot_id: str | None = None,
    ) -> dict:
        """Put a message in a channel (as if someone had written it); returns it."""
        message = {"type": "message", "text": text, "user": user, "team": TEAM_ID}
        message["ts"] = ts or self.next_ts()
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = self._find(channel, thread_ts, {}).get("user", user)
        if bot_id:
            message["bot_id"] = bot_id
        with self._lock:
            self.messages.setdefault(channel, []).append(message)
        return message

    def next_ts(self) -> str:
        return f"{self._ts_base}.{next(self._ts):06d}"

    # -- scripting ----------------------------------------------------------------------

    def script(self, method: str, *answers: Answer) -> None:
        """Answer the next calls of `method` with `answers`, in order; then normally again.

        `method` is a Web API method name, or "response_url" for posts to response_urls.
        """
        with self._lock:
            self._scripts.setdefault(method, deque()).extend(answers)

    def fail_next(self, method: str, code: str, times: int = 1) -> None:
        self.script(method, *[error(code)] * times)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self.script(method, *[rate_limited(retry_after)] * times)

    def server_error_next(self, method: str, times: int = 1, status: int = 500) -> None:
        self.script(method, *[server_error(status)] * times)

    def slow_next(self, method: str, delay: float, times: int = 1) -> None:
        self.script(method, *[slow(delay)] * times)

    def inject(self, faults: Faults | None) -> None:
        """Answer unscripted calls with random `faults` from now on (None: stop)."""
        self.faults = faults

    def hold(self, method: str) -> threading.Event:
        """Hold the next call of `method` unanswered until the returned event is set.

        Proves ordering without clocks: e.g. hold "response_url", send a slash command, and
        its HTTP ack still comes back while the reply is stuck here.
        """
        gate = threading.Event()
        self.script(method, Answer(gate=gate))
        return gate

    def wait_held(self, method: str, timeout: float = 5.0) -> None:
        """Wait until a call of `method` is being held by `hold`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while method not in self._held:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} call arrived to be held within {timeout}s")
                self._lock.wait(left)

    # -- reading what was received ------------------------------------------------------

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        """Calls received so far, oldest first; `method` filters, `ok=True` keeps accepted."""
        with self._lock:
            found = [c for c in self._calls if method is None or c.method == method]
        return [c for c in found if ok is None or c.ok == ok]

    def responses(self, response_id: str | None = None) -> list[Call]:
        """Posts received on response_urls (optionally one response_url's id)."""
        return [
            c
            for c in self.calls("response_url")
            if response_id is None or c.response_id == response_id
        ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `where`) arrived; returns them all.

        Raises AssertionError naming what did arrive when the deadline passes.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [
                    c for c in self._calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f"{c.method}({c.status})" for c in self._calls]
                    raise AssertionError(
                        f"waited {timeout}s for {count} x {method}, got {len(found)}; "
                        f"calls received: {seen}"
                    )
                self._lock.wait(left)

    def wait_for_response(self, count: int = 1, timeout: float = 5.0, response_id=None):
        return self.wait_for(
            "response_url",
            count,
            timeout,
            where=lambda c: response_id is None or c.response_id == response_id,
        )

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> list[Call]:
        """Wait until no call has arrived for `quiet` seconds; returns every call.

        For asserting that something did NOT happen (a second reply to a retried event).
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                last = self._calls[-1].at if self._calls else 0.0
                now = time.monotonic()
                if now - last >= quiet or now >= deadline:
                    return list(self._calls)
                self._lock.wait(min(quiet - (now - last), deadline - now))

    def sent_by_app(self) -> list[str]:
        """Everything the app sent to Slack (API params and response_url posts), decoded."""
        return [c.sent_text() for c in self.calls()]

    def ping_problems(self, allowed_mentions: Iterable[str] = ()) -> list[str]:
        """What the app sent that would notify people: `<!channel>`, `<!here>`, `<!everyone>`,
        a user group, `link_names`/`parse=full` (which turn "@here" text into a ping), or a
        `<@U…>` mention of anyone not in `allowed_mentions`. [] when nothing would."""
        allowed = set(allowed_mentions)
        problems = []
        for call in self.calls():
            sent = call.sent_text()
            for ping in ("<!channel", "<!here", "<!everyone", "<!subteam"):
                if ping in sent:
                    problems.append(f"{call.method} sent {ping}>")
            if call.params.get("link_names") not in (None, False, 0, "0", "false"):
                problems.append(f"{call.method} set link_names")
            if call.params.get("parse") == "full":
                problems.append(f"{call.method} set parse=full")
            for user in re.findall(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", sent):
                if user not in allowed:
                    problems.append(f"{call.method} mentioned <@{user}>")
        return problems

    def reset(self) -> None:
        """Forget calls and scripts (seeded state stays)."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()

    # -- serving ------------------------------------------------------------------------

    def _dispatch(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("utf-8", "replace") if length else ""
        path = urlsplit(handler.path).path
        params = _parse_params(handler, body)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        response_id = ""
        if path.startswith("/api/"):
            method = path[len("/api/") :]
        elif path.startswith("/response/"):
            method, response_id = "response_url", path[len("/response/") :]
        else:
            method = path
        with self._lock:
            queue = self._scripts.get(method)
            scripted = queue.popleft() if queue else None
        if scripted is None and self.faults is not None:
            scripted = self.faults.pick(method)
        if scripted and scripted.delay:
            self._stopping.wait(scripted.delay)
        if scripted and scripted.gate is not None:
            with self._lock:
                self._held.append(method)
                self._lock.notify_all()
            while not (scripted.gate.is_set() or self._stopping.is_set()):
                scripted.gate.wait(0.05)
        if scripted and scripted.reset == "before":
            self._record(method, params, headers, body, arrived, path, response_id, 0, "reset")
            _reset(handler)
            return
        if scripted and scripted.body is not None:
            status, answer, extra = scripted.status, scripted.body, scripted.headers
        else:
            status, answer, extra = 200, self._answer(method, params, headers), ()
            if method == "response_url" and not answer.get("ok"):
                status, answer = 400, answer["error"]  # Slack answers response_urls in plain text
        if scripted and scripted.reset == "after":  # done on Slack's side; the answer is lost
            self._record(method, params, headers, body, arrived, path, response_id, status, answer)
            _reset(handler)
            return
        call = Call(
            method=method,
            params=params,
            headers=headers,
            body=body,
            at=arrived,
            status=status,
            answer=answer,
            path=path,
            response_id=response_id,
        )
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
        payload = (json.dumps(answer) if isinstance(answer, dict) else answer).encode()
        try:
            handler.send_response(status)
            is_json = isinstance(answer, dict)
            ctype = "application/json; charset=utf-8" if is_json else "text/html"
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in extra:
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up waiting (a scripted slow answer)

    def _record(self, method, params, headers, body, arrived, path, response_id, status, answer):
        call = Call(method, params, headers, body, arrived, status, answer, path, response_id)
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()

    def _answer(self, method: str, params: dict, headers: dict) -> dict:
        problem = block_kit_problems(params, for_view=method.startswith("views."))
        if problem and (method == "response_url" or method.startswith(("chat.", "views."))):
            return {"ok": False, "error": problem[0], "errors": problem[1:]}
        if method == "response_url":
            return {"ok": True}
        if method == "oauth.v2.access":
            with self._lock:
                return _oauth_v2_access(self, params, headers)
        token = ""
        if not method.startswith(("apps.connections.",)):
            token = headers.get("authorization", "").removeprefix("Bearer ") or params.get("token")
            if not token:
                return {"ok": False, "error": "not_authed"}
            if token != self.token and token not in self.team_tokens:
                return {"ok": False, "error": "invalid_auth"}
        answer_fn = _ANSWERS.get(method)
        if answer_fn is None:
            return {"ok": False, "error": "unknown_method"}
        with self._lock:
            team = self.team_tokens.get(token, TEAM_ID)
            info = self.channels.get(str(params.get("channel") or ""))
            if info is not None and info.get("team", team) != team:
                return {"ok": False, "error": "channel_not_found"}  # another team's channel
            missing = self._missing_scope(method, str(params.get("channel") or ""))
            if missing:
                return missing
            return answer_fn(self, {**params, "_team": team})

    # -- state helpers (called with the lock held) ---------------------------------------

    def _channel(self, channel_id: str) -> dict | None:
        if channel_id.startswith("D"):
            return {"id": channel_id, "name": "", "members": [BOT_USER_ID], "im": True}
        if channel_id not in self.channels:
            return None
        return self.channels[channel_id]

    def _find(self, channel: str, ts: str, default=None):
        for m in self.messages.get(channel, []):
            if m["ts"] == ts:
                return m
        return default

    def _bot_message(self, channel: str, params: dict) -> dict:
        message = {
            "type": "message",
            "text": params.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": self.next_ts(),
        }
        if params.get("blocks"):
            message["blocks"] = params["blocks"]
        if isinstance(params.get("metadata"), dict):  # Slack message metadata (digest stamp)
            message["metadata"] = params["metadata"]
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
            message["parent_user_id"] = self._find(channel, params["thread_ts"], {}).get("user")
        return message

    def markup_problems(self) -> list[str]:
        """Every `<…>` the app sent in a text that Slack would read as a control sequence
        it does not know (so shows wrongly or not at all): Slack knows <@U…>, <#C…>, <!…>
        and links (<https://…>, <mailto:…>); any other `<` must be sent as `&lt;`."""
        known = re.compile(
            r"<(?:[@#][A-Z0-9]+|!\w[^>]*|(?:https?://|mailto:|tel:)[^>]*)(?:\|[^>]*)?>"
        )
        problems = []
        for call in self.calls():
            for text in call.text.split("\n"):
                for found in re.findall(r"<[^<>]*>", text):
                    if not known.fullmatch(found):
                        problems.append(f"{call.method} sent {found}")
        return problems

    def _missing_scope(self, method: str, channel_id: str) -> dict | None:
        """Slack's missing_scope answer when reading this kind of conversation needs a
        scope the workspace did not grant (channels:/groups:/mpim:/im: read or history)."""
        family = _SCOPE_FAMILY.get(method)
        info = self._channel(channel_id) if family else None
        if info is None:
            return None
        kind = "im" if info.get("im") else info.get("kind", "public")
        needed = f"{_SCOPE_PREFIX[kind]}:{family}"
        if needed in self.scopes:
            return None
        provided = ",".join(sorted(self.scopes))
        return {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}


# -- Block Kit limits, as Slack enforces them (invalid_blocks / msg_too_long) ----------

TEXT_MAX = 40_000
_LIMITS = {
    "section": 3000,
    "section_field": 2000,
    "header": 150,
    "context_elements": 10,
    "actions_elements": 25,
    "button_text": 75,
    "button_value": 2000,
    "option_text": 75,
    "option_value": 150,
    "options": 100,
    "id": 255,
    "input_label": 2000,
}


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Reset the connection (RST, not a clean close): the client gets ECONNRESET."""
    import socket
    import struct

    with contextlib.suppress(OSError):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    handler.close_connection = True


def _element_problems(element: dict, where: str) -> list[str]:
    problems = []
    text = (element.get("text") or {}).get("text", "") if element.get("type") == "button" else ""
    if element.get("type") == "button":
        if not 0 < len(text) <= _LIMITS["button_text"]:
            problems.append(f"{where}: button text must be 1-75 chars, is {len(text)}")
        if len(element.get("value", "")) > _LIMITS["button_value"]:
            problems.append(f"{where}: button value over 2000 chars")
    options = element.get("options") or []
    if element.get("type") in ("static_select", "overflow", "radio_buttons"):
        if not 0 < len(options) <= _LIMITS["options"]:
            problems.append(f"{where}: {len(options)} options (1-100 allowed)")
        for option in options:
            if len(option.get("text", {}).get("text", "")) > _LIMITS["option_text"]:
                problems.append(f"{where}: option text over 75 chars")
            if len(option.get("value", "")) > _LIMITS["option_value"]:
                problems.append(f"{where}: option value over 150 chars")
    if len(element.get("action_id", "")) > _LIMITS["id"]:
        problems.append(f"{where}: action_id over 255 chars")
    return problems


def block_kit_problems(params: dict, *, for_view: bool = False) -> list[str]:
    """[error code, details...] when Slack would refuse these blocks or text; [] when fine."""
    view = params.get("view") if isinstance(params.get("view"), dict) else None
    blocks = (view or {}).get("blocks") if for_view else params.get("blocks")
    text = params.get("text")
    if isinstance(text, str) and len(text) > TEXT_MAX:
        return ["msg_too_long", f"text is {len(text)} chars"]
    if not blocks:
        return []
    if not isinstance(blocks, list):
        return ["invalid_blocks_format", "blocks must be a list"]
    problems = []
    most = 100 if for_view else 50
    if len(blocks) > most:
        problems.append(f"{len(blocks)} blocks (at most {most})")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type")
        if len(block.get("block_id", "")) > _LIMITS["id"]:
            problems.append(f"{where}: block_id over 255 chars")
        if kind == "section":
            text = (block.get("text") or {}).get("text", "")
            if len(text) > _LIMITS["section"]:
                problems.append(f"{where}: section text is {len(text)} chars (at most 3000)")
            if not text and not block.get("fields"):
                problems.append(f"{where}: section needs text or fields")
            for field_ in block.get("fields") or []:
                if len(field_.get("text", "")) > _LIMITS["section_field"]:
                    problems.append(f"{where}: section field over 2000 chars")
            if block.get("accessory"):
                problems += _element_problems(block["accessory"], where)
        elif kind == "header":
            if len((block.get("text") or {}).get("text", "")) > _LIMITS["header"]:
                problems.append(f"{where}: header over 150 chars")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= _LIMITS["context_elements"]:
                problems.append(f"{where}: context has {len(elements)} elements (1-10)")
            for element in elements:
                if len(element.get("text", "")) > 3000:
                    problems.append(f"{where}: context text over 3000 chars")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= _LIMITS["actions_elements"]:
                problems.append(f"{where}: actions has {len(elements)} elements (1-25)")
            for j, element in enumerate(elements):
                problems += _element_problems(element, f"{where}.elements[{j}]")
        elif kind == "input":
            problems += _element_problems(block.get("element") or {}, where)
    return ["invalid_blocks", *problems] if problems else []


def _posting_problem(fake: FakeSlackAPI, channel: str) -> dict | None:
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    info = fake._channel(channel)
    if info is None:
        return {"ok": False, "error": "channel_not_found"}
    if BOT_USER_ID not in info["members"]:
        return {"ok": False, "error": "not_in_channel"}
    return None


def _dm_channel(channel: str) -> str:
    return "D" + channel[1:] if channel.startswith(("U", "W")) else channel


def _auth_test(fake, params):
    team = params.get("_team") or TEAM_ID
    return {
        "ok": True,
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": "Social Way Test" if team == TEAM_ID else f"Team {team}",
        "user": "socialway",
        "team_id": team,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def _oauth_v2_access(fake, params, headers):
    """oauth.v2.access: the app's credentials (HTTP Basic or params) and a code, once."""
    basic = headers.get("authorization", "")
    if basic.startswith("Basic "):
        given = base64.b64decode(basic.removeprefix("Basic ")).decode().partition(":")
        client = (given[0], given[2])
    else:
        client = (params.get("client_id", ""), params.get("client_secret", ""))
    if fake.oauth_client is None or client != fake.oauth_client:
        return {"ok": False, "error": "invalid_client_id"}
    found = fake._codes.pop(params.get("code", ""), None)
    if found is None:
        return {"ok": False, "error": "invalid_code"}
    team_id, team_name = found
    token = f"xoxb-{team_id}-{next(fake._ids)}-{uuid.uuid4().hex[:12]}"
    fake.team_tokens[token] = team_id
    return {
        "ok": True,
        "app_id": APP_ID,
        "authed_user": {"id": ALICE},
        "scope": ",".join(s for s in manifest_bot_scopes() if s in fake.scopes),
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": BOT_USER_ID,
        "team": {"id": team_id, "name": team_name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _post_message(fake, params):
    channel = _dm_channel(params.get("channel", ""))
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        return {"ok": False, "error": "no_text"}
    problem = _posting_problem(fake, channel)
    if problem:
        return problem
    message = fake._bot_message(channel, params)
    fake.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def _post_ephemeral(fake, params):
    channel, user = params.get("channel", ""), params.get("user", "")
    if not user:
        return {"ok": False, "error": "user_not_found"}
    problem = _posting_problem(fake, channel)
    if problem:
        return problem
    info = fake._channel(channel)
    if not info.get("im") and user not in info["members"]:
        return {"ok": False, "error": "user_not_in_channel"}
    return {"ok": True, "message_ts": fake.next_ts()}


def _update(fake, params):
    channel, ts = params.get("channel", ""), params.get("ts", "")
    message = fake._find(channel, ts)
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    if message.get("bot_id") != BOT_ID:
        return {"ok": False, "error": "cant_update_message"}
    for name in ("text", "blocks"):
        if name in params:
            message[name] = params[name]
    return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}


def _delete(fake, params):
    channel, ts = params.get("channel", ""), params.get("ts", "")
    message = fake._find(channel, ts)
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    fake.messages[channel].remove(message)
    return {"ok": True, "channel": channel, "ts": ts}


def _permalink(fake, params):
    channel, ts = params.get("channel", ""), params.get("message_ts", "")
    link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    return {"ok": True, "channel": channel, "permalink": link}


def _view(fake, params):
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return {"ok": False, "error": "invalid_arguments"}
    view_id = params.get("view_id") or f"V{next(fake._ids):07d}"
    return {
        "ok": True,
        "view": {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "title": view.get("title"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{view_id}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        },
    }


def _views_open(fake, params):
    if not params.get("trigger_id"):
        return {"ok": False, "error": "invalid_arguments"}
    return _view(fake, params)


def _views_publish(fake, params):
    if not params.get("user_id"):
        return {"ok": False, "error": "invalid_arguments"}
    return _view(fake, params)


def _replies(fake, params):
    channel, ts = params.get("channel", ""), params.get("ts", "")
    if fake._channel(channel) is None:
        return {"ok": False, "error": "channel_not_found"}
    parent = fake._find(channel, ts)
    if parent is None and any(m.get("thread_ts") == ts for m in fake.messages.get(channel, [])):
        parent = {"ts": ts, "thread_ts": ts, "type": "message", "text": ""}  # not seeded here
    if parent is None:
        return {"ok": False, "error": "thread_not_found"}
    root = parent.get("thread_ts", parent["ts"])
    thread = [m for m in fake.messages[channel] if m.get("thread_ts") == root and m["ts"] != root]
    head = fake._find(channel, root, parent)
    if parent["ts"] != root:  # asked for a reply's ts: Slack returns just that message
        thread = []
        head = parent
    messages = [head, *sorted(thread, key=lambda m: m["ts"])]
    limit = int(params.get("limit") or 1000)
    return {
        "ok": True,
        "messages": messages[:limit],
        "has_more": len(messages) > limit,
        "response_metadata": {"next_cursor": ""},
    }


def _history(fake, params):
    channel = params.get("channel", "")
    if fake._channel(channel) is None:
        return {"ok": False, "error": "channel_not_found"}
    inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
    latest, oldest = params.get("latest"), params.get("oldest")
    found = []
    for m in fake.messages.get(channel, []):
        if m.get("thread_ts") not in (None, m["ts"]):
            continue  # replies live in threads, not in history
        ts = float(m["ts"])
        if latest and (ts > float(latest) or (ts == float(latest) and not inclusive)):
            continue
        if oldest and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            continue
        found.append(m)
    found.sort(key=lambda m: float(m["ts"]), reverse=True)
    limit = int(params.get("limit") or 100)
    if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
        found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
    return {
        "ok": True,
        "messages": found[:limit],
        "has_more": len(found) > limit,
        "pin_count": 0,
        "response_metadata": {"next_cursor": ""},
    }


def _info(fake, params):
    channel = params.get("channel", "")
    info = fake._channel(channel)
    if info is None:
        return {"ok": False, "error": "channel_not_found"}
    kind = "im" if info.get("im") else info.get("kind", "public")
    return {
        "ok": True,
        "channel": {
            "id": channel,
            "name": info["name"],
            "is_channel": kind in ("public", "private"),
            "is_group": False,  # only private channels made before March 2021 say true
            "is_im": kind == "im",
            "is_mpim": kind == "mpim",
            "is_private": kind in ("private", "mpim"),
            "is_archived": False,
            "is_member": BOT_USER_ID in info["members"],
            "num_members": len(info["members"]),
            "created": fake._ts_base,
        },
    }


def _members(fake, params):
    info = fake._channel(params.get("channel", ""))
    if info is None:
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "members": list(info["members"]), "response_metadata": {"next_cursor": ""}}


def _open_dm(fake, params):
    users = params.get("users", "")
    if not users:
        return {"ok": False, "error": "users_list_not_supplied"}
    first = users.split(",")[0] if isinstance(users, str) else users[0]
    return {"ok": True, "channel": {"id": _dm_channel(first)}}


def _join(fake, params):
    channel = params.get("channel", "")
    info = fake._channel(channel)
    if info is None:
        return {"ok": False, "error": "channel_not_found"}
    if BOT_USER_ID not in info["members"]:
        info["members"].append(BOT_USER_ID)
    return _info(fake, params) | {"ok": True}


def _users_info(fake, params):
    user = fake.users.get(params.get("user", ""))
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": user}


def _assistant_thread(params, field: str) -> dict:
    """assistant.threads.setStatus / setTitle: a thread of the app's DM, and the field."""
    if not str(params.get("channel_id", "")).startswith("D") or not params.get("thread_ts"):
        return {"ok": False, "error": "channel_not_found"}
    if field not in params or (field == "title" and not params[field]):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


def _suggested_prompts(params) -> dict:
    """assistant.threads.setSuggestedPrompts: 1-4 prompts, each a title and a message."""
    found = _assistant_thread({**params, "prompts": 1}, "prompts")
    prompts = params.get("prompts")
    if isinstance(prompts, str):
        prompts = json.loads(prompts)
    shaped = isinstance(prompts, list) and all(
        isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts
    )
    if found["ok"] and not (shaped and 1 <= len(prompts) <= 4):
        return {"ok": False, "error": "invalid_arguments"}
    return found


def _ok(fake, params):
    return {"ok": True}


# Reading a conversation needs the scope of its kind (Slack's docs for each method).
_SCOPE_FAMILY = {
    "conversations.info": "read",
    "conversations.members": "read",
    "conversations.history": "history",
    "conversations.replies": "history",
}
_SCOPE_PREFIX = {"public": "channels", "private": "groups", "mpim": "mpim", "im": "im"}


def manifest_bot_scopes() -> list[str]:
    """manifest.yml's bot scopes: what a workspace grants when it installs the app."""
    import yaml

    manifest = Path(__file__).resolve().parents[2] / "manifest.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return list(data["oauth_config"]["scopes"]["bot"])


_ANSWERS: dict[str, Callable[[FakeSlackAPI, dict], dict]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.update": _update,
    "chat.delete": _delete,
    "chat.getPermalink": _permalink,
    "views.open": _views_open,
    "views.push": _views_open,
    "views.update": _view,
    "views.publish": _views_publish,
    "conversations.replies": _replies,
    "conversations.history": _history,
    "conversations.info": _info,
    "conversations.members": _members,
    "conversations.open": _open_dm,
    "conversations.join": _join,
    "users.info": _users_info,
    "reactions.add": _ok,
    "reactions.remove": _ok,
    "team.info": lambda fake, params: {
        "ok": True,
        "team": {"id": TEAM_ID, "name": "Social Way Test", "domain": TEAM_DOMAIN},
    },
    "bots.info": lambda fake, params: {
        "ok": True,
        "bot": {"id": BOT_ID, "app_id": APP_ID, "name": "Social Way", "user_id": BOT_USER_ID},
    },
    "apps.connections.open": lambda fake, params: {"ok": True, "url": fake.socket_url},
    "assistant.threads.setStatus": lambda fake, params: _assistant_thread(params, "status"),
    "assistant.threads.setTitle": lambda fake, params: _assistant_thread(params, "title"),
    "assistant.threads.setSuggestedPrompts": lambda fake, params: _suggested_prompts(params),
}


__all__ = [
    "ALICE",
    "APP_ID",
    "BOB",
    "BOT_ID",
    "BOT_USER_ID",
    "CAROL",
    "DRAFTS",
    "ELSEWHERE",
    "TEAM_ID",
    "Answer",
    "Call",
    "FakeSlackAPI",
    "Faults",
    "block_kit_problems",
    "error",
    "rate_limited",
    "reset_after",
    "reset_before",
    "server_error",
    "slow",
]
