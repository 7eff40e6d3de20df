"""The App Home tab as Block Kit: a pure function of `HomeData`, so it is tested without Slack.

Slack's limits for a Home view: at most 100 blocks, 3,000 characters a section, 150 a
header. Everything a person or a playbook wrote is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.sparkline import sparkline
from bot.slack.blocks import context, plain_text, section
from bot.slack.text import escape, escaped_within

MAX_BLOCKS = 100
RECENT_SHOWN = 10
SNIPPET = 70
HOW_TO = (
    "*How to use Social Way*\n"
    "1. `/socialway &lt;draft&gt;` — a private review of any draft, with a more human rewrite.\n"
    "2. `@Social Way &lt;draft&gt;` in a channel, or the message menu → *Review with Social Way*.\n"
    "3. `/socialway settings` in a channel — its playbook, watch mode and weekly digest.\n"
    "4. Send me a direct message (or open me in the assistant panel) — paste a draft, then "
    "keep talking: *shorter*, *for LinkedIn*, *why?*, or the next version."
)
CONVERSATIONS_SHOWN = 5
SURFACES = {"dm": "a direct message", "assistant": "the assistant panel", "thread": "a thread"}


@dataclass(frozen=True)
class RecentReview:
    created_at: float
    channel_id: str
    human_score: int
    verdict: str
    top_issue: str  # a rule title, "" when the draft had no findings
    snippet: str  # the start of the draft, "" once retention erased it


@dataclass(frozen=True)
class RecentConversation:
    updated_at: float
    surface: str  # dm | assistant | thread
    channel_id: str
    title: str  # the start of the current draft ("" when none yet)
    score: int | None  # the last review's human score


@dataclass(frozen=True)
class ChannelPlaybook:
    channel_id: str
    name: str
    version: str
    missing: bool = False  # the channel names a playbook the server no longer has


@dataclass(frozen=True)
class HomeData:
    user_id: str
    recent: tuple[RecentReview, ...]
    trend: tuple[float | None, ...]  # weekly averages, oldest first
    playbooks: tuple[ChannelPlaybook, ...]
    default_playbook: str = ""
    retention_days: int = 30
    conversations: tuple[RecentConversation, ...] = ()


def _when(created_at: float) -> str:
    """A date Slack shows in the viewer's own timezone (with a plain fallback)."""
    stamp = int(created_at)
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|recently>"


def _channel(channel_id: str) -> str:
    if channel_id[:1] in ("C", "G") and channel_id.isalnum():
        return f"<#{channel_id}>"
    return "a direct message" if channel_id[:1] == "D" else "Slack"


def _recent_line(r: RecentReview) -> str:
    issue = f" · top issue: {escaped_within(r.top_issue, 80)}" if r.top_issue else ""
    line = f"*{r.human_score}* · {escape(r.verdict)}{issue}\n"
    line += f"{_when(r.created_at)} in {_channel(r.channel_id)}"
    if r.snippet:
        flat = " ".join(r.snippet.split())
        line += f" · _{escaped_within(flat, SNIPPET)}_"
    return line


def _trend(data: HomeData) -> str:
    scored = [v for v in data.trend if v is not None]
    if not scored:
        return (
            "*Your score trend*\nNo reviews in the last few weeks — try `/socialway` with a draft."
        )
    latest = round(scored[-1])
    return (
        f"*Your score trend*  `{sparkline(data.trend)}`  last {len(data.trend)} weeks · "
        f"latest week *{latest}*"
    )


def _playbooks(data: HomeData) -> str:
    lines = ["*Playbooks in your channels*"]
    for p in data.playbooks[:20]:
        if p.missing:
            lines.append(f"• {_channel(p.channel_id)} — `{escaped_within(p.name, 60)}` (not found)")
        else:
            version = f" (v{escaped_within(p.version, 20)})" if p.version else ""
            lines.append(f"• {_channel(p.channel_id)} — {escaped_within(p.name, 80)}{version}")
    if len(lines) == 1:
        default = escaped_within(data.default_playbook or "the default playbook", 80)
        lines.append(f"Your reviews will use {default} until a channel picks another.")
    return "\n".join(lines)


def _conversations(data: HomeData) -> str:
    lines = ["*Your conversations*"]
    for c in data.conversations[:CONVERSATIONS_SHOWN]:
        where = SURFACES.get(c.surface, "Slack")
        if c.surface == "thread":
            where = f"a thread in {_channel(c.channel_id)}"
        score = f"*{c.score}* · " if c.score is not None else ""
        draft = f" · _{escaped_within(c.title, SNIPPET)}_" if c.title else ""
        lines.append(f"• {score}{_when(c.updated_at)} in {where}{draft}")
    return "\n".join(lines)


def home_view(data: HomeData) -> dict:
    """The `home` view for views.publish."""
    blocks: list[dict] = [
        {"type": "header", "text": plain_text("Social Way", 150)},
        section(HOW_TO, "home-how-to"),
        {"type": "divider"},
        section(_trend(data), "home-trend"),
    ]
    if data.recent:
        blocks.append(section("*Your recent reviews*", "home-recent"))
        for n, review in enumerate(data.recent[:RECENT_SHOWN]):
            blocks.append(section(_recent_line(review), f"home-recent-{n}"))
    else:
        blocks.append(
            section("*Your recent reviews*\nNothing yet: your reviews show up here.", "home-recent")
        )
    if data.conversations:
        blocks.append(section(_conversations(data), "home-conversations"))
    blocks += [
        {"type": "divider"},
        section(_playbooks(data), "home-playbooks"),
        context(
            f"Drafts are erased after {data.retention_days} days; scores stay for your trend. "
            "Only you can see this page.",
            "home-privacy",
        ),
    ]
    return {"type": "home", "callback_id": "socialway-home", "blocks": blocks[:MAX_BLOCKS]}
