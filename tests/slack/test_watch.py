"""Watch mode (bot/slack/listeners/watch.py): a new top-level message in a watched channel
is reviewed in its thread — a draft posted with its image too; an image alone, or a reply
also sent to the channel, is not. Signed events over real HTTP, answers read at the fake."""

from __future__ import annotations

from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import ALICE, DRAFTS

AD = "HUGE SALE!!! Buy now at https://shop.example.com for $20, only 3 left. Don't miss out!"


def test_watch_mode_reviews_a_file_share_with_text(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, watch=True, updated_by=ALICE)
    with_image = sr.human_message(AD)
    with_image.update(subtype="file_share", files=[{"id": "F0IMAGE", "name": "sale.png"}])
    just_image = sr.human_message("")
    just_image.update(subtype="file_share", files=[{"id": "F0OTHER", "name": "cat.png"}])
    broadcast = sr.human_message(AD, thread_ts=with_image["ts"])
    broadcast["subtype"] = "thread_broadcast"
    for event in (just_image, broadcast, with_image):
        running_app.send(sr.event_callback(event))
        running_app.wait_idle()
    [review] = slack_api.calls("chat.postMessage")
    assert review.params["thread_ts"] == with_image["ts"]
    assert [r["surface"] for r in store.db["reviews"].rows] == ["watch"]
