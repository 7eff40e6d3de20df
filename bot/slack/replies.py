"""Getting an answer to the person who asked, whatever Slack says.

A `Place` says where an answer should go: a response_url (private, replaceable), a thread
or channel (public, `chat.update`-able), or an ephemeral message by API (private, not
editable). `send` tries that and falls back; Slack errors become a sentence the person
can act on ("invite me with /invite @Social Way"). Every failure path ends in an answer
or, when even that fails, in a log line with the request's reference — never a token.

Timeouts and resets: a call whose answer never came (a read timeout, a connection reset
after the request went out) may have worked on Slack's side, so the rule is *never
deliver the same thing twice*: it is not sent again another way (no ephemeral or DM after
a response_url, no new message after a chat.update) and gets no "something went wrong".
A response_url post cut off like that is sent again a little later with
`replace_original`, so what landed is replaced, not doubled (the same for a job taken
over from a process that died). A public post carries message metadata naming its job;
cut off, the job runs again a moment later and first looks in the thread for that stamp
— found, it is not posted again. slack_sdk's retry handler retries only what surely wasn't sent.

Waiting: inside a job (bot.jobs), a 429 or a 5xx from Slack is not answered with an
apology at once: the job waits for the Retry-After (or a backoff) and tries again; only
when its attempts run out is the person told — that Slack refused, in those words.
"""

from __future__ import annotations

import http.client
import logging
import re
from dataclasses import dataclass, replace
from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.jobs import Later, current
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

    def __init__(self, code: str, retry_after: float | None = None):
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


# what a call to Slack can fail with (a connection cut mid-answer can be an HTTPException)
FAILURES = (SlackApiError, SlackClientError, DeliveryError, OSError, http.client.HTTPException)
STAMP = "socialway_answer"  # message metadata event_type on public answers (send once)
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds a job waits after a 5xx, by attempt


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
    if code in ("restricted_action", "restricted_action_read_only_channel"):
        return f"I'm not allowed to post in {where}; a workspace admin can change that."
    suffix = f" (ref {ref})" if ref else ""
    if code == "timeout":
        return (
            "Slack was slow to confirm my answer, so it may not have arrived — if you don't "
            f"see it, please ask again{suffix}."
        )
    if code.startswith("http_5"):
        return (
            f"Slack kept failing (HTTP {code[5:]}) when I tried to answer, so your review "
            f"didn't get through — please try again in a minute{suffix}."
        )
    if code == "too_many_attempts":
        return f"I tried several times and couldn't finish that — please ask again{suffix}."
    if code != "unexpected":  # Slack's own word for it, shown as a plain code
        shown = re.sub(r"[^A-Za-z0-9_.-]", "", code)[:40] or "no reason given"
        return f"Slack refused my answer ({shown}) — please try again{suffix}."
    return f"Sorry — something went wrong on my side and I couldn't finish that{suffix}."


def timed_out(error: BaseException) -> bool:
    """Slack got the request but its answer never came: it may have acted on it.

    A read timeout, or the connection reset or closed after the request was written (urllib
    wraps failures before that point in URLError: those surely weren't sent)."""
    if isinstance(error, URLError):
        return False
    return isinstance(error, (TimeoutError, ConnectionError, http.client.HTTPException))


def retry_after(error: BaseException) -> float | None:
    """Slack's Retry-After (seconds) on a 429, else None."""
    if isinstance(error, DeliveryError):
        return error.retry_after
    response = getattr(error, "response", None)
    if getattr(response, "status_code", 0) != 429:
        return None
    for name, value in (getattr(response, "headers", None) or {}).items():
        if name.lower() == "retry-after":
            try:
                return float(value[0] if isinstance(value, list) else value)
            except (TypeError, ValueError):
                break
    return 1.0


def later_if_transient(error: BaseException) -> None:
    """Inside a job: raise `Later` for what waiting cures (a 429 after its Retry-After, a
    5xx after a backoff) so the job runs again without holding a thread meanwhile."""
    job = current()
    if job is None:
        return
    code = error_code(error)
    wait = retry_after(error)
    if wait is not None or code in ("ratelimited", "rate_limited"):
        raise Later(wait if wait is not None else 1.0, "ratelimited")
    if code.startswith("http_5"):
        raise Later(BACKOFF[min(job.attempts, len(BACKOFF)) - 1], code)


def error_code(error: Exception) -> str:
    if timed_out(error):
        return "timeout"
    if isinstance(error, DeliveryError):
        return error.code
    if isinstance(error, NotInstalled):
        return "not_installed"
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 0)
        if status == 429:
            return "ratelimited"
        if status >= 500:  # Slack's own trouble (its body is a page, not an error code)
            return f"http_{status}"
        data = getattr(error.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        if status and status != 200:
            return f"http_{status}"
    return "unexpected"


# -- sending ---------------------------------------------------------------------------


def send(deps, place: Place, message: dict, compact: dict | None = None) -> Sent | None:
    """Deliver `message` to `place`; on too-long, the `compact` form; None if nothing worked.

    When nothing worked the person has already been told why (or, failing even that, the
    reason is logged with the reference).
    """
    try:
        return _send_once(deps, place, message, compact)
    except FAILURES as error:
        code = error_code(error)
        _log_refusal(place, "send", code, error)
        later_if_transient(error)
        if code == "timeout" and place.public and current() is not None:
            # the rerun looks for it before posting: after long enough for a slow Slack to
            # have finished with it (twice the time we waited for its answer)
            current().payload["_maybe_sent"] = True
            raise Later(2 * deps.settings.slack_timeout + 1, "timeout") from error
        if code == "cant_check":  # it may have gone out, and Slack won't let us look
            tell(deps, replace(place, public=False), friendly("timeout", ref=place.ref))
            return None
        if code == "timeout":  # it may have landed: a note, never a second copy
            tell(deps, replace(place, response_url=None), friendly(code, ref=place.ref))
            return None
        if place.public and code in ("not_in_channel", "channel_not_found", "is_archived"):
            # a public answer that can't land: tell the person privately, with the review
            private = replace(place, public=False, thread_ts=None)
            note = kit.with_feedback(compact or message, friendly(code, place.channel_id))
            try:
                return _send_once(deps, private, note, None)
            except FAILURES as again:
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
        job = current()
        if job is not None and (job.recovered or job.payload.get("_maybe_sent")):
            # it may have gone out before (cut off, or its process died): look first
            found = _stamped(deps, place, job.id)
            if found is not None:
                return found
        response = deps.client_for(place.team_id).chat_postMessage(
            channel=place.channel_id,
            thread_ts=place.thread_ts,
            blocks=message["blocks"],
            text=message["text"],
            unfurl_links=False,
            unfurl_media=False,
            **({"metadata": _stamp(job.id)} if job is not None else {}),
        )
        return Sent("message", response["channel"], response["ts"])
    if place.response_url:
        job = current()
        # it may have gone out before (cut off, or its process died): replace, don't add
        again = job is not None and (job.recovered or bool(job.payload.get("_maybe_sent")))
        try:
            _webhook(deps, place.response_url, message, replace_original=again)
            return Sent("response_url", place.channel_id)
        except FAILURES as error:
            if error_code(error) in TOO_LONG:
                raise
            _log_refusal(place, "response_url", error_code(error), error)
            later_if_transient(error)  # in a job: the same response_url, a little later
            if timed_out(error) and job is not None:  # again later, replacing what landed
                job.payload["_maybe_sent"] = True
                raise Later(2 * deps.settings.slack_timeout + 1, "timeout") from error
            if timed_out(error):  # it may well have landed: not sent again another way
                return Sent("response_url", place.channel_id)
    return _ephemeral_or_dm(deps, place, message)


def _stamp(job_id: str) -> dict:
    return {"event_type": STAMP, "event_payload": {"job": job_id}}


def _stamped(deps, place: Place, job_id: str) -> Sent | None:
    """The bot's message in the thread (or channel) stamped with `job_id`, if one went out.

    When Slack can't be reached, the job waits and looks again; when it refuses the look
    (DeliveryError "cant_check"), the person is told it may have arrived: never posted blind."""
    client = deps.client_for(place.team_id)
    try:
        if place.thread_ts:
            page = client.conversations_replies(
                channel=place.channel_id, ts=place.thread_ts, limit=200, include_all_metadata=True
            )
        else:
            page = client.conversations_history(
                channel=place.channel_id, limit=50, include_all_metadata=True
            )
    except FAILURES as error:
        code = error_code(error)
        _log_refusal(place, "look-for-sent", code, error)
        if code == "thread_not_found":
            return None
        later_if_transient(error)
        if timed_out(error) or isinstance(error, URLError):
            raise Later(2.0, "timeout") from error
        raise DeliveryError("cant_check") from error
    for message in page.get("messages") or []:
        meta = message.get("metadata") or {}
        if (
            meta.get("event_type") == STAMP
            and (meta.get("event_payload") or {}).get("job") == job_id
        ):
            log.info("answer of job %s was already posted (ref=%s); not again", job_id, place.ref)
            return Sent("message", place.channel_id, message.get("ts", ""))
    return None


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
    if response.status_code == 429:
        wait = next(
            (v for k, v in (response.headers or {}).items() if k.lower() == "retry-after"), "1"
        )
        try:
            wait = float(wait[0] if isinstance(wait, list) else wait)
        except (TypeError, ValueError):
            wait = 1.0
        raise DeliveryError("ratelimited", retry_after=wait)
    if response.status_code >= 500:
        raise DeliveryError(f"http_{response.status_code}")
    if response.status_code != 200:
        body = (response.body or "").strip()
        plain_code = body if body and len(body) < 60 and body.isprintable() else ""
        raise DeliveryError(plain_code or f"http_{response.status_code}")


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
    except FAILURES as error:
        code = error_code(error)
        _log_refusal(place, "replace", code, error)
        later_if_transient(error)
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
        except FAILURES as error:
            _log_refusal(place, "tell-response_url", error_code(error), error)
            if timed_out(error):  # may have landed: not repeated another way
                return True
    try:
        _ephemeral_or_dm(deps, place, message)
        return True
    except FAILURES as error:
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
