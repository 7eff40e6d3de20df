"""The buttons on a review: post the rewrite, helpful / not helpful, mute a rule (and undo),
another tone. Each acks at once, then works in the pool; every press is recorded in the
store with who and when. Values carry the stored review id (`<id>` or `<id>|<rule or tone>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.review.reviewer import ReviewRequest
from bot.slack import blocks as kit
from bot.slack.flow import (
    AI_STILL_WRITING,
    Ask,
    ai_writing,
    channel_settings,
    redraw,
    review_and_answer,
    stored_options,
)
from bot.slack.listeners.common import ref_of
from bot.slack.replies import (
    TOO_LONG,
    Place,
    Sent,
    error_code,
    friendly,
    replace_message,
    send,
    tell,
)
from bot.slack.text import mention

GONE = "I can't find that review any more — run it again with `/socialway &lt;draft&gt;`."
ERASED = "That draft's text has been erased (retention), so I can't do that — run it again."
TONE_NEEDS_LLM = "Another tone needs the AI engine — ask your admin to set OPENAI_API_KEY."
TONE_NOT_HERE = "This channel keeps drafts away from the AI engine, so there's no other tone here."
VOTED_ON_ERASED = (
    "Thanks — noted. This review is older than {days} days, so its words were erased here; "
    "the message stays as it was."
)
SOMEONE_ELSES_TONE = (
    "Just for you: the draft is someone else's words, so there's no button to post this."
)
NOT_YOURS = (
    "That review is of someone else's message, so I won't post a rewrite of it — "
    "copy the words if you'd like to suggest them."
)


@dataclass(frozen=True)
class Click:
    """One button press or menu choice, with the review it is about."""

    user_id: str
    channel_id: str
    message_ts: str
    ephemeral: bool
    review_id: int | None
    arg: str  # the rule or tone after `|`, "" for plain buttons
    place: Place

    @classmethod
    def of(cls, body: dict, action: dict) -> Click:
        value = action.get("value") or (action.get("selected_option") or {}).get("value") or ""
        rid, _, arg = value.partition("|")
        container = body.get("container") or {}
        user_id = (body.get("user") or {}).get("id", "")
        channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        team_id = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        place = Place(
            user_id,
            channel_id,
            response_url=body.get("response_url"),
            ref=ref_of(body),
            team_id=team_id or "",
        )
        return cls(
            user_id=user_id,
            channel_id=channel_id,
            message_ts=container.get("message_ts", ""),
            ephemeral=bool(container.get("is_ephemeral")),
            review_id=int(rid) if rid.isdigit() else None,
            arg=arg,
            place=place,
        )


def stored(deps, click: Click) -> dict | None:
    row = deps.store.get_review(click.review_id) if click.review_id is not None else None
    if row is None:
        tell(deps, click.place, GONE)
    return row


def post_rewrite(deps, click: Click) -> None:
    row = stored(deps, click)
    if row is None:
        return
    if not row["rewrite"]:
        tell(deps, click.place, ERASED)
        return
    if row["visibility"] == "personal":
        tell(deps, click.place, NOT_YOURS)
        return
    if not is_author(click, row):  # the words are the author's: only they post them
        tell(deps, click.place, only_author(row))
        return
    if ai_writing(deps, row):  # the rewrite shown isn't the one that will be stored
        tell(deps, click.place, AI_STILL_WRITING)
        return
    if not deps.store.claim_rewrite_post(row["id"]):  # a second, racing click posts nothing
        tell(deps, click.place, "That rewrite is already posted.")
        return
    channel = row["channel_id"] or click.channel_id
    thread_ts = post_thread(row)
    client = deps.client_for(click.place.team_id)
    try:
        try:
            message = kit.rewrite_post(row["rewrite"], asker=row["user_id"], draft=row["draft"])
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, **message
            )
        except SlackApiError as error:  # refused, so not posted: the shorter form is safe
            if error_code(error) not in TOO_LONG:
                raise
            message = kit.rewrite_post(
                row["rewrite"], asker=row["user_id"], compact=True, draft=row["draft"]
            )
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, **message
            )
    except Exception as error:
        deps.store.release_rewrite_post(row["id"])
        tell(deps, click.place, friendly(error_code(error), channel, click.place.ref))
        return
    deps.store.add_feedback(
        kind="post_rewrite", user_id=click.user_id, review_id=row["id"], channel_id=channel
    )


def post_thread(row: dict) -> str | None:
    """Where a review's rewrite is posted: a public review's thread (another tone of one
    keeps that thread, see `another_tone`); None posts a private review's in the channel."""
    public = row["visibility"] == "public"
    return row["thread_ts"] or (row["message_ts"] if public else "") or None


def is_author(click: Click, row: dict) -> bool:
    """Whether the person clicking wrote the reviewed words (for watch mode, the message's
    author; for a mention, its sender; for a private review, the one who asked)."""
    return bool(row["user_id"]) and click.user_id == row["user_id"]


def only_author(row: dict) -> str:
    return f"Only {mention(row['user_id'])} can post this rewrite — it's their words."


def vote(deps, click: Click, kind: str) -> None:
    row = stored(deps, click)
    if row is None:
        return
    deps.store.add_feedback(
        kind=kind, user_id=click.user_id, review_id=row["id"], channel_id=row["channel_id"]
    )
    if row["erased_at"] or row["draft"] is None:
        # drawn again from the erased row, the message would lose its rewrite and quotes
        tell(deps, click.place, VOTED_ON_ERASED.format(days=deps.settings.draft_retention_days))
        return
    public = row["visibility"] == "public"
    postable = row["visibility"] != "personal"
    if public and not click.ephemeral and click.message_ts:
        sent = Sent("message", click.channel_id, click.message_ts)
    else:
        sent = Sent("response_url", click.channel_id)
    # the vote is recorded either way; a copy of a public review is not posted again.
    # The message is redrawn from the store: the votes, and the writing line while the AI writes
    in_thread = public or bool(row["thread_ts"])  # where its post button would post
    redraw(deps, click.place, sent, stored_options(deps, row, public=in_thread, postable=postable))


def mute(deps, click: Click) -> None:
    changed = _change_mute(deps, click, "mute", deps.store.mute_rule)
    if changed is not None:
        review_id, channel = changed
        note = kit.mute_confirmation(review_id=review_id, rule=click.arg, channel_id=channel)
        send(deps, click.place, note)


def unmute(deps, click: Click) -> None:
    changed = _change_mute(deps, click, "unmute", deps.store.unmute_rule)
    if changed is not None:
        _, channel = changed
        done = kit.unmute_confirmation(rule=click.arg, channel_id=channel)
        replace_message(deps, click.place, Sent("response_url", channel), done)


def _change_mute(deps, click: Click, kind: str, change) -> tuple[int, str] | None:
    """Mute or unmute the clicked rule in the review's channel and record who did it."""
    row = stored(deps, click)
    if row is None or not click.arg:
        return None
    channel = row["channel_id"] or click.channel_id
    change(channel, click.arg, user_id=click.user_id)
    deps.store.add_feedback(
        kind=kind, user_id=click.user_id, review_id=row["id"], channel_id=channel, rule=click.arg
    )
    return row["id"], channel


def another_tone(deps, click: Click) -> None:
    if not deps.reviewer.wants_llm(ReviewRequest(text="-")):
        tell(deps, click.place, TONE_NEEDS_LLM)
        return
    tone = click.arg if click.arg in deps.reviewer.tones else None
    if tone is None:
        return
    row = stored(deps, click)
    if row is None:
        return
    if not row["draft"]:
        tell(deps, click.place, ERASED)
        return
    if not channel_settings(deps, row["channel_id"]).llm_allowed:
        tell(deps, click.place, TONE_NOT_HERE)
        return
    deps.store.add_feedback(
        kind="tone",
        user_id=click.user_id,
        review_id=row["id"],
        channel_id=row["channel_id"],
        detail=tone,
    )
    # The tone version keeps the original's channel and thread, so its "Post rewrite" posts
    # where the original's would; someone else's words get a copy with no post button.
    place = Place(
        click.user_id,
        row["channel_id"] or click.channel_id,
        click.place.response_url,
        thread_ts=post_thread(row),
        ref=click.place.ref,
        team_id=click.place.team_id,
    )
    mine = is_author(click, row)
    ask = Ask(
        row["draft"],
        place,
        "tone",
        click.place.team_id or row["team_id"] or "",
        platform=row["platform"] or None,
        playbook=row["playbook"] or None,
        tone=tone,
        intro=None if mine else SOMEONE_ELSES_TONE,
        shareable=mine and row["visibility"] != "personal",
    )
    review_and_answer(deps, ask)


def vote_helpful(deps, click: Click) -> None:
    vote(deps, click, "helpful")


def vote_not_helpful(deps, click: Click) -> None:
    vote(deps, click, "not_helpful")


# each a module-level function: a job names the function it runs (bot.jobs.calls)
HANDLERS = {
    "post-rewrite": post_rewrite,
    "feedback-helpful": vote_helpful,
    "feedback-not-helpful": vote_not_helpful,
    "mute-rule": mute,
    "unmute-rule": unmute,
    "another-tone": another_tone,
}


def register(app, deps) -> None:
    for action_id, job in HANDLERS.items():
        app.action(action_id)(_listener(deps, job))


def _listener(deps, job):
    def handle_action(ack, body, action):
        click = Click.of(body, action)
        accepted = deps.submit(job, deps, click, place=click.place)
        ack()
        if not accepted:
            deps.busy(click.place)

    return handle_action
