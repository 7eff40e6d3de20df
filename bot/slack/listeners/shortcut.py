"""Message shortcut "Review with Social Way": any message, reviewed for the invoker only.

The review never goes public: it is answered through the response_url (or an ephemeral
message), and when the message is someone else's the review has no "Post rewrite" button
— the bot won't put a rewrite of another person's words in the channel.
"""

from __future__ import annotations

from bot.slack.flow import Ask, review_and_answer
from bot.slack.listeners.common import ref_of
from bot.slack.replies import Place, tell
from bot.slack.text import plain

NO_TEXT = "That message has no text I can review (files and attachments aren't read)."


def review_shortcut(deps, body: dict, place: Place) -> None:
    message = body.get("message") or {}
    draft = plain(message.get("text") or "")
    if not draft.strip():
        tell(deps, place, NO_TEXT)
        return
    team_id = (body.get("team") or {}).get("id", "")
    own = bool(message.get("user")) and message.get("user") == place.user_id
    ask = Ask(draft=draft, place=place, surface="shortcut", team_id=team_id, shareable=own)
    review_and_answer(deps, ask)


def register(app, deps) -> None:
    @app.message_shortcut("review-message")
    def handle_review_message(ack, body):
        message = body.get("message") or {}
        place = Place(
            user_id=(body.get("user") or {}).get("id", ""),
            channel_id=(body.get("channel") or {}).get("id", ""),
            response_url=body.get("response_url"),
            thread_ts=message.get("thread_ts"),
            ref=ref_of(body),
            team_id=(body.get("team") or {}).get("id", ""),
        )
        accepted = deps.submit(review_shortcut, deps, body, place, place=place)
        ack()
        if not accepted:
            deps.busy(place)
