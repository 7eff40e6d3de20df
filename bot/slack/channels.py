"""What kind of conversation a channel is, asked of Slack rather than read from its id.

A channel id's first letter doesn't say whether it is public: a private channel converted
from public keeps its C id, and group DMs have had G and C ids. `conversations.info` does
(`is_im`, `is_mpim`, `is_private`); reading a private channel's needs `groups:read`, which
the manifest asks for. Watch mode and the weekly digest work in channels, public or
private (the bot must be in them); DMs and group DMs have neither.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNEL_KINDS = ("public", "private")  # where watch mode and the digest can be switched on
CHANNELS_ONLY = (
    "Watch mode and the weekly digest work in channels (public or private), not in DMs or "
    "group DMs."
)
NEEDS_SCOPE = (
    "Slack hasn't given me permission to look at this channel (the app was installed "
    "before it asked for it): a workspace admin can reinstall Social Way to grant it."
)


@dataclass(frozen=True)
class ChannelInfo:
    kind: str  # "public", "private", "mpim" (a group DM) or "im" (a DM)
    bot_is_member: bool


def channel_info(client, channel_id: str) -> ChannelInfo:
    """One conversations.info; Slack's errors (channel_not_found for a private channel the
    bot isn't in, missing_scope on an old install) are raised as slack_sdk raises them."""
    channel = client.conversations_info(channel=channel_id).get("channel") or {}
    if channel.get("is_im"):
        kind = "im"
    elif channel.get("is_mpim"):
        kind = "mpim"
    elif channel.get("is_private") or channel.get("is_group"):
        kind = "private"
    else:
        kind = "public"
    return ChannelInfo(kind, bool(channel.get("is_member")))
