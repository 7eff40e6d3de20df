"""A browser going through Slack's install flow against the running app, over real HTTP.

`start_install` opens GET /slack/install as a person would (keeping the state cookie it
sets); `finish_install` comes back to GET /slack/oauth_redirect with the code Slack's
"Allow" page would give (from the fake Slack API) and that state. `install` does both.
Cookies are handled by hand: bolt marks its state cookie `Secure`, which a cookie jar
would never send to http://127.0.0.1.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from .slack_api import TEAM_ID
from .slack_requests import SlackRequest


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    headers: dict[str, str]  # lower-case names

    @property
    def text(self) -> str:
        """The words a person reads (head and tags dropped, spaces collapsed)."""
        body = re.sub(r"(?s)<head>.*?</head>", " ", self.body)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@dataclass
class Install:
    """One person's install in progress: the Add-to-Slack link and the state cookie."""

    page: Page
    link: str = ""
    state: str = ""
    cookie: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)


def get(url: str, headers: dict[str, str] | None = None) -> Page:
    request = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Page(response.status, response.read().decode(), _lower(response.headers))
    except urllib.error.HTTPError as error:
        with error:
            return Page(error.code, error.read().decode(), _lower(error.headers))


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def start_install(base_url: str) -> Install:
    page = get(f"{base_url}/slack/install")
    install = Install(page)
    found = re.search(r'<a href="([^"]+)"', page.body)
    if found:
        install.link = html.unescape(found.group(1))
        install.query = parse_qs(urlsplit(install.link).query)
        install.state = (install.query.get("state") or [""])[0]
    cookie = page.headers.get("set-cookie", "")
    install.cookie = cookie.split(";", 1)[0]
    return install


def finish_install(base_url: str, install: Install, code: str, state: str | None = None) -> Page:
    query = urlencode({"code": code, "state": install.state if state is None else state})
    headers = {"Cookie": install.cookie} if install.cookie else {}
    return get(f"{base_url}/slack/oauth_redirect?{query}", headers)


def install(running_app, team_id: str, team_name: str | None = None) -> Page:
    """Add the app to `team_id` through the whole flow; returns the page shown at the end."""
    started = start_install(running_app.base_url)
    code = running_app.slack_api.install_code(team_id, team_name)
    return finish_install(running_app.base_url, started, code)


def for_team(request: SlackRequest, team_id: str) -> SlackRequest:
    """The same request as sent from workspace `team_id` (every team id in it replaced)."""
    payload = json.loads(json.dumps(request.payload).replace(TEAM_ID, team_id))
    if request.kind == "event":
        body = json.dumps(payload).encode()
    elif request.kind == "interactive":
        body = urlencode({"payload": json.dumps(payload)}).encode()
    else:
        body = urlencode(payload).encode()
    return SlackRequest(body, request.content_type, request.kind, payload)
