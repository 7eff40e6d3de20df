"""`/socialway settings`: a modal for the channel's playbook, watch mode, AI use and digest.

Opened with views.open from the command; the `channel-settings` view_submission is checked
(an unknown timezone or playbook comes back as a field error, nothing is lost; so does
switching watch mode or the weekly digest on where the bot isn't a member — watch mode as
`/socialway watch on` refuses, the digest because it could never be posted there),
saved with `store.update_channel_settings`, and confirmed to the person privately.
"""

from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.week import WEEKDAYS, UnknownTimezone, zone
from bot.slack.blocks import OPTIONS_MAX, option, plain_text, section
from bot.slack.channels import CHANNEL_KINDS, CHANNELS_ONLY, NEEDS_SCOPE, channel_info
from bot.slack.listeners.common import view_metadata
from bot.slack.replies import Place, error_code, friendly, tell
from bot.store.store import ChannelSettings

log = logging.getLogger("socialway.slack")

CALLBACK_ID = "channel-settings"
WATCH_NEEDS_BOT = (
    "I'm not in this channel yet, so I can't watch it: invite me with /invite @Social Way "
    "and save again, or untick watch mode."
)
DIGEST_NEEDS_BOT = (
    "I'm not in this channel yet, so I couldn't post its weekly digest: invite me with "
    "/invite @Social Way and save again, or untick the digest."
)
WATCH_UNCHECKED = (
    "I couldn't check that I'm in this channel just now (Slack didn't answer): save again "
    "in a moment, or untick watch mode."
)
DIGEST_UNCHECKED = (
    "I couldn't check that I'm in this channel just now (Slack didn't answer): save again "
    "in a moment, or untick the digest."
)
DAMAGED_FORM = (
    "This form lost track of which channel it belongs to, so nothing was saved: close it "
    "and run /socialway settings in the channel again."
)
FLAGS = {  # checkbox value -> (ChannelSettings field, label)
    "watch": ("watch", "Watch mode: review every new top-level message here"),
    "llm": ("llm_allowed", "Let drafts from here go to the AI engine (when one is set up)"),
    "digest": ("digest_on", "Post a weekly digest here"),
}


def register(app, deps) -> None:
    @app.view(CALLBACK_ID)
    def handle_settings_submit(ack, body, view):
        meta = view_metadata(view)
        if meta is None:  # nothing saved; the person is told what to do instead
            ack(response_action="errors", errors={"flags": DAMAGED_FORM})
            return
        changes, errors = parse_submission(view["state"]["values"], deps.playbooks)
        channel_id = meta.get("channel_id") or ""
        team_id = meta.get("team_id") or (body.get("team") or {}).get("id") or ""
        if errors or not channel_id:
            ack(response_action="errors", errors=errors or {"timezone": "Channel unknown."})
            return
        problem = switch_on_problem(deps, changes, channel_id, team_id)
        if problem:  # nothing is switched on or saved; the form keeps its answers
            ack(response_action="errors", errors={"flags": problem})
            return
        user_id = body.get("user", {}).get("id", "")
        saved = deps.store.update_channel_settings(
            channel_id, updated_by=user_id, team_id=team_id, **changes
        )
        ack()
        place = Place(user_id, channel_id, ref=str(view.get("id", "")), team_id=team_id)
        deps.submit(tell, deps, place, summary(saved), place=place)


def switch_on_problem(deps, changes: dict, channel_id: str, team_id: str) -> str | None:
    """Why watch mode or the digest, being switched on, can't work here (one look at
    the channel either way), or None. Settings already on aren't checked again."""
    current = deps.store.channel_settings(channel_id)
    if changes.get("watch") and not current.watch:
        return watch_problem(deps, channel_id, team_id)
    if changes.get("digest_on") and not current.digest_on:
        problem = watch_problem(deps, channel_id, team_id)
        return {WATCH_NEEDS_BOT: DIGEST_NEEDS_BOT, WATCH_UNCHECKED: DIGEST_UNCHECKED}.get(
            problem, problem
        )
    return None


def watch_problem(deps, channel_id: str, team_id: str = "") -> str | None:
    """Why watch mode (or the digest) can't be switched on here, or None.

    One conversations.info says what the channel is (public or private channel, DM or
    group DM: never guessed from its id) and whether the bot is in it (`is_member`), not
    conversations.members: this runs before the ack, and a big channel's member list
    takes many pages.
    """
    try:
        info = channel_info(deps.ack_client_for(team_id), channel_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        code = error_code(error)
        if code in ("channel_not_found", "not_in_channel"):  # a private channel I'm not in
            return WATCH_NEEDS_BOT
        if code == "missing_scope":
            return NEEDS_SCOPE + " Or untick watch mode and the digest."
        log.warning("settings: couldn't check membership of %s (%s)", channel_id, code)
        return WATCH_UNCHECKED
    if info.kind not in CHANNEL_KINDS:
        return CHANNELS_ONLY + " Untick them here."
    return None if info.bot_is_member else WATCH_NEEDS_BOT


def open_settings(deps, call) -> None:
    """The `settings` sub-command (runs in the work pool)."""
    if not call.channel_id.startswith(("C", "G")):
        tell(deps, call.place, "Run `/socialway settings` in the channel you want to set up.")
        return
    view = settings_modal(
        deps.store.channel_settings(call.channel_id),
        deps.playbooks,
        channel_id=call.channel_id,
        team_id=call.team_id,
    )
    try:
        deps.client_for(call.team_id).views_open(trigger_id=call.trigger_id, view=view)
    except Exception as error:
        tell(deps, call.place, friendly(error_code(error), call.channel_id, call.place.ref))


def settings_modal(current: ChannelSettings, library, *, channel_id: str, team_id: str) -> dict:
    """The modal, filled with the channel's current settings."""
    playbooks = [option(p.name or p.id, p.id) for p in list(library.all())[:OPTIONS_MAX]]
    chosen = current.playbook or library.default_id
    flags = [option(label, value) for value, (_, label) in FLAGS.items()]
    on = [o for o in flags if getattr(current, FLAGS[o["value"]][0])]
    checkboxes = {"type": "checkboxes", "action_id": "flags", "options": flags}
    if on:
        checkboxes["initial_options"] = on
    days = [option(day, str(n)) for n, day in enumerate(WEEKDAYS)]
    hours = [option(f"{h:02d}:00", str(h)) for h in range(24)]
    blocks = [
        section(f"Settings for <#{channel_id}>. Everyone in the channel shares them."),
        _input("playbook", "Playbook", _select("playbook", playbooks, chosen)),
        _input("flags", "In this channel", checkboxes, optional=True),
        _input("weekday", "Digest day", _select("weekday", days, str(current.digest_weekday))),
        _input("hour", "Digest hour", _select("hour", hours, str(current.digest_hour))),
        _input(
            "timezone",
            "Timezone for the digest",
            {
                "type": "plain_text_input",
                "action_id": "timezone",
                "initial_value": current.timezone or "UTC",
                "max_length": 64,
            },
            hint="An IANA name such as Europe/London, America/New_York or UTC.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text("Channel settings", 24),
        "submit": plain_text("Save", 24),
        "close": plain_text("Cancel", 24),
        "private_metadata": json.dumps({"channel_id": channel_id, "team_id": team_id}),
        "blocks": blocks,
    }


def _select(action_id: str, options: list[dict], initial: str) -> dict:
    element = {"type": "static_select", "action_id": action_id, "options": options}
    first = next((o for o in options if o["value"] == initial), None)
    if first is not None:
        element["initial_option"] = first
    return element


def _input(block_id: str, label: str, element: dict, *, optional=False, hint=None) -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def parse_submission(values: dict, library) -> tuple[dict, dict]:
    """(changes for update_channel_settings, errors by block id) from a view's state."""

    def picked(block: str) -> str:
        chosen = (values.get(block, {}).get(block) or {}).get("selected_option") or {}
        return chosen.get("value", "")

    errors: dict[str, str] = {}
    changes: dict = {}
    playbook = picked("playbook")
    if playbook not in library.ids():
        errors["playbook"] = "Pick one of the playbooks listed."
    else:
        changes["playbook"] = playbook
    ticked = (values.get("flags", {}).get("flags") or {}).get("selected_options") or []
    ticked_values = {o.get("value") for o in ticked}
    for value, (field, _) in FLAGS.items():
        changes[field] = value in ticked_values
    for block, top in (("weekday", 6), ("hour", 23)):
        raw = picked(block)
        if raw.isdigit() and 0 <= int(raw) <= top:
            changes["digest_weekday" if block == "weekday" else "digest_hour"] = int(raw)
        else:
            errors[block] = "Pick one from the list."
    tz = ((values.get("timezone", {}).get("timezone") or {}).get("value") or "UTC").strip()
    try:
        zone(tz)
        changes["timezone"] = tz
    except UnknownTimezone as error:
        errors["timezone"] = str(error)[:150]
    return changes, errors


def summary(s: ChannelSettings) -> str:
    """One line saying what the channel is now set to."""
    digest = (
        f"weekly digest on {WEEKDAYS[s.digest_weekday]}s at {s.digest_hour:02d}:00 ({s.timezone})"
        if s.digest_on
        else "no weekly digest"
    )
    return (
        f"Saved for <#{s.channel_id}>: playbook `{s.playbook or 'default'}` · "
        f"watch mode {'on' if s.watch else 'off'} · AI engine "
        f"{'allowed' if s.llm_allowed else 'not used'} · {digest}."
    )
