"""App Home: each person's recent reviews, score trend and channel playbooks, on opening it.

`app_home_opened` is acked by bolt at once; the view is built and published from the work
pool (a few indexed queries and one views.publish).
"""

from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.aggregate import weekly_averages
from bot.digest.week import week_at, weeks_ending
from bot.slack.home_blocks import (
    CONVERSATIONS_SHOWN,
    RECENT_SHOWN,
    ChannelPlaybook,
    HomeData,
    RecentConversation,
    RecentReview,
    home_view,
)
from bot.store.store import Store

log = logging.getLogger("socialway.slack")

TREND_WEEKS = 8
CHANNELS_SINCE = 90 * 86400  # channels a person used in the last 90 days


def register(app, deps) -> None:
    @app.event("app_home_opened")
    def handle_home_opened(event, body):
        user_id = event.get("user") or ""
        if event.get("tab", "home") != "home" or not user_id:
            return  # the Messages tab needs nothing from us
        deps.submit(publish_home, deps, user_id, body.get("team_id") or "")


def publish_home(deps, user_id: str, team_id: str = "") -> None:
    data = home_data(
        deps.store,
        deps.playbooks,
        user_id,
        now=deps.store.clock(),
        retention_days=deps.settings.draft_retention_days,
    )
    try:
        deps.client_for(team_id).views_publish(user_id=user_id, view=home_view(data))
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("views.publish for %s failed: %s", user_id, type(error).__name__)


def home_data(store: Store, library, user_id: str, *, now: float, retention_days: int = 30):
    """Everything the Home tab shows for one person (weeks in UTC: Slack gives no timezone)."""
    titles = _Titles(library)
    recent = tuple(_recent(row, titles) for row in store.user_reviews(user_id, limit=RECENT_SHOWN))
    weeks = weeks_ending(week_at(now, "UTC"), TREND_WEEKS)
    buckets = weekly_averages(store.user_scores(user_id, weeks[0].start, weeks[-1].end), weeks)
    trend = tuple(sum(b) / len(b) if b else None for b in buckets)
    playbooks = tuple(
        _channel_playbook(store, library, channel)
        for channel in store.user_channels(user_id, since=now - CHANNELS_SINCE)
    )
    default = ""
    if library is not None:
        try:
            default = library.get(None).name
        except ValueError:
            default = ""
    conversations = _conversations(store, user_id)
    return HomeData(user_id, recent, trend, playbooks, default, retention_days, conversations)


def _conversations(store: Store, user_id: str) -> tuple[RecentConversation, ...]:
    """The latest conversations, one line per draft: a DM's "latest" entry (thread "")
    and a follow-up asked at the top of the DM repeat a thread's draft."""
    shown: dict[tuple[str, str], RecentConversation] = {}
    for row in store.user_conversations(user_id, limit=4 * CONVERSATIONS_SHOWN):
        if row["thread_ts"]:
            shown.setdefault((row["channel_id"], row["title"]), _conversation(row))
    return tuple(shown.values())[:CONVERSATIONS_SHOWN]


def _conversation(row: dict) -> RecentConversation:
    review = row["state"].get("review") or {}
    return RecentConversation(
        updated_at=row["updated_at"],
        surface=row["surface"],
        channel_id=row["channel_id"],
        title=row["title"] or "",
        score=review.get("human_score"),
    )


class _Titles:
    """Rule id -> title across the library's playbooks, loaded once per Home build."""

    def __init__(self, library):
        self.library = library
        self._titles: dict[str, str] | None = None

    def __call__(self, rule_id: str) -> str:
        if self._titles is None:
            self._titles = {}
            try:
                for playbook in self.library.all() if self.library is not None else ():
                    for rule in playbook.rules:
                        self._titles.setdefault(rule.id, rule.title)
            except ValueError:
                pass
        return self._titles.get(rule_id, rule_id)


def _recent(row: dict, titles: _Titles) -> RecentReview:
    findings = json.loads(row["review_json"] or "{}").get("findings") or []
    top = max(findings, key=lambda f: f.get("penalty", 0), default=None)
    return RecentReview(
        created_at=row["created_at"],
        channel_id=row["channel_id"] or "",
        human_score=row["human_score"],
        verdict=row["verdict"] or "",
        top_issue=titles(top["rule"]) if top else "",
        snippet=row["draft"] or "",
    )


def _channel_playbook(store: Store, library, channel_id: str) -> ChannelPlaybook:
    chosen = store.channel_settings(channel_id).playbook
    try:
        playbook = library.get(chosen)
    except (ValueError, AttributeError):
        return ChannelPlaybook(channel_id, chosen or "default", "", missing=True)
    return ChannelPlaybook(channel_id, playbook.name, str(playbook.version))
