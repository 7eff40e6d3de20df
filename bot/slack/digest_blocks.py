"""A `Digest` as a Slack message: Block Kit and its one-line notification text.

Pure functions of the `Digest` (its words: bot/digest/render.py): no store, no network.
Every piece of text a person or a playbook wrote is escaped (`&`, `<`, `>`, and
@here/@channel/@everyone made inert). A digest mentions no one: it comes every week, and a
mention there would ping each person thanked (the thanks say how many asked, not who); the
only link is the channel's own.
"""

from __future__ import annotations

import re

from bot.digest.aggregate import Digest, Issue
from bot.digest.render import QUOTE_LIMIT, WHY_LIMIT, change_phrase, drafts, score_phrase
from bot.digest.sparkline import sparkline
from bot.slack.blocks import context, plain_text, section
from bot.slack.text import escape, escaped_within

SETTINGS_HINT = "Change the day or hour, or turn this off, with `/socialway settings`."
_CHANNEL = re.compile(r"[CG][A-Z0-9]{2,}")


def channel_ref(channel_id: str) -> str:
    """`<#C123>` for a real channel id, otherwise the id escaped as plain text."""
    return f"<#{channel_id}>" if _CHANNEL.fullmatch(channel_id or "") else escape(channel_id)


def quiet_line(digest: Digest) -> str:
    return (
        f"A quiet week in {channel_ref(digest.channel_id)} ({digest.week.label()}): no drafts "
        "reviewed. Try `/socialway` with your next post — it takes a second."
    )


def digest_message(digest: Digest) -> dict:
    """`{"text": ..., "blocks": [...]}` for chat.postMessage (metadata is added by the poster)."""
    if digest.quiet:
        line = quiet_line(digest)
        return {"text": line, "blocks": [section(line, "digest-quiet")]}
    blocks = [
        {
            "type": "header",
            "block_id": "digest-header",
            "text": plain_text("Your week in Social Way", 150),
        },
        context(f"{channel_ref(digest.channel_id)} · {digest.week.label()}", "digest-week"),
        section(_stats(digest), "digest-stats"),
        section(_issues(digest.issues), "digest-issues"),
    ]
    if digest.before_after:
        blocks.append(section(_before_after(digest), "digest-before-after"))
    if digest.askers:
        blocks.append(section(_thanks(digest.askers), "digest-thanks"))
    if digest.retune:
        blocks.append(section(_retune(digest), "digest-retune"))
    blocks.append(context(SETTINGS_HINT, "digest-settings"))
    return {"text": fallback_text(digest), "blocks": blocks}


def fallback_text(digest: Digest) -> str:
    """The notification text: one line, no markup that could ping."""
    if digest.quiet:
        return quiet_line(digest)
    return (
        f"Social Way weekly digest for {channel_ref(digest.channel_id)}: "
        f"{drafts(digest.reviewed)} reviewed, average human score {round(digest.average or 0)}."
    )


def _stats(digest: Digest) -> str:
    return (
        f"*{drafts(digest.reviewed)} reviewed* — "
        f"{change_phrase(digest.reviewed, digest.reviewed_before)}\n"
        f"Average human score *{score_phrase(digest)}*   "
        f"`{sparkline(digest.trend)}` last {len(digest.trend)} weeks"
    )


def _issues(issues: tuple[Issue, ...]) -> str:
    if not issues:
        return "*No common issues this week* — the drafts read like people. :tada:"
    title = "The most common issue" if len(issues) == 1 else "The most common issues"
    parts = [f"*{title}*"]
    for n, issue in enumerate(issues, 1):
        lines = [f"*{n}. {escaped_within(issue.title, 80)}* — in {drafts(issue.drafts)}"]
        if issue.why:
            lines.append(f"_Why:_ {escaped_within(issue.why, WHY_LIMIT)}")
        if issue.tip:
            lines.append(f"_Tip:_ {escaped_within(issue.tip, WHY_LIMIT)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _quote(text: str) -> str:
    body = escaped_within(text.strip(), QUOTE_LIMIT)
    return "\n".join("> " + line if line.strip() else ">" for line in body.split("\n"))


def _before_after(digest: Digest) -> str:
    pair = digest.before_after
    scores = f"score {pair.score_before}"
    if pair.score_after is not None:
        scores = f"score {pair.score_before} → {pair.score_after}"
    return (
        f"*A before → after that worked* ({scores})\n"
        f"*Before*\n{_quote(pair.before)}\n*After*\n{_quote(pair.after)}"
    )


def _thanks(askers: tuple[tuple[str, int], ...]) -> str:
    """Thanks without a mention: a weekly @-mention would ping people for having asked."""
    people = "the one person" if len(askers) == 1 else f"the {len(askers)} people"
    return f"*Thank you* to {people} who asked for reviews here this week. :raised_hands:"


def _retune(digest: Digest) -> str:
    lines = ["*Worth retuning?* The team keeps pushing back on these rules:"]
    for r in digest.retune[:10]:
        pushes = []
        if r.mutes:
            pushes.append(f"muted {r.mutes}×")
        if r.not_helpful:
            pushes.append(f"“not helpful” {r.not_helpful}×")
        now = " (muted here now)" if r.muted_now else ""
        lines.append(
            f"• *{escaped_within(r.title, 80)}* (`{escaped_within(r.rule, 60)}`): "
            f"{', '.join(pushes)} in the last 4 weeks{now}"
        )
    lines.append("A playbook editor could soften or disable them (see playbooks/FORMAT.md).")
    return "\n".join(lines)
