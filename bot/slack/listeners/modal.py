"""The `/socialway` form (callback `review-draft`): the review goes to the person privately.

It is shown as an ephemeral message in the channel the command came from (carried in
`private_metadata`), or in a DM from the app when Slack won't allow that.
"""

from __future__ import annotations

import json

from bot.slack.flow import Ask, review_and_answer
from bot.slack.listeners.common import ref_of
from bot.slack.replies import Place


def form_values(view: dict) -> dict[str, str]:
    """The form's answers by block id: typed text or the chosen option's value."""
    values: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for answer in actions.values():
            chosen = answer.get("selected_option") or {}
            values[block_id] = (answer.get("value") or chosen.get("value") or "").strip()
    return values


def known_playbook(deps, playbook_id: str | None) -> str | None:
    """The chosen playbook id if it is one of ours (never a path), else the default."""
    return playbook_id if playbook_id and playbook_id in deps.playbooks.ids() else None


def register(app, deps) -> None:
    @app.view("review-draft")
    def handle_review_draft(ack, body, view):
        values = form_values(view)
        if not values.get("draft"):
            ack(response_action="errors", errors={"draft": "Write the draft you want reviewed."})
            return
        ack()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        user_id = (body.get("user") or {}).get("id", "")
        team_id = meta.get("team_id") or (body.get("team") or {}).get("id", "")
        place = Place(user_id, meta.get("channel_id", ""), ref=ref_of(body), team_id=team_id)
        ask = Ask(
            draft=values["draft"],
            place=place,
            surface="modal",
            team_id=team_id,
            platform=values.get("platform") or None,
            playbook=known_playbook(deps, values.get("playbook")),
            in_reply_to=values.get("in_reply_to") or None,
        )
        if not deps.submit(review_and_answer, deps, ask, place=place):
            deps.busy(place)
