"""`/socialway digest`: this channel's digest of last week, shown only to the person asking.

A preview: it is not stamped, claimed or counted, so the weekly post still goes out.
"""

from __future__ import annotations

from bot.digest.aggregate import digest_for
from bot.digest.schedule import latest_week
from bot.digest.week import UnknownTimezone
from bot.slack.digest_blocks import digest_message
from bot.slack.replies import send, tell


def preview_digest(deps, call) -> None:
    """The `digest` sub-command (runs in the work pool)."""
    if not call.channel_id.startswith(("C", "G")):
        tell(deps, call.place, "Run `/socialway digest` in the channel you want a digest of.")
        return
    try:
        week = latest_week(deps.store, call.channel_id)
    except UnknownTimezone as error:
        tell(deps, call.place, f"{error} — fix it with `/socialway settings`.")
        return
    message = digest_message(digest_for(deps.store, call.channel_id, week, deps.reviewer))
    settings = deps.store.channel_settings(call.channel_id)
    note = "Only you can see this preview. "
    note += (
        "The weekly digest is on here."
        if settings.digest_on
        else "Turn the weekly digest on with `/socialway settings`."
    )
    message["blocks"].append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    send(deps, call.place, message)
