"""A `Digest` in words: the phrases every surface shares, and the digest as plain text.

Pure functions of the `Digest`: no store, no network, no Slack and no terminal. Block Kit
is bot/slack/digest_blocks.py; the terminal preview (bot/cli/digest.py) passes
`digest_text` its own `shown` (control characters made visible), so this module never
decides how a stored word is made safe where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.digest.aggregate import Digest
from bot.digest.sparkline import sparkline

THANKED_MAX = 15  # names the terminal preview lists before "and N others"
QUOTE_LIMIT = 600  # characters of a before or an after shown
WHY_LIMIT = 400


def change_phrase(now: int, before: int) -> str:
    """How this week's count compares with the week before, in words."""
    if before == 0:
        return "none the week before" if now else "none the week before either"
    diff = now - before
    if diff == 0:
        return "the same as the week before"
    pct = round(abs(diff) * 100 / before)
    word = "more" if diff > 0 else "fewer"
    return f"{abs(diff)} {word} than the week before ({'+' if diff > 0 else '−'}{pct}%)"


def score_phrase(digest: Digest) -> str:
    """`71`, with the change from the week before when both weeks had reviews."""
    average = round(digest.average or 0)
    previous = digest.trend[-2] if len(digest.trend) > 1 else None
    if previous is None:
        return f"{average}"
    diff = average - round(previous)
    if diff == 0:
        return f"{average} (steady)"
    return f"{average} ({'up' if diff > 0 else 'down'} {abs(diff)} from {round(previous)})"


def drafts(n: int) -> str:
    return f"{n} draft" if n == 1 else f"{n} drafts"


def _one_line(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters (an ellipsis when cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest_text(
    digest: Digest, shown: Callable[[str], str], channel_name: str | None = None
) -> str:
    """The digest as plain text; `shown(words)` makes each stored word safe where it is shown."""
    where = channel_name or digest.channel_id
    if digest.quiet:
        return (
            f"A quiet week in {where} ({digest.week.label()}): no drafts reviewed. "
            "Try /socialway with your next post — it takes a second.\n"
        )
    out = [
        f"Your week in Social Way — {where}, {digest.week.label()}",
        "",
        f"{drafts(digest.reviewed)} reviewed — "
        f"{change_phrase(digest.reviewed, digest.reviewed_before)}",
        f"Average human score {score_phrase(digest)}   {sparkline(digest.trend)}  "
        f"(last {len(digest.trend)} weeks)",
        "",
    ]
    if digest.issues:
        out.append("The most common issues:")
        for n, issue in enumerate(digest.issues, 1):
            out.append(f"  {n}. {shown(issue.title)} — in {drafts(issue.drafts)}")
            if issue.why:
                out.append(f"     Why: {shown(issue.why)}")
            if issue.tip:
                out.append(f"     Tip: {shown(issue.tip)}")
    else:
        out.append("No common issues this week.")
    pair = digest.before_after
    if pair:
        scores = f"score {pair.score_before}" + (
            f" → {pair.score_after}" if pair.score_after is not None else ""
        )
        out += ["", f"A before → after that worked ({scores}):"]
        out.append("  Before: " + shown(_one_line(pair.before, QUOTE_LIMIT)))
        out.append("  After:  " + shown(_one_line(pair.after, QUOTE_LIMIT)))
    if digest.askers:
        names = ", ".join(f"@{shown(u)}" for u, _ in digest.askers[:THANKED_MAX])
        more = len(digest.askers) - THANKED_MAX
        out += ["", f"Thank you {names}{f' and {more} others' if more > 0 else ''}."]
    if digest.retune:
        out += ["", "Worth retuning (muted or marked not helpful in the last 4 weeks):"]
        for r in digest.retune[:10]:
            out.append(
                f"  • {shown(r.title)} ({r.rule}): muted {r.mutes}×, "
                f"not helpful {r.not_helpful}×" + (" — muted here now" if r.muted_now else "")
            )
    return "\n".join(out) + "\n"
