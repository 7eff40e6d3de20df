"""Getting an answer to the person who asked, whatever Slack says.

A `Place` says where an answer should go: a response_url (private, replaceable), a thread
or channel (public, `chat.update`-able), or an ephemeral message by API (private, not
editable). `send` tries that and falls back; Slack errors become a sentence the person
can act on ("invite me with /invite @Social Way"). Every failure path ends in an answer
or, when even that fails, in a log line with the request's reference — never a token.

Timeouts: a call whose answer never came (a read timeout) may have worked on Slack's
side, so the rule is *never deliver the same thing twice*: a timed-out answer is not
sent again another way (no ephemeral or DM after a response_url, no new message after a
chat.update) and gets no "something went wrong". A response_url post that timed out is
taken as delivered (the AI version still replaces it); a chat.postMessage that timed out
gets one private line saying it may not have arrived. slack_sdk's retry handlers retry
connection errors (nothing was sent), never a read timeout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack import blocks as kit
from bot.slack.installs import NOT_INSTALLED, NotInstalled

log = logging.getLogger("socialway.slack")

TOO_LONG = {"msg_too_long", "invalid_blocks", "invalid_blocks_format"}


@dataclass(frozen=True)
class Place:
    """Where an answer for `user_id` goes, and how."""

    user_id: str
    channel_id: str = ""
    response_url: str | None = None
    public: bool = False  # True: chat.postMessage (in `thread_ts` when given)
    thread_ts: str | None = None
    ref: str = ""  # request or event id, for logs
    team_id: str = ""  # the workspace: its bot token makes the calls (multi-workspace)

    @property
    def replaceable(self) -> bool:
        return bool(self.public or self.response_url)


@dataclass(frozen=True)
class Sent:
    """What `send` did: `kind` is response_url, message or ephemeral."""

    kind: str
    channel_id: str = ""
    ts: str = ""

    @property
    def replaceable(self) -> bool:
        return self.kind in ("response_url", "message")


class DeliveryError(Exception):
    """Slack refused an answer; `code` is Slack's error string."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def friendly(code: str, channel_id: str = "", ref: str = "") -> str:
    """What to tell a person when Slack refused with `code`."""
    where = f"<#{channel_id}>" if channel_id.startswith(("C", "G")) else "that channel"
    if code == "not_in_channel":
        return f"I'm not in {where} yet — invite me with `/invite @Social Way` and try again."
    if code in ("channel_not_found", "no_permission", "access_denied"):
        return (
            f"I can't see {where}. If it's a private channel or a DM, invite me with "
            "`/invite @Social Way` first, or try `/socialway` in a public channel."
        )
    if code == "is_archived":
        return f"{where.capitalize()} is archived, so I can't post there."
    if code in ("ratelimited", "rate_limited"):
        return "Slack is asking me to slow down right now — please try again in a minute."
    if code == "not_installed":
        return NOT_INSTALLED
    if code == "missing_scope":  # an install made before the app asked for the scope
        return (
            f"Slack hasn't given me permission to read {where} (the app was installed before "
            "it asked for it): a workspace admin can reinstall Social Way to grant it."
        )
    if code in ("restricted_action", "restricted_action_read_only_channel"):
        return f"I'm not allowed to post in {where}; a workspace admin can change that."
    if code == "timeout":
        suffix = f" (ref {ref})" if ref else ""
        return (
            "Slack was slow to confirm my answer, so it may not have arrived — if you don't "
            f"see it, please ask again{suffix}."
        )
    suffix = f" (ref {ref})" if ref else ""
    return f"Sorry — something went wrong on my side and I couldn't finish that{suffix}."


def timed_out(error: BaseException) -> bool:
    """Slack got the request but its answer never came: it may have acted on it."""
    return isinstance(error, TimeoutError)  # socket.timeout is TimeoutError


def error_code(error: Exception) -> str:
    if timed_out(error):
        return "timeout"
    if isinstance(error, DeliveryError):
        return error.code
    if isinstance(error, NotInstalled):
        return "not_installed"
    if isinstance(error, SlackApiError):
        data = getattr(error.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        if getattr(error.response, "status_code", 0) == 429:
            return "ratelimited"
    return "unexpected"


# -- sending ---------------------------------------------------------------------------


def send(deps, place: Place, message: dict, compact: dict | None = None) -> Sent | None:
    """Deliver `message` to `place`; on too-long, the `compact` form; None if nothing worked.

    When nothing worked the person has already been told why (or, failing even that, the
    reason is logged with the reference).
    """
    try:
        return _send_once(deps, place, message, compact)
    except (SlackApiError, SlackClientError, DeliveryError, OSError) as error:
        code = error_code(error)
        _log_refusal(place, "send", code, error)
        if code == "timeout":  # it may have landed: a note, never a second copy
            tell(deps, replace(place, response_url=None), friendly(code, ref=place.ref))
            return None
        if place.public and code in ("not_in_channel", "channel_not_found", "is_archived"):
            # a public answer that can't land: tell the person privately, with the review
            private = replace(place, public=False, thread_ts=None)
            note = kit.with_feedback(compact or message, friendly(code, place.channel_id))
            try:
                return _send_once(deps, private, note, None)
            except (SlackApiError, SlackClientError, DeliveryError, OSError) as again:
                _log_refusal(place, "send-private", error_code(again), again)
        tell(deps, place, friendly(code, place.channel_id, place.ref))
        return None


def _send_once(deps, place: Place, message: dict, compact: dict | None) -> Sent:
    try:
        return _deliver(deps, place, message)
    except (SlackApiError, DeliveryError) as error:
        if compact is None or error_code(error) not in TOO_LONG:
            raise
        return _deliver(deps, place, compact)


def _deliver(deps, place: Place, message: dict) -> Sent:
    if place.public:
        response = deps.client_for(place.team_id).chat_postMessage(
            channel=place.channel_id,
            thread_ts=place.thread_ts,
            blocks=message["blocks"],
            text=message["text"],
            unfurl_links=False,
            unfurl_media=False,
        )
        return Sent("message", response["channel"], response["ts"])
    if place.response_url:
        try:
            _webhook(deps, place.response_url, message, replace_original=False)
            return Sent("response_url", place.channel_id)
        except (DeliveryError, SlackClientError, OSError) as error:
            if error_code(error) in TOO_LONG:
                raise
            _log_refusal(place, "response_url", error_code(error), error)
            if timed_out(error):  # it may well have landed: not sent again another way
                return Sent("response_url", place.channel_id)
    return _ephemeral_or_dm(deps, place, message)


def _ephemeral_or_dm(deps, place: Place, message: dict) -> Sent:
    """chat.postEphemeral in the channel; if Slack refuses, a DM from the app instead."""
    if place.channel_id:
        try:
            deps.client_for(place.team_id).chat_postEphemeral(
                channel=place.channel_id,
                user=place.user_id,
                blocks=message["blocks"],
                text=message["text"],
                thread_ts=place.thread_ts,
            )
            return Sent("ephemeral", place.channel_id)
        except SlackApiError as error:
            if error_code(error) in TOO_LONG:
                raise
            _log_refusal(place, "postEphemeral", error_code(error), error)
    response = deps.client_for(place.team_id).chat_postMessage(
        channel=place.user_id, blocks=message["blocks"], text=message["text"], unfurl_links=False
    )
    return Sent("message", response["channel"], response["ts"])


def _webhook(deps, url: str, message: dict, *, replace_original: bool) -> None:
    payload = {"blocks": message["blocks"], "text": message["text"]}
    if replace_original:
        response = deps.webhook(url).send(replace_original=True, **payload)
    else:
        response = deps.webhook(url).send(
            response_type="ephemeral", replace_original=False, **payload
        )
    if response.status_code != 200:
        body = (response.body or "").strip()
        raise DeliveryError(body if body and len(body) < 60 else f"http_{response.status_code}")


def replace_message(
    deps, place: Place, sent: Sent, message: dict, compact: dict | None = None, *, resend=True
) -> bool:
    """Swap an answer already sent for a better one (the LLM review after the rules one);
    True when it was swapped (or, for an ephemeral, followed).

    When the first answer can't be swapped (a response_url expired, the message was
    deleted, chat.update refused), `resend` sends the better one as a new answer instead —
    in the thread for a public place, privately otherwise; without `resend` the person
    is told why. A swap that timed out may have happened: it is neither resent nor
    apologised for (see `send`).
    """
    try:
        _replace_once(deps, place, sent, message, compact)
        return True
    except (SlackApiError, SlackClientError, DeliveryError, OSError) as error:
        code = error_code(error)
        _log_refusal(place, "replace", code, error)
        if timed_out(error):
            return False
        if resend and sent.replaceable:
            send(deps, replace(place, response_url=None), message, compact)
        else:
            tell(deps, place, friendly(code, place.channel_id, place.ref))
        return False


def _replace_once(deps, place: Place, sent: Sent, message: dict, compact: dict | None) -> None:
    if sent.kind == "message":
        try:
            _update(deps, place, sent, message)
        except SlackApiError as error:
            if compact is None or error_code(error) not in TOO_LONG:
                raise
            _update(deps, place, sent, compact)
    elif sent.kind == "response_url" and place.response_url:
        try:
            _webhook(deps, place.response_url, message, replace_original=True)
        except DeliveryError as error:
            if compact is None or error.code not in TOO_LONG:
                raise
            _webhook(deps, place.response_url, compact, replace_original=True)
    else:  # an ephemeral sent by API can't be edited: the better version follows it
        _send_once(deps, replace(place, response_url=None), message, compact)


def _update(deps, place: Place, sent: Sent, message: dict) -> None:
    deps.client_for(place.team_id).chat_update(
        channel=sent.channel_id, ts=sent.ts, blocks=message["blocks"], text=message["text"]
    )


def tell(deps, place: Place, text: str) -> bool:
    """A short private note to the person: response_url, else ephemeral, else DM."""
    message = kit.notice(text)
    if place.response_url:
        try:
            _webhook(deps, place.response_url, message, replace_original=False)
            return True
        except (DeliveryError, SlackClientError, OSError) as error:
            _log_refusal(place, "tell-response_url", error_code(error), error)
            if timed_out(error):  # may have landed: not repeated another way
                return True
    try:
        _ephemeral_or_dm(deps, place, message)
        return True
    except (SlackApiError, SlackClientError, OSError) as error:
        _log_refusal(place, "tell", error_code(error), error)
        return False


def _log_refusal(place: Place, step: str, code: str, error: Exception) -> None:
    log.warning(
        "slack refused %s: %s (ref=%s channel=%s user=%s) %s",
        step,
        code,
        place.ref,
        place.channel_id,
        place.user_id,
        type(error).__name__,
    )
