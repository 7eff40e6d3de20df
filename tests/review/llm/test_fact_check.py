"""The AI rewrite verified by one fact model, against the fake OpenAI server on loopback:
push may go, facts stay (a number keeps what it counts, a code is a fact), nothing is
added, and a rewrite is never pushier than its draft. Recorded model answers, good and
bad, live in tests/fixtures/llm/recorded_answers.json (benchmarks/bench_llm_replay.py
replays the same file and prints the tally)."""

from __future__ import annotations

import json
import re

import pytest

from bot.config import Settings
from bot.review.factory import make_reviewer
from bot.review.llm.prompt import (
    LONGEST_POST_CHARS,
    max_output_tokens,
    prepare,
    user_message,
)
from bot.review.llm.prompts import load_prompts
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.reviewer import ReviewRequest
from bot.review.rules.engine import review as rules_review
from bot.review.rules.fact_check import check, extras, names
from tests.fakes import slack_requests as sr
from tests.fakes.openai_api import Reply
from tests.paths import FIXTURES

RECORDED = json.loads((FIXTURES / "llm" / "recorded_answers.json").read_text("utf-8"))
PLAYBOOK = PlaybookLibrary().get()


@pytest.fixture
def reviewer(fake_llm, store):
    settings = Settings(
        openai_api_key="sk-test", openai_base_url=fake_llm.base_url, llm_timeout=2, llm_budget=6
    )
    made = make_reviewer(settings, store, backoff=(0.01, 0.05))
    yield made
    made.close()


def _case(name: str) -> dict:
    return next(c for c in RECORDED if c["name"] == name)


def _replay(reviewer, fake_llm, case: dict):
    fake_llm.script(*[Reply(content=a) for a in case["answers"]])
    request = ReviewRequest(text=case["draft"], in_reply_to=case.get("in_reply_to"), user="U1")
    return reviewer.review(request), reviewer.rules_review(request)


# -- the recorded answers: no good rewrite refused, no bad one accepted ----------------------


@pytest.mark.parametrize(
    "case", [c for c in RECORDED if c["kind"] == "good"], ids=lambda c: c["name"]
)
def test_a_good_recorded_rewrite_is_accepted(reviewer, fake_llm, case):
    review, _ = _replay(reviewer, fake_llm, case)
    assert review.engine == "llm"
    assert not any("set aside" in n for n in review.notes), review.notes
    assert review.rewrite.text == case["answers"][-1]["rewrite"]
    assert len(fake_llm.calls) == len(case["answers"])


@pytest.mark.parametrize(
    "case", [c for c in RECORDED if c["kind"] == "bad"], ids=lambda c: c["name"]
)
def test_a_bad_recorded_rewrite_is_retried_then_refused(reviewer, fake_llm, case):
    review, rules = _replay(reviewer, fake_llm, case)
    assert len(fake_llm.calls) == 2  # one retry with the reason, then the rules rewrite
    assert review.rewrite == rules.rewrite
    [note] = [n for n in review.notes if "set aside" in n]
    assert "this is the rules rewrite" in note
    bad = case["answers"][-1]["rewrite"]
    assert review.rewrite.text != bad


# -- what the issue names, one by one ------------------------------------------------------


def test_a_rewrite_that_drops_only_push_is_accepted_and_says_what_went(reviewer, fake_llm):
    review, _ = _replay(reviewer, fake_llm, _case("giveaway-restock"))
    assert "tag 3 friends" not in review.rewrite.text
    assert review.rewrite.changes[-1] == "dropped on purpose, as push: 3"
    assert review.rewrite.facts_kept and review.rewrite.facts_dropped == ("3",)


@pytest.mark.parametrize(
    ("name", "told"),
    [
        ("adds-a-link", "you added the link https://evil.example/login"),
        ("adds-a-hashtag", "you added the hashtag #hiking"),
        ("adds-a-number", "you added the number 5,000"),
        ("adds-formatting", "you added formatting (bold)"),
        ("loses-the-code", "you dropped the code SAVE40"),
        ("recounts-likes-as-meals", "you changed what 10,000 counts (likes in the draft)"),
    ],
)
def test_the_retry_shows_the_model_its_answer_and_names_what_to_fix(reviewer, fake_llm, name, told):
    case = _case(name)
    review, _ = _replay(reviewer, fake_llm, case)
    first, second = fake_llm.calls
    assert second.messages[: len(first.messages)] == first.messages
    mine, retry = second.messages[-2:]
    assert mine["role"] == "assistant" and case["answers"][0]["rewrite"] in mine["content"]
    tag = second.tag
    block = re.search(rf"<<<FIX {tag}\n(.*)\nFIX {tag}>>>", retry["content"], re.S)
    assert block and "- " + told in block.group(1).splitlines()
    outside = retry["content"].replace(block.group(0), "")
    assert "SAVE40" not in outside and "evil" not in outside  # draft text only in the block
    assert told.removeprefix("you ") in review.notes[-1]


def test_a_rewrite_pushier_than_a_draft_already_at_zero_push_is_refused(reviewer, fake_llm):
    case = _case("pushier-than-clean-draft")
    review, rules = _replay(reviewer, fake_llm, case)
    assert rules.human_score == 100  # nothing to floor: the rewrite adds push from nothing
    assert "BUY NOW" not in review.rewrite.text
    assert "made it pushier" in review.notes[-1] and "Hard-sell" in review.notes[-1]


def test_a_rewrite_with_a_new_problem_is_refused_even_when_the_draft_scores_zero(
    reviewer, fake_llm
):
    draft = "BUY NOW!!! HUGE SALE!!! Only 3 left, act now! Like and share to win! Click here!"
    rules = reviewer.rules_review(ReviewRequest(text=draft))
    assert rules.human_score == 0
    worse = "Like and share to win a prize! Comment below and tag 3 friends for a free gift!"
    fake_llm.script(*[Reply(content=_answer(worse))] * 2)
    review = reviewer.review(ReviewRequest(text=draft, user="U1"))
    assert review.rewrite == rules.rewrite
    assert "pushier" in review.notes[-1]


def test_a_dismissed_finding_is_dropped_its_penalty_given_back_and_said(reviewer, fake_llm):
    case = _case("event-with-mention")
    review, rules = _replay(reviewer, fake_llm, case)
    assert any(f.rule == "link-drop" for f in rules.findings)
    assert not any(f.rule == "link-drop" for f in review.findings)
    assert review.human_score == 100 - sum(f.penalty for f in review.findings)
    assert review.human_score > rules.human_score
    [note] = review.notes
    assert note.startswith("The AI dismissed") and "“Read it here”" in note
    assert "no bare call" in note


def test_a_problem_level_finding_is_never_dismissed(reviewer, fake_llm):
    draft = "BUY NOW and see our new mugs: https://shop.example. Which colour do you like?"
    keep = "See our new mugs: https://shop.example. Which colour do you like?"
    dismissal = {"rule": "hard-sell", "quote": "BUY NOW", "reason": "It is just a friendly nudge."}
    fake_llm.script(Reply(content=_answer(keep, dismissed=[dismissal])))
    review = reviewer.review(ReviewRequest(text=draft, user="U1"))
    assert any(f.rule == "hard-sell" for f in review.findings)
    assert not any(n.startswith("The AI dismissed") for n in review.notes)


def test_ai_findings_cost_their_rules_penalty_so_a_non_apology_is_not_ready_to_post(
    reviewer, fake_llm
):
    draft = "Thanks for reaching out. We are looking into it."
    finding = {"rule": "non-apology", "quote": "We are looking into it", "comment": "Say sorry."}
    fake_llm.script(Reply(content=_answer(draft, findings=[finding])))
    review = reviewer.review(ReviewRequest(text=draft, user="U1", in_reply_to="You lost my bag"))
    [ai] = [f for f in review.findings if f.rule == "non-apology"]
    assert ai.penalty == PLAYBOOK.rule("non-apology").penalty
    assert review.human_score == max(0, 100 - sum(f.penalty for f in review.findings))


def test_the_system_prompt_says_what_is_checked(reviewer, fake_llm):
    reviewer.review(ReviewRequest(text="Our guide is up. Which route next?", user="U1"))
    system = fake_llm.calls[0].system_prompt
    assert "Facts stay" in system and "SAVE40" in system and "10,000 meals" in system
    assert "Push may go" in system and "Nothing is added" in system and "less pushy" in system
    assert '"dismissed"' in system


# -- the prompt leaves room and quotes only real limits -----------------------------------


def test_the_output_limit_leaves_room_for_the_longest_allowed_answer():
    longest = _answer(
        "x" * LONGEST_POST_CHARS,
        findings=[{"rule": "r" * 20, "quote": "q" * 500, "comment": "c" * 280}] * 6,
        dismissed=[{"rule": "r" * 20, "quote": "q" * 500, "reason": "w" * 200}] * 6,
        strengths=["s" * 120] * 3,
        changes=["c" * 120] * 5,
        summary="s" * 200,
    )
    # ~4 characters a token in English; the limit assumes 2, so even dense text fits.
    assert len(json.dumps(longest)) / 4 < max_output_tokens("short draft") / 2
    assert max_output_tokens("y" * 20_000) > max_output_tokens("short")


@pytest.mark.parametrize(
    ("platform", "quoted"), [("facebook", None), ("x", "280"), ("linkedin", "3000")]
)
def test_prompts_quote_only_real_platform_limits(platform, quoted):
    draft = "Our guide is up. Which route next?"
    rules = rules_review(draft, PLAYBOOK, platform=platform)
    text = user_message(load_prompts(), prepare(draft, None), rules, tone=None, tag="SW-x")
    assert "63206" not in text
    if quoted:
        assert f"within {quoted} characters" in text
    else:
        assert "within" not in text


# -- the fact model, directly ------------------------------------------------------------


def test_ordinary_capitalised_words_are_not_names():
    found = {
        f.text for f in names("Oh, so then Like and Tag your pals to Win. I've seen Leeds win.")
    }
    assert found == {"Leeds"}


def test_codes_quotes_and_placeholders_are_facts_kept_exactly():
    draft = "Use code SAVE40, {first_name}. She said “the app is BROKEN” and we fixed it."
    kinds = {(f.kind, f.value) for f in extras(draft)}
    assert ("code", "SAVE40") in kinds and ("placeholder", "{first_name}") in kinds
    assert ("quote", "the app is BROKEN") in kinds
    lost = check(draft, "Use code save40, {first_name}. She said “the app is broken”.")
    assert [i.describe() for i in lost.missing] == ["the quoted words “the app is BROKEN”"]


def test_keycaps_and_today_in_an_order_are_push_but_a_date_is_not():
    draft = "Book a demo today! Steps: 1️⃣ sign up 2️⃣ pick a slot. Launch on March 14."
    findings = rules_review(draft, PLAYBOOK).findings
    checked = check(
        draft, "Book a demo: sign up, then pick a slot. Launch soon.", findings, PLAYBOOK
    )
    assert [i.text for i in checked.missing] == ["March 14"]
    assert {i.text for i in checked.dropped} == {"today", "1", "2"}


def test_a_phone_number_or_short_code_inside_an_order_is_still_a_fact():
    draft = "Our prize draw is open. Call now on 09061701461 or text WIN to 88039!"
    findings = rules_review(draft, PLAYBOOK).findings
    checked = check(draft, "Our prize draw is open.", findings, PLAYBOOK)
    assert {i.text for i in checked.missing} >= {"09061701461", "88039"}


def test_only_findings_that_ask_to_drop_words_make_push():
    # Policy-quoting asks for other words, not fewer: its "30 days" is still a fact.
    draft = "As per our policy, refunds take 30 days. Sorry about the wait on your order."
    findings = rules_review(draft, PLAYBOOK, in_reply_to="Where is my refund?").findings
    assert any(f.rule == "policy-quoting" for f in findings)
    checked = check(
        draft, "Refunds take a while. Sorry about the wait on your order.", findings, PLAYBOOK
    )
    assert [i.text for i in checked.missing] == ["30"] and checked.dropped == ()


def _answer(rewrite, *, findings=(), dismissed=(), strengths=("plain",), changes=(), summary="ok"):
    return {
        "summary": summary,
        "findings": list(findings),
        "strengths": list(strengths),
        "rewrite": rewrite,
        "changes": list(changes),
        "dismissed": list(dismissed),
    }


# -- Slack entities through the AI path ---------------------------------------------------


def test_mentions_stay_live_through_the_ai_review_rewrite_and_post(llm_app, slack_api, fake_llm):
    draft = "HUGE NEWS!!! Thanks <@W333> for the idea, more in <#C222>. Which one next?"
    better = "Big news: thanks @W333 for the idea, more in #C222. Which one should we do next?"
    fake_llm.script(Reply(content=_answer(better)))
    llm_app.send(sr.event_callback(sr.app_mention(draft)))
    [update] = slack_api.wait_for("chat.update", timeout=10)
    llm_app.wait_idle()
    assert "@W333" in fake_llm.calls[0].draft  # the model reads what a person sees
    blocks = json.dumps(update.params["blocks"])
    assert "<#C222>" in blocks and "@W333" in blocks and "set aside" not in blocks
    assert "<@W333>" not in blocks  # a review names people, it doesn't notify them
    message = update.answer["message"]
    llm_app.send(sr.block_actions("post-rewrite", blocks=message["blocks"], message=message))
    llm_app.wait_idle()
    posted = slack_api.wait_for("chat.postMessage", count=2, timeout=10)[-1]
    assert "thanks <@W333> for the idea, more in <#C222>" in posted.params["text"]
