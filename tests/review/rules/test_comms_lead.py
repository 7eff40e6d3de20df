"""A comms lead's judgements kept: invented team drafts (tests/fixtures/comms_lead_drafts.yml),
each labelled before the engine read it, reviewed on the default playbook.

Human drafts (invitations, launches, hiring, spotlights, thank-yous, milestones, LinkedIn posts
with a few tags, tweets with links, codes and prices) get no warning or problem, and none of
the info notes listed as wrong for them; pushy drafts (orders to buy, urgency, bait,
self-praise, jargon, shouting) are not "Ready to post", and a finding covers the words that
push. Where the engine still disagrees, the fixture says why (`left:`) and the draft is an
expected failure, strict, so a fix shows up.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.review.core.model import VERDICT_READY
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.engine import review
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "comms_lead_drafts.yml"
DRAFTS = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["drafts"]
DEFAULT = PlaybookLibrary().get(None)
_LINK_ONLY = re.compile(r"\s*(?:https?://|www\.)\S+\s*")


def _params():
    for d in DRAFTS:
        marks = [pytest.mark.xfail(reason=d["left"], strict=True)] if d.get("left") else []
        yield pytest.param(d, id=d["id"], marks=marks)


def test_the_fixture_is_a_fair_mix():
    labels = [d["label"] for d in DRAFTS]
    assert len(DRAFTS) >= 80 and len({d["id"] for d in DRAFTS}) == len(DRAFTS)
    assert set(labels) == {"human", "pushy"}
    assert labels.count("pushy") >= 15 and labels.count("human") >= 35
    # each pushy draft names the words that push, or says why not (hashtags only)
    assert all(d.get("quote") or "platform" in d for d in DRAFTS if d["label"] == "pushy")


def _why(r) -> str:
    return f"{r.human_score} {r.verdict}: " + "; ".join(
        f"{f.rule}/{f.severity} {f.quote!r}" for f in r.findings
    )


@pytest.mark.parametrize("draft", list(_params()))
def test_a_comms_lead_would_agree(draft):
    text = draft["text"]
    r = review(text, DEFAULT, platform=draft.get("platform"))
    for f in r.findings:
        assert text[f.start : f.end] == f.quote
        assert not _LINK_ONLY.fullmatch(f.quote), f"a link alone quoted: {_why(r)}"
    if draft["label"] == "human":
        loud = [f for f in r.findings if f.severity in ("warning", "problem")]
        assert not loud, f"a warning on a draft I'd send: {_why(r)}"
        wrong = [f for f in r.findings if f.rule in draft.get("quiet", ())]
        assert not wrong, f"a note that doesn't belong: {_why(r)}"
        return
    assert r.verdict != VERDICT_READY, f"a pushy draft passed: {_why(r)}"
    low = text.lower()
    for words in draft.get("quote", ()):
        at = low.find(words.lower())
        assert at >= 0, f"fixture: {words!r} is not in the draft"
        covered = any(f.start <= at and at + len(words) <= f.end for f in r.findings)
        assert covered, f"no finding quotes {words!r}: {_why(r)}"


def test_the_issue_invitation_is_quiet_and_a_bare_call_is_quoted_whole():
    leeds = (
        "Join us in Leeds on 3 March for a morning on accessible design, with talks from "
        "Priya and Tom. Save a seat: https://example.com/leeds"
    )
    assert review(leeds, DEFAULT).findings == ()
    bare = review("New episode with our head chef. Read it here: https://example.com/ep", DEFAULT)
    assert [(f.rule, f.quote) for f in bare.findings if f.rule == "link-drop"] == [
        ("link-drop", "Read it here")
    ]
    # The same invitation without a when is still a bare call, quoted as the whole call.
    vague = review("Join us for a morning on design. Save a seat: https://example.com/x", DEFAULT)
    calls = [f.quote for f in vague.findings if f.rule == "link-drop"]
    assert calls == ["Join us for a morning on design"]
    long = "Join us for a long morning of talks and coffee on design in the old mill: https://x.io"
    assert [f.quote for f in review(long, DEFAULT).findings if f.rule == "link-drop"] == [
        "Join us for a long morning of talks and coffee on design in the old mill"
    ]


def test_quotes_are_the_words_not_the_link_after_them():
    # A note about something absent quotes the last sentence's words, not its link and tags.
    post = (
        "We read every comment on the first draft of our month-end guide. The final version, "
        "with your feedback in it, is out today: https://example.com/close #Finance #SaaS"
    )
    notes = [f.quote for f in review(post, DEFAULT).findings if f.rule == "no-question"]
    assert notes == ["The final version, with your feedback in it, is out today"]
    # ...and not words another finding already quotes: "Read how we built it" is the
    # link-drop's, so the note points at the sentence before it.
    post = (
        "Our guide to closing the month is out, with the checklist our own finance team "
        "uses. Read how we built it: https://example.com/close #Finance #SaaS"
    )
    r = review(post, DEFAULT)
    assert {(f.rule, f.quote) for f in r.findings} == {
        ("link-drop", "Read how we built it"),
        (
            "no-question",
            "Our guide to closing the month is out, with the checklist our own finance team uses.",
        ),
    }
    # A call is quoted to the end of its clause, without the word leading on to the link.
    shop = review("Check out our new range at www.example.com", DEFAULT)
    assert [f.quote for f in shop.findings if f.rule == "link-drop"] == ["Check out our new range"]


def test_a_common_word_opening_the_draft_does_not_make_a_tag_the_brands_own():
    text = "New trainers just dropped #shoes #sneakers #fashion #style #ootd #trainers #newin #sale"
    tags = [f.quote for f in review(text, DEFAULT, platform="x").findings]
    assert tags == ["#style #ootd #trainers #newin #sale"]


def test_a_bare_domain_is_a_link_too():
    text = "Our autumn collection is in all our shops and online this week. Learn more at fable.com"
    r = review(text, DEFAULT)
    assert {(f.rule, f.quote) for f in r.findings} == {
        ("link-drop", "Learn more"),
        ("no-question", "Our autumn collection is in all our shops and online this week."),
    }


@pytest.mark.parametrize("sign_off", ["— The Fable team", "Sam, Founder", "Jo & the team"])
def test_an_absence_note_never_quotes_the_sign_off(sign_off):
    text = f"We've rebuilt the app: twice as fast on old phones. Download it today.\n{sign_off}"
    notes = [f.quote for f in review(text, DEFAULT).findings if f.rule == "no-question"]
    assert notes == ["Download it today."]
