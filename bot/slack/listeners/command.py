"""`/socialway`: a draft to review, nothing (the form), or an exact sub-command.

Sub-commands live in `SUBCOMMANDS` (name -> `Subcommand`), so another surface adds
`settings` or `digest` with one entry. A word is a sub-command only in an exact form it
accepts (`watch on`, not "watch out for our sale!"): anything else is a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from bot.slack.deps import BUSY
from bot.slack.flow import Ask, channel_settings, review_and_answer
from bot.slack.listeners.common import ref_of
from bot.slack.listeners.digest import preview_digest
from bot.slack.listeners.settings import open_settings
from bot.slack.replies import Place, error_code, friendly, tell
from bot.slack.text import plain


@dataclass(frozen=True)
class CommandCall:
    """The parts of a slash command payload the sub-commands use."""

    user_id: str
    channel_id: str
    team_id: str
    text: str  # the rest after the sub-command word
    trigger_id: str
    place: Place
    bot_user_id: str = ""


@dataclass(frozen=True)
class Subcommand:
    run: Callable  # run(deps, call) -> None, in the work pool
    accepts: tuple[str, ...] = ("",)  # the exact (lower-case) rests this form takes
    help: str = ""


WATCH_NEEDS_BOT = (
    "I'm not in <#{channel}> yet, so I can't watch it — invite me with `/invite @Social Way`, "
    "then run `/socialway watch on` again."
)


def show_help(deps, call: CommandCall) -> None:
    extra = [s.help for s in SUBCOMMANDS.values() if s.help]
    tell(deps, call.place, kit.help_text([*extra, ai_line(deps, call.channel_id)]))


def ai_line(deps, channel_id: str) -> str:
    """Whether drafts from this channel go to the AI engine (the per-channel switch)."""
    if not deps.reviewer.wants_llm(ReviewRequest(text="-")):
        return "• AI rewrites: not set up — reviews come from the rules engine."
    if channel_settings(deps, channel_id).llm_allowed:
        return (
            "• AI rewrites: *on* here — drafts go to the AI engine (emails, phone and card "
            "numbers masked). `/socialway settings` turns it off for this channel."
        )
    return (
        "• AI rewrites: *off* here — drafts from this channel stay with the rules engine. "
        "`/socialway settings` changes it."
    )


def toggle_watch(deps, call: CommandCall) -> None:
    want = call.text.lower()
    if not call.channel_id.startswith("C"):
        tell(deps, call.place, "Watch mode works in public channels: try it in one of those.")
        return
    if want not in ("on", "off"):
        state = "on" if deps.store.channel_settings(call.channel_id).watch else "off"
        tell(deps, call.place, f"Watch mode is *{state}* here. Use `/socialway watch on|off`.")
        return
    try:
        members = channel_members(
            deps, call.channel_id, {call.user_id, call.bot_user_id}, team_id=call.team_id
        )
    except Exception as error:
        tell(deps, call.place, friendly(error_code(error), call.channel_id, call.place.ref))
        return
    if call.user_id not in members:
        tell(deps, call.place, "Only members of this channel can change its watch mode.")
        return
    if want == "on" and call.bot_user_id and call.bot_user_id not in members:
        tell(deps, call.place, WATCH_NEEDS_BOT.format(channel=call.channel_id))
        return
    deps.store.update_channel_settings(
        call.channel_id, watch=want == "on", updated_by=call.user_id, team_id=call.team_id
    )
    if want == "off":
        tell(deps, call.place, "Watch mode is off: I'll only review when asked.")
        return
    note = (
        "Watch mode is on: every new top-level message in this channel gets a review in its "
        "thread (bots, edits and thread replies are skipped). `/socialway watch off` stops it."
    )
    tell(deps, call.place, note)


def channel_members(deps, channel_id: str, wanted: set[str], *, team_id: str = "") -> set[str]:
    """Which of `wanted` are members (pages through conversations.members, stops early)."""
    found: set[str] = set()
    cursor = None
    client = deps.client_for(team_id)
    for _ in range(100):  # 100 pages of 1,000: bounded even for the largest channels
        page = client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
        found |= wanted & set(page.get("members") or [])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if found >= wanted - {""} or not cursor:
            break
    return found


def open_form(deps, call: CommandCall) -> None:
    default = deps.store.channel_settings(call.channel_id).playbook
    view = kit.review_modal(
        deps.playbooks.all(), channel_id=call.channel_id, team_id=call.team_id, default=default
    )
    try:
        deps.client_for(call.team_id).views_open(trigger_id=call.trigger_id, view=view)
    except Exception as error:
        tell(deps, call.place, friendly(error_code(error), call.channel_id, call.place.ref))


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand(show_help),
    "watch": Subcommand(toggle_watch, ("", "on", "off")),
    "settings": Subcommand(
        open_settings, help="• `/socialway settings` — this channel's playbook, watch mode, digest."
    ),
    "digest": Subcommand(
        preview_digest,
        ("", "preview"),
        help="• `/socialway digest` — preview this channel's weekly digest.",
    ),
}


def register(app, deps) -> None:
    @app.command("/socialway")
    def handle_socialway(ack, body, context):
        text = (body.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        call = CommandCall(
            user_id=body.get("user_id", ""),
            channel_id=body.get("channel_id", ""),
            team_id=body.get("team_id", ""),
            text=rest.strip(),
            trigger_id=body.get("trigger_id", ""),
            place=Place(
                user_id=body.get("user_id", ""),
                channel_id=body.get("channel_id", ""),
                response_url=body.get("response_url"),
                ref=ref_of(body),
                team_id=body.get("team_id", ""),
            ),
            bot_user_id=context.get("bot_user_id") or "",
        )
        sub = SUBCOMMANDS.get(word.lower())
        if not text:
            accepted = deps.submit(open_form, deps, call, place=call.place)
        elif sub is not None and call.text.lower() in sub.accepts:
            accepted = deps.submit(sub.run, deps, call, place=call.place)
        else:
            ask = Ask(draft=plain(text), place=call.place, surface="command", team_id=call.team_id)
            accepted = deps.submit(review_and_answer, deps, ask, place=call.place)
        ack() if accepted else ack(text=BUSY)
