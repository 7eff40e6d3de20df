"""The App Home tab: published on app_home_opened, with the person's reviews, within limits."""

import json
import time

from bot.review.playbooks.loader import PlaybookLibrary
from bot.slack.home_blocks import ChannelPlaybook, HomeData, RecentReview, home_view
from bot.slack.listeners.home import home_data
from bot.store.store import Store
from tests.fakes.seed import Seeder, make_review
from tests.fakes.slack_api import ALICE, BOB, DRAFTS
from tests.fakes.slack_requests import event_callback

DAY = 86400


def home_opened(user: str, tab: str = "home") -> dict:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0ALICEDM",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def view_text(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


def test_home_is_published_with_the_persons_reviews(running_app, slack_api, store):
    store.update_channel_settings(DRAFTS, playbook="rules-of-engagement")
    store.record_review(
        make_review(42, rules=("urgency", "hard-sell")),
        draft="BUY NOW <!channel>",
        surface="command",
        visibility="private",
        channel_id=DRAFTS,
        user_id=ALICE,
    )
    store.record_review(
        make_review(90, rules=()), draft="Bob's draft", surface="mention",
        visibility="public", channel_id=DRAFTS, user_id=BOB,
    )  # fmt: skip
    reply = running_app.send(event_callback(home_opened(ALICE)))
    assert reply.status == 200
    [call] = slack_api.wait_for("views.publish")
    assert call.ok and call.params["user_id"] == ALICE
    view = call.params["view"]
    assert view["type"] == "home"
    text = view_text(view)
    assert "*42* · Reads like an ad · top issue: Urgency and scarcity" in text
    assert "BUY NOW &lt;!channel&gt;" in text and "<!channel>" not in text
    assert "Bob's draft" not in text  # only the person's own reviews
    assert "<#C0DRAFTS> — Rules of engagement" in text
    assert "`·······▄`" in text  # this week's average, 42, after seven empty weeks
    assert len(view["blocks"]) <= 100


def test_messages_tab_publishes_nothing(running_app, slack_api):
    reply = running_app.send(event_callback(home_opened(ALICE, tab="messages")))
    assert reply.status == 200
    running_app.wait_idle()
    assert slack_api.settle(quiet=0.3) is not None
    assert slack_api.calls("views.publish") == []


def test_home_data_from_a_seeded_store(store_target):
    clock = [1_790_000_000.0]
    with Store(store_target, clock=lambda: clock[0]) as store:
        seed = Seeder(store, clock)
        now = clock[0]
        for weeks_back, score in ((9, 10), (5, 30), (1, 70), (0, 90)):
            seed.review(now - weeks_back * 7 * DAY, score=score, channel="C0ONE")
        seed.review(now - 100 * DAY, channel="C0OLD")  # too long ago for "your channels"
        store.update_channel_settings("C0ONE", playbook="no-such-playbook")
        data = home_data(store, PlaybookLibrary(), "U0ALICE", now=now + 1, retention_days=7)
    assert [r.human_score for r in data.recent] == [90, 70, 30, 10, 60]
    assert data.trend[-1] == 90 and data.trend[-2] == 70 and data.trend[-6] == 30
    assert data.trend.count(None) == 5  # the review nine weeks back is outside the 8 weeks
    assert data.playbooks == (ChannelPlaybook("C0ONE", "no-such-playbook", "", missing=True),)
    assert data.retention_days == 7


def test_home_view_stays_within_block_kit_limits():
    long = "word " * 2000 + "<!here> @everyone"
    data = HomeData(
        user_id="U0ALICE",
        recent=tuple(
            RecentReview(1_790_000_000.0 + i, "C0DRAFTS", 50, "A few touches", long, long)
            for i in range(40)
        ),
        trend=(None, 10, 20, 30, 40, 50, 60, 70),
        playbooks=tuple(ChannelPlaybook(f"C{i:08d}", long, "1") for i in range(60)),
        default_playbook=long,
    )
    view = home_view(data)
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert all(len(e["text"]) <= 2000 for e in block["elements"])
    text = view_text(view)
    assert "<!here>" not in text and "@everyone" not in text
    assert "`·▁▂▃▄▅▅▆`" in text


def test_empty_home_invites_a_first_review():
    view = home_view(HomeData("U0NEW", (), (None,) * 8, (), "Rules of engagement"))
    text = view_text(view)
    assert "Nothing yet" in text and "try `/socialway` with a draft" in text
    assert "Your reviews will use Rules of engagement" in text
