"""Every check that stops the app before it takes a request, in one place.

`socialway serve` (and its `--check`) and gunicorn's app factory (`bot.slack.wsgi:
create_app()`) both ask `start_up_problems` and then `slack_problems`: the settings,
every playbook, the prompt templates, the database, and the tokens (or the installations
file) with Slack. Each problem is one line saying what to do; none is a traceback.
"""

from __future__ import annotations

from bot.config import Settings, SettingsError, check_for_slack
from bot.logsafe import one_line


def start_up_problems(settings: Settings) -> list[str]:
    """Everything that would stop the app, checked before it takes a request: the Slack
    settings, every playbook (file, rule, field) and, with an LLM, the prompt templates."""
    from bot.review import factory
    from bot.review.llm.prompts import PromptError
    from bot.review.playbooks.loader import PlaybookError

    try:
        check_for_slack(settings)
        reviewer = factory.make_reviewer(settings, None)
        try:
            broken = reviewer.playbooks.loaded()[1]  # unreadable files too (YAML, tabs...)
        finally:
            reviewer.close()
    except (SettingsError, PlaybookError, PromptError) as error:
        return list(error.problems)
    if broken:
        return broken
    problem = database_problem(settings.database)
    return [problem] if problem else []


def database_problem(path: str) -> str | None:
    """One line when the database can't be opened and brought up to date (damaged, not a
    database, unreadable): the file, what went wrong, and what to do."""
    import sqlite3

    from bot.store.store import Store, StoreUnavailable

    try:
        Store(path).close()
    except StoreUnavailable as error:  # PostgreSQL (DATABASE_URL): host, port, database
        return str(error)
    except (sqlite3.Error, OSError) as error:
        if "locked" in str(error):
            return f"the database {path} stayed locked by another process; try again"
        return (
            f"can't use the database {path} ({one_line(str(error))}): restore it from a "
            "backup, or move it aside to start with an empty one (SOCIALWAY_DB names it)"
        )
    return None


def slack_problems(settings: Settings) -> list[str]:
    """Asks Slack once (auth.test) whether the bot token works, so a wrong or revoked token,
    or a Slack that can't be reached, is one line here rather than a traceback in a worker.
    With OAuth there is no one token to test: the installations file must open instead."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import api_base_url, make_client

    if settings.oauth:
        return installs_problems(settings)
    client = make_client(settings)
    try:
        client.auth_test()
        if settings.socket_mode:  # the URL it hands out is simply never used
            client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        code = error.response.get("error") or f"HTTP {error.response.status_code}"
        if error.response.api_url.endswith("apps.connections.open"):
            return [app_token_refused(code)]
        return [
            f"SLACK_BOT_TOKEN was refused by Slack ({code}): copy the Bot User OAuth Token "
            "(xoxb-...) again from OAuth & Permissions, and reinstall the app if it was revoked"
        ]
    except OSError as error:  # urllib's URLError, timeouts, refused connections
        reason = getattr(error, "reason", None) or error
        return [f"can't reach Slack at {api_base_url(settings)} ({reason}); check the network"]
    return []


def app_token_refused(code: str) -> str:
    return (
        f"SLACK_APP_TOKEN was refused by Slack ({code}): generate an app-level token with the "
        "connections:write scope again (Basic Information → App-Level Tokens), and check that "
        "Socket Mode is on for the app"
    )


def installs_problems(settings: Settings) -> list[str]:
    """The installations file (beside SOCIALWAY_DB; or DATABASE_URL) can be opened and its
    tables made."""
    import sqlite3

    from bot.slack.installs import installation_store, installs_db_path, state_store
    from bot.store.errors import StoreUnavailable

    try:
        installation_store(settings)  # each makes its tables now
        state_store(settings)
    except StoreUnavailable as error:
        return [str(error)]
    except (sqlite3.Error, OSError) as error:
        return [f"can't open the installations file {installs_db_path(settings)} ({error})"]
    return []
