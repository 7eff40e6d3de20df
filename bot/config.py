"""Settings from the environment, checked once at start with one clear line per problem.

Nothing else in the app reads `os.environ`: everything else is handed a `Settings`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields


class SettingsError(ValueError):
    """Start-up settings are missing or malformed; `problems` has one line per variable."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Settings:
    """Everything the app is configured with. Secrets are never printed (see `__repr__`)."""

    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    slack_client_id: str = ""  # with the secret: multi-workspace installs (OAuth)
    slack_client_secret: str = ""
    slack_redirect_uri: str | None = None  # only when the app lists several redirect URLs
    slack_api_url: str | None = None
    db_path: str = "socialway.db"
    port: int = 3000
    # threads running accepted work; a slow Slack answer holds one, so there are plenty
    workers: int = 48
    llm_workers: int = 16  # the AI step's own pool, so a rules answer never waits behind it
    slack_timeout: float = 10.0
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str | None = None
    model: str = "gpt-4.1-mini"
    llm_timeout: float = 20.0
    llm_budget: float = 25.0
    llm_hourly_budget: int = 30
    draft_retention_days: int = 30
    playbook_dirs: tuple[str, ...] = ()
    log_level: str = "INFO"
    queue_limit: int = 1000  # jobs one process holds at once; beyond: "busy, try again"
    job_lease: float = 30.0  # seconds before a dead process's work is picked up by another

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRETS and value:
                value = "***"
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def oauth(self) -> bool:
        """Multi-workspace mode: installs through Slack's OAuth flow, a bot token per team."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)


SECRETS = {
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
    "slack_client_secret",
    "openai_api_key",
}

_INTS = {
    "PORT": ("port", 1, 65535),
    "SOCIALWAY_WORKERS": ("workers", 1, 512),
    "SOCIALWAY_LLM_WORKERS": ("llm_workers", 1, 512),
    "SOCIALWAY_LLM_HOURLY_BUDGET": ("llm_hourly_budget", 0, 1_000_000),
    "DRAFT_RETENTION_DAYS": ("draft_retention_days", 0, 36_500),
    "SOCIALWAY_QUEUE_LIMIT": ("queue_limit", 1, 100_000),
}
_FLOATS = {
    "SOCIALWAY_SLACK_TIMEOUT": ("slack_timeout", 0.1, 120.0),
    "SOCIALWAY_LLM_TIMEOUT": ("llm_timeout", 0.1, 600.0),
    "SOCIALWAY_LLM_BUDGET": ("llm_budget", 0.1, 600.0),
    "SOCIALWAY_JOB_LEASE": ("job_lease", 2.0, 3600.0),
}
_STRINGS = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_CLIENT_ID": "slack_client_id",
    "SLACK_CLIENT_SECRET": "slack_client_secret",
    "SLACK_REDIRECT_URI": "slack_redirect_uri",
    "SLACK_API_URL": "slack_api_url",
    "SOCIALWAY_DB": "db_path",
    "OPENAI_API_KEY": "openai_api_key",
    "OPENAI_BASE_URL": "openai_base_url",
    "SOCIALWAY_MODEL": "model",
    "SOCIALWAY_LOG_LEVEL": "log_level",
}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `env` (default: the process environment) without judging them."""
    env = os.environ if env is None else env
    values: dict = {}
    problems: list[str] = []
    for name, attr in _STRINGS.items():
        raw = env.get(name, "").strip()
        if raw:
            values[attr] = raw
    for table, cast in ((_INTS, int), (_FLOATS, float)):
        for name, (attr, low, high) in table.items():
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                number = cast(raw)
            except ValueError:
                problems.append(f"{name} should be a number from {low} to {high}, not {raw!r}")
                continue
            if not low <= number <= high:
                problems.append(f"{name} should be from {low} to {high}, not {raw}")
                continue
            values[attr] = number
    dirs = env.get("SOCIALWAY_PLAYBOOKS", "").strip()
    if dirs:
        values["playbook_dirs"] = tuple(d for d in dirs.split(os.pathsep) if d)
    if problems:
        raise SettingsError(problems)
    return Settings(**values)


_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def check_for_slack(settings: Settings) -> None:
    """Stop start-up with one line per missing or malformed Slack variable."""
    problems: list[str] = _oauth_problems(settings)
    if settings.slack_client_id or settings.slack_client_secret:
        pass  # several workspaces: each one's bot token comes from its installation
    elif not settings.slack_bot_token:
        problems.append("SLACK_BOT_TOKEN is missing: the bot token, it starts with xoxb-")
    elif not settings.slack_bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN should start with xoxb- (the Bot User OAuth Token)")
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            problems.append(
                "SLACK_APP_TOKEN should start with xapp- (an app-level token with "
                "connections:write, for Socket Mode)"
            )
    elif not settings.slack_signing_secret:
        problems.append(
            "SLACK_SIGNING_SECRET is missing: set it for HTTP mode (Basic Information → "
            "Signing Secret), or set SLACK_APP_TOKEN (xapp-...) for Socket Mode"
        )
    elif not re.fullmatch(r"[0-9a-f]{16,64}", settings.slack_signing_secret):
        problems.append("SLACK_SIGNING_SECRET should be the hex string from Basic Information")
    if settings.slack_api_url and not _URL.match(settings.slack_api_url):
        problems.append("SLACK_API_URL should be a URL like https://slack.com/api/")
    if settings.openai_base_url and not _URL.match(settings.openai_base_url):
        problems.append("OPENAI_BASE_URL should be a URL like http://localhost:11434/v1")
    if problems:
        raise SettingsError(problems)


def _oauth_problems(settings: Settings) -> list[str]:
    """Multi-workspace settings: both halves of the app's credentials, HTTP mode, a https
    redirect URL. Empty when neither SLACK_CLIENT_ID nor SLACK_CLIENT_SECRET is set."""
    problems: list[str] = []
    client_id, secret = settings.slack_client_id, settings.slack_client_secret
    if not client_id and not secret:
        return problems
    if not client_id:
        problems.append(
            "SLACK_CLIENT_ID is missing (Basic Information → App Credentials → Client ID); "
            "multi-workspace installs need it with SLACK_CLIENT_SECRET"
        )
    elif not re.fullmatch(r"\d+\.\d+", client_id):
        problems.append("SLACK_CLIENT_ID should look like 1234567890.1234567890 (Client ID)")
    if not secret:
        problems.append(
            "SLACK_CLIENT_SECRET is missing (Basic Information → App Credentials → Client "
            "Secret); multi-workspace installs need it with SLACK_CLIENT_ID"
        )
    elif not re.fullmatch(r"[0-9a-f]{16,64}", secret):
        problems.append("SLACK_CLIENT_SECRET should be the hex string from App Credentials")
    if settings.slack_app_token:
        problems.append(
            "installs in several workspaces (SLACK_CLIENT_ID) need HTTP mode: unset "
            "SLACK_APP_TOKEN and serve /slack/events, /slack/install and /slack/oauth_redirect"
        )
    uri = settings.slack_redirect_uri
    if uri and not (uri.startswith("https://") and _URL.match(uri)):
        problems.append(
            "SLACK_REDIRECT_URI should be https://YOUR-HOST/slack/oauth_redirect, as listed "
            "in the app's OAuth & Permissions → Redirect URLs"
        )
    return problems
