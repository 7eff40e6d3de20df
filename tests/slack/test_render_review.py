"""Block Kit for a review: what it shows, the ids the buttons carry, and Slack's limits."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.core.model import Finding, Review, Rewrite, Strength
from bot.review.llm.prompts import load_prompts
from bot.slack import blocks as kit

SHIPPED_TONES = tuple(load_prompts().tones)  # prompts/tones.txt, as the app offers them


def finding(rule="respect", quote="TODAY ONLY!!!", penalty=10, **kw):
    base = dict(
        rule=rule,
        severity="problem",
        start=0,
        end=len(quote),
        quote=quote,
        why="urgency pushes",
        suggestion="say when it ends, plainly",
        penalty=penalty,
    )
    return Finding(**{**base, **kw})


def review(findings=(), rewrite="If your week keeps getting away from you…", **kw):
    base = dict(
        human_score=31,
        verdict="Reads like an ad",
        findings=tuple(findings),
        strengths=(Strength("link", "a clear link"), Strength("offer", "a real offer")),
        rewrite=Rewrite(text=rewrite, changes=("dropped the shouting",)),
        engine="rules",
        playbook="rules-of-engagement",
        playbook_version="1",
    )
    return Review(**{**base, **kw})


def message(review: Review, *, compact: bool = False, **options) -> dict:
    """The review's message as the app draws it where the AI engine offers the shipped tones."""
    return kit.review_message(
        review, kit.MessageOptions(tones=SHIPPED_TONES, **options), compact=compact
    )


def texts(message):
    """Every string in the message, wherever it sits."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            out.append(node)

    walk(message)
    return out


def block(message, block_id):
    return next(b for b in message["blocks"] if b.get("block_id") == block_id)


def assert_within_limits(message):
    blocks = message["blocks"]
    assert len(blocks) <= kit.MAX_BLOCKS
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= kit.SECTION_LIMIT
        if b["type"] == "context":
            assert all(len(e["text"]) <= kit.SECTION_LIMIT for e in b["elements"])
        if b["type"] == "actions":
            assert len(b["elements"]) <= kit.ACTIONS_MAX
            for e in b["elements"]:
                if e["type"] == "button":
                    assert len(e["text"]["text"]) <= kit.BUTTON_LIMIT
                else:
                    assert len(e["options"]) <= kit.OPTIONS_MAX
                    assert all(len(o["text"]["text"]) <= kit.OPTION_LIMIT for o in e["options"])
                    assert all(len(o["value"]) <= 150 for o in e["options"])
    assert 0 < len(message["text"]) <= kit.TEXT_FALLBACK_LIMIT


def test_header_findings_strengths_rewrite_and_facts():
    r = review([finding(), finding("people-first", "Our award-winning planner", 8)])
    m = message(r, review_id=7, public=True)
    assert block(m, "review-header")["text"]["text"] == "*Reads like an ad · 31/100*"
    assert block(m, "review-meta")["elements"][0]["text"] == "rules · rules-of-engagement"
    first = block(m, "finding-0")["text"]["text"]
    assert "“TODAY ONLY!!!”" in first and "urgency pushes" in first
    assert "say when it ends, plainly" in first and "`respect`" in first
    assert "people-first" in block(m, "finding-1")["text"]["text"]
    assert (
        block(m, "review-strengths")["elements"][0]["text"]
        == "✓ Works: a clear link · a real offer"
    )
    assert block(m, "review-rewrite")["text"]["text"].startswith("*Rewrite*\n> If your week")
    assert block(m, "review-facts")["elements"][0]["text"] == "Kept every fact ✓"
    assert m["text"].startswith("Reads like an ad · 31/100 — “TODAY ONLY!!!” (respect)")
    assert_within_limits(m)


def test_findings_are_ordered_by_penalty():
    r = review([finding("a", "small", 2), finding("b", "big", 20)])
    m = message(r, review_id=1, public=True)
    assert "big" in block(m, "finding-0")["text"]["text"]


def test_buttons_carry_the_review_id():
    r = review([finding(), finding("respect", "!!!"), finding("be-human", "synergy")])
    m = message(r, review_id=42, public=True)
    actions = block(m, "review-actions")["elements"]
    by_id = {e["action_id"]: e for e in actions}
    assert set(by_id) == {
        "post-rewrite",
        "another-tone",
        "feedback-helpful",
        "feedback-not-helpful",
        "mute-rule",
    }
    assert by_id["post-rewrite"]["value"] == "42"
    assert by_id["post-rewrite"]["text"]["text"] == "Post rewrite in thread"
    assert by_id["feedback-helpful"]["value"] == "42"
    assert by_id["feedback-not-helpful"]["value"] == "42"
    assert [o["value"] for o in by_id["another-tone"]["options"]] == [
        "42|warmer",
        "42|shorter",
        "42|more playful",
        "42|more formal",
    ]
    assert [o["value"] for o in by_id["mute-rule"]["options"]] == ["42|respect", "42|be-human"]


def test_private_review_posts_in_channel_and_clean_draft_has_no_mute():
    m = message(review(), review_id=3, public=False)
    by_id = {e["action_id"]: e for e in block(m, "review-actions")["elements"]}
    assert by_id["post-rewrite"]["text"]["text"] == "Post rewrite in channel"
    assert "mute-rule" not in by_id
    assert block(m, "findings-none")["elements"][0]["text"] == "No issues found."


def test_no_rewrite_means_no_post_button():
    m = message(review(rewrite=""), review_id=3, public=True)
    ids = [e["action_id"] for e in block(m, "review-actions")["elements"]]
    assert "post-rewrite" not in ids
    assert not any(b.get("block_id") == "review-rewrite" for b in m["blocks"])


def test_missing_facts_are_named():
    r = review(rewrite="shorter", findings=[finding()])
    r = Review(**{**r.__dict__, "rewrite": Rewrite("shorter", (), False, ("40%", "https://s.ex"))})
    m = message(r, review_id=1, public=True)
    facts = block(m, "review-facts")["elements"][0]["text"]
    assert facts == "⚠️ Missing from the rewrite: 40%, https://s.ex"


def test_working_line_and_feedback_line():
    m = message(review(), review_id=1, public=True, working=kit.WORKING)
    assert block(m, "review-working")["elements"][0]["text"] == kit.WORKING
    once = kit.with_feedback(m, "Thanks — 👍 1 · 👎 0")
    twice = kit.with_feedback(once, "Thanks — 👍 2 · 👎 0")
    notes = [b for b in twice["blocks"] if b.get("block_id") == "review-feedback"]
    assert len(notes) == 1 and notes[0]["elements"][0]["text"] == "Thanks — 👍 2 · 👎 0"
    ids = [b.get("block_id") for b in twice["blocks"]]
    assert ids.index("review-feedback") == ids.index("review-actions") - 1


def test_huge_review_is_summarised_within_limits():
    many = [finding(f"rule-{i}", "BUY NOW " * 100, 1 + i % 7, why="w" * 5000) for i in range(300)]
    r = review(many, rewrite="word " * 10_000, summary="s" * 9000, notes=("n" * 5000,) * 20)
    m = message(r, review_id=9, public=True)
    assert_within_limits(m)
    more = block(m, "findings-more")["elements"][0]["text"]
    assert more.startswith(f"… and {300 - kit.FINDINGS_SHOWN} more")
    mute = next(e for e in block(m, "review-actions")["elements"] if e["action_id"] == "mute-rule")
    assert len(mute["options"]) == kit.OPTIONS_MAX
    compact = message(r, review_id=9, public=True, compact=True)
    assert_within_limits(compact)
    assert len(json.dumps(compact)) < len(json.dumps(m))


def test_rewrite_of_many_short_lines_fits_a_section():
    m = message(review(rewrite="a\n" * 2000), review_id=1, public=True)
    assert_within_limits(m)


def test_nothing_in_a_review_can_ping():
    hostile = "<!channel> hey @here <@U999> <!everyone> @Everyone <https://evil|click>"
    r = review(
        [finding("respect", hostile, why=hostile, suggestion=hostile, replacement=hostile)],
        rewrite=hostile,
        summary=hostile,
        notes=(hostile,),
        strengths=(Strength("x", hostile),),
    )
    m = message(r, review_id=1, public=True, intro=hostile)
    for t in texts(m):
        assert "<!" not in t and "<@" not in t and "<http" not in t
        assert not re.search(r"@(here|channel|everyone)\b", t, re.IGNORECASE)


def test_rewrite_post_is_escaped_and_credits_only_the_asker():
    post = kit.rewrite_post("Hi <!here> @channel " + "x" * 7000, asker="U42")
    assert post["blocks"][-1]["elements"][0]["text"] == "Suggested by Social Way for <@U42>"
    body = "".join(b["text"]["text"] for b in post["blocks"] if b["type"] == "section")
    assert body.startswith("Hi &lt;!here&gt; @\u2060channel ")
    assert all(len(b["text"]["text"]) <= kit.SECTION_LIMIT for b in post["blocks"][:-1])
    assert "<@" not in post["text"]
    assert kit.rewrite_post("hi", asker="<!channel>")["blocks"][-1]["elements"][0]["text"] == (
        "Suggested by Social Way for someone"
    )


def test_mute_confirmation_offers_undo():
    m = kit.mute_confirmation(review_id=5, rule="respect", channel_id="C1")
    undo = block(m, "mute-undo")["elements"][0]
    assert undo["action_id"] == "unmute-rule" and undo["value"] == "5|respect"
    assert "<#C1>" in block(m, "mute-note")["text"]["text"]


finding_text = st.text(max_size=400)


@settings(max_examples=60, deadline=None)
@given(
    quotes=st.lists(finding_text, max_size=60),
    why=finding_text,
    rewrite=st.text(max_size=5000),
    rule=st.text(min_size=1, max_size=120),
)
def test_any_review_renders_within_limits_and_inert(quotes, why, rewrite, rule):
    r = review([finding(rule + str(i), q, why=why) for i, q in enumerate(quotes)], rewrite=rewrite)
    m = message(r, review_id=1, public=bool(len(quotes) % 2))
    assert_within_limits(m)
    for t in texts(m):
        assert "<!" not in t and "<@" not in t
