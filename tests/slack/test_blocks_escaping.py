"""What Social Way itself writes in Slack texts is escaped too: `/socialway <draft>` in the
help, the Home tab and the "review gone" note would be read by Slack as a control sequence
(`<draft>`), so those say `&lt;draft&gt;`. Checked over real signed HTTP, on what the fake
Slack received."""

import time

from tests.fakes.slack_api import ALICE
from tests.fakes.slack_requests import block_actions, event_callback, slash_command


def test_help_shows_the_usage_with_no_stray_control_sequence(running_app, slack_api):
    url = running_app.response_url()
    assert running_app.send(slash_command("help", response_url=url)).status == 200
    [answer] = slack_api.wait_for_response()
    assert "`/socialway &lt;draft&gt;`" in answer.text
    assert "`@Social Way &lt;draft&gt;`" in answer.text
    assert slack_api.markup_problems() == []


def test_the_home_tab_shows_the_usage_escaped(running_app, slack_api):
    event = {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICEDM", "tab": "home"}
    event["event_ts"] = f"{time.time():.6f}"
    assert running_app.send(event_callback(event)).status == 200
    [call] = slack_api.wait_for("views.publish")
    assert "`/socialway &lt;draft&gt;`" in call.text
    assert slack_api.markup_problems() == []


def test_a_button_on_a_review_that_is_gone_says_how_to_run_it_again(running_app, slack_api):
    blocks = [
        {
            "type": "actions",
            "block_id": "review-actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Helpful"},
                    "action_id": "feedback-helpful",
                    "value": "987654",  # no such review
                }
            ],
        }
    ]
    url = running_app.response_url()
    click = block_actions("feedback-helpful", blocks=blocks, response_url=url)
    assert running_app.send(click).status == 200
    running_app.wait_idle()
    sent = [c.text for c in slack_api.calls() if "find that review" in c.text]
    assert sent and "`/socialway &lt;draft&gt;`" in sent[0]
    assert slack_api.markup_problems() == []
