"""The `/socialway` form and the short notices, as Block Kit."""

import json
from dataclasses import dataclass

from bot.slack import blocks as kit


@dataclass
class FakePlaybook:  # plain data, shaped like bot.review.playbooks.loader.Playbook's id and name
    id: str
    name: str


PLAYBOOKS = [FakePlaybook("rules-of-engagement", "Rules of engagement"), FakePlaybook("b2b", "B2B")]


def test_modal_has_the_four_inputs_and_carries_the_channel():
    view = kit.review_modal(PLAYBOOKS, channel_id="C1", team_id="T1", default="b2b")
    assert view["callback_id"] == "review-draft"
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1", "team_id": "T1"}
    ids = [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"]]
    assert ids == [
        ("draft", "draft"),
        ("platform", "platform"),
        ("playbook", "playbook"),
        ("in_reply_to", "in_reply_to"),
    ]
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert by_id["in_reply_to"]["optional"] is True and by_id["draft"]["optional"] is False
    playbook = by_id["playbook"]["element"]
    assert [o["value"] for o in playbook["options"]] == ["rules-of-engagement", "b2b"]
    assert playbook["initial_option"]["value"] == "b2b"
    platforms = [o["value"] for o in by_id["platform"]["element"]["options"]]
    assert platforms[0] == "generic" and "x" in platforms and "linkedin" in platforms
    assert len(view["title"]["text"]) <= 24


def test_modal_defaults_to_the_first_playbook_for_an_unknown_default():
    view = kit.review_modal(PLAYBOOKS, channel_id="", team_id="", default="gone")
    playbook = next(b for b in view["blocks"] if b["block_id"] == "playbook")["element"]
    assert playbook["initial_option"]["value"] == "rules-of-engagement"


def test_modal_with_a_hundred_and_one_playbooks_stays_within_option_limits():
    many = [FakePlaybook(f"p{i}", "x" * 200) for i in range(101)]
    view = kit.review_modal(many, channel_id="C1", team_id="T1", default=None)
    options = next(b for b in view["blocks"] if b["block_id"] == "playbook")["element"]["options"]
    assert len(options) == 100 and all(len(o["text"]["text"]) <= 75 for o in options)


def test_help_lists_every_surface_and_extra_lines():
    text = kit.help_text(["• `/socialway settings` — this channel's settings"])
    usage = ("/socialway &lt;draft&gt;", "@Social Way", "Review with Social Way", "watch on|off")
    for words in usage:
        assert words in text
    assert text.endswith("this channel's settings")


def test_notice_keeps_our_markup():
    n = kit.notice("I'm not in <#C1> yet")
    assert n["blocks"][0]["text"]["text"] == "I'm not in <#C1> yet"
    assert n["text"] == "I'm not in <#C1> yet"
