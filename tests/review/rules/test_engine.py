"""The rules engine on a small fixture playbook: every check kind, offsets, scoring,
replies, platforms, strengths and long drafts."""

from __future__ import annotations

import pytest

from bot.review.core.model import VERDICT_AD, VERDICT_READY, VERDICT_TOUCHES, verdict_for
from bot.review.core.platforms import PLATFORMS, get_platform, weighted_length
from bot.review.playbooks.loader import PlaybookLibrary, load_playbook
from bot.review.rules.engine import repeat_penalty, review
from bot.review.rules.matcher import PhraseMatcher, normalise, phrase_form
from tests.paths import FIXTURES
from tests.review.rules.few_rules import FEW_RULES, LATE_ORDER, quotes

FIXTURES = FIXTURES / "playbooks"


@pytest.fixture(scope="module")
def pb():
    return load_playbook(FIXTURES / "basic.yml")


def rules_of(result) -> list[str]:
    return [f.rule for f in result.findings]


def assert_offsets(text, result):
    for f in result.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.quote


# ---- check kinds ---------------------------------------------------------------------------


def test_phrases_are_word_bounded_case_and_quote_insensitive(pb):
    text = "DON’T MISS OUT. Hurrying is fine; the Last Chance is not. act nowhere."
    r = review(text, pb)
    quotes = [f.quote for f in r.findings if f.rule == "urgency"]
    assert quotes == ["DON’T MISS OUT", "Last Chance"]
    assert_offsets(text, r)


@pytest.mark.parametrize("variant", ["follow-up", "follow up", "followup", "Follow‑Up"])
def test_hyphen_space_and_nothing_variants(pb, variant):
    text = f"Just a quick {variant} here."
    r = review(text, pb)
    assert [f.quote for f in r.findings if f.rule == "jargon"] == [variant]


def test_patterns(pb):
    text = "Only 3 left in our shop"
    r = review(text, pb)
    assert ("urgency", "Only 3 left") in [(f.rule, f.quote) for f in r.findings]


def test_swap_sets_replacement(pb):
    r = review("We leverage data.", pb)
    (f,) = [f for f in r.findings if f.rule == "jargon"]
    assert f.quote == "leverage" and f.replacement == "use"
    assert r.rewrite.text == "We use data."
    assert r.rewrite.changes == ("“leverage” → “use”",)


def test_overlapping_phrases_of_different_rules_both_found(tmp_path):
    path = tmp_path / "o.yml"
    path.write_text(
        """\
id: o
name: O
version: "1"
description: d
principles: [{id: p, title: P, why: W}]
rules:
  - {id: a, principle: p, title: A, why: W, severity: info, suggest: S, phrases: ["buy now"]}
  - {id: b, principle: p, title: B, why: W, severity: info, suggest: S,
     phrases: ["now only", "buy"]}
"""
    )
    r = review("Buy now only!", load_playbook(path))
    assert sorted((f.rule, f.quote) for f in r.findings) == [
        ("a", "Buy now"),
        ("b", "Buy"),
        ("b", "now only"),
    ]


def test_caps_words_allow_and_acronyms(pb):
    text = "FLASH SALE at ACME with NASA and the FAQ, OK?"
    r = review(text, pb)
    assert [f.quote for f in r.findings if f.rule == "shouting"] == ["FLASH SALE"]


def test_exclamation_runs_but_not_a_single_warm_one(pb):
    assert "shouting" not in rules_of(review("Thanks so much!", pb))
    r = review("Great!! Really!!!", pb)
    assert [f.quote for f in r.findings if f.rule == "shouting"] == ["!!", "!!!"]


def test_too_many_exclamations(pb):
    r = review("Yes! Yes! Yes! Yes!", pb)
    assert [f.quote for f in r.findings if f.rule == "stuffing"] == ["!"]
    assert "4 exclamation marks" in r.findings[-1].suggestion


def test_hashtags_follow_platform_norm(pb):
    text = "New planner #a #b #c #d"
    generic = review(text, pb)
    assert [f.quote for f in generic.findings if f.rule == "stuffing"] == ["#d"]
    x = review(text, pb, platform="x")
    assert [f.quote for f in x.findings if f.rule == "stuffing"] == ["#c #d"]
    assert "4 hashtags; 2 is the norm on X" in x.findings[-1].suggestion
    assert "stuffing" not in rules_of(review(text, pb, platform="instagram"))


def test_emoji_and_links(pb):
    r = review("Party 🎉🎉 🎉 👍🏽 ok", pb)
    assert [f.quote for f in r.findings if f.rule == "stuffing"] == ["👍🏽"]
    links = "a https://a.com b https://b.com c www.c.com"
    assert [f.quote for f in review(links, pb).findings if f.rule == "stuffing"] == ["www.c.com"]


def test_we_you_balance_and_name_repeats(pb):
    r = review("We built our app for us and we love it.", pb)
    (f,) = [f for f in r.findings if f.rule == "brand-voice"]
    # the words that are all about us, not a lone "We"
    assert f.quote == "We built our app for us and we love" and "4 we/our/us, 0 you/your" in (
        f.suggestion
    )
    assert "brand-voice" not in rules_of(review("We think you will like your new app.", pb))
    text = "Acme is here. Acme is fast. Ask Acme."
    r = review(text, pb)
    (f,) = [f for f in r.findings if f.rule == "brand-voice"]
    assert f.quote == "Acme" and f.start == text.rindex("Acme")  # the third, past max 2


def test_question_absence_quotes_last_sentence(pb):
    text = "We shipped the new planner today. It has pages for every week of the year.  "
    r = review(text, pb)
    (f,) = [f for f in r.findings if f.rule == "no-question"]
    assert f.quote == "It has pages for every week of the year."
    assert "no-question" not in rules_of(review(text + " What would you plan?", pb))
    assert "no-question" not in rules_of(
        review("Tell us what you think of the planner we shipped today", pb)
    )


def test_an_absence_note_quotes_words_no_other_finding_quotes():
    default = PlaybookLibrary().get(None)
    text = (
        "We have just published our guide to saving energy at home this winter. "
        "Download it now and buy now before the price goes up."
    )
    r = review(text, default)
    (note,) = [f for f in r.findings if f.rule == "no-question"]
    assert note.quote == "We have just published our guide to saving energy at home this winter."
    others = [f for f in r.findings if f.rule != "no-question"]
    assert others and all(f.end <= note.start or f.start >= note.end for f in others)
    assert text[note.start : note.end] == note.quote
    # the score is the same wherever the note points
    assert r.human_score == 100 - sum(f.penalty for f in r.findings)
    # one sentence only: nothing better to quote, so the note keeps it
    one = "Buy now: our new planner is out with a calendar for the whole team, watch the video."
    (note,) = [f for f in review(one, default).findings if f.rule == "no-question"]
    assert note.quote == one


def test_length_per_platform(pb):
    text = "word " * 70  # 350 characters
    x = review(text, pb, platform="x")
    (f,) = [f for f in x.findings if f.rule == "too-long"]
    assert f.start == 280 and f.quote == text[280:].rstrip()
    assert "too-long" not in rules_of(review(text, pb, platform="threads"))
    assert "too-long" not in rules_of(review(text, pb))  # generic: no limit


def test_the_too_long_quote_starts_on_the_first_word_that_does_not_fit(pb):
    text = "abcdefg " * 40  # 320 characters; character 280 is inside a word
    (f,) = [f for f in review(text, pb, platform="x").findings if f.rule == "too-long"]
    assert f.start == 280 - 280 % 8 and f.quote.startswith("abcdefg")


def test_a_draft_over_the_platform_limit_is_not_ready_to_post():
    draft = (
        "We've spent two years rebuilding our app with you, on calls and in the comments. "
        "It's faster and calmer now, and it's ready for everyone today. Thank you all. "
        "Which part should we improve next? Tell us below, and we'll share what we hear "
        "with the whole team that built it, so they know who they built it for."
    )
    default = PlaybookLibrary().get(None)
    assert review(draft, default).verdict == "Ready to post"
    assert review(draft, default, platform="x").verdict != "Ready to post"


def test_x_counts_links_as_23_characters(pb):
    url = "https://example.com/" + "a" * 200
    text = "x" * 250 + " " + url
    assert weighted_length(text, get_platform("x")) == 250 + 1 + 23
    assert "too-long" not in rules_of(review(text, pb, platform="x"))
    assert "too-long" in rules_of(review(text, pb, platform="bluesky"))


def test_platform_table_and_unknown_platform():
    assert {k: p.limit for k, p in PLATFORMS.items()} == {
        "x": 280,
        "bluesky": 300,
        "threads": 500,
        "linkedin": 3000,
        "instagram": 2200,
        "facebook": 63206,
        "generic": None,
    }
    assert get_platform("Twitter").id == "x"
    with pytest.raises(ValueError, match=r"Unknown platform 'myspace'\. Known: x, bluesky"):
        get_platform("myspace")


def test_facebook_fold_is_a_note_not_a_finding(pb):
    r = review("A calm sentence. " * 40, pb, platform="facebook")
    assert "too-long" not in rules_of(r)
    assert any("See more" in n for n in r.notes)


# ---- replies -------------------------------------------------------------------------------

COMPLAINT = "Third time this month your app logged me out and ate my draft. Ridiculous."


def test_reply_rules_only_apply_to_replies(pb):
    draft = "We apologize for any inconvenience. Per our policy, drafts are kept 24 hours."
    as_post = review(draft, pb)
    assert not {"reply-thanks", "non-apology"} & set(rules_of(as_post))
    as_reply = review(draft, pb, in_reply_to=COMPLAINT)
    found = rules_of(as_reply)
    assert found.count("non-apology") == 2  # the phrase, and no acknowledgement
    assert "reply-thanks" in found
    assert "brand-voice" not in found  # applies_to: post
    assert "no-question" not in found  # a reply is not a broadcast
    assert_offsets(draft, as_reply)


def test_good_reply_passes(pb):
    draft = "You're right, and I'm sorry: that logout bug is ours. Thank you for telling us. — Sam"
    r = review(draft, pb, in_reply_to=COMPLAINT)
    assert not {"reply-thanks", "non-apology"} & set(rules_of(r))
    ids = [s.id for s in r.strengths]
    assert {"owns-mistake", "thanks", "signed"} <= set(ids)


def test_sorry_if_is_not_owning_it(pb):
    r = review("We're sorry if you feel that way. Thanks.", pb, in_reply_to="This is broken.")
    assert "non-apology" in rules_of(r)


def test_question_comment_needs_no_thanks(pb):
    r = review("We open at 9.", pb, in_reply_to="What time do you open?")
    assert "reply-thanks" not in rules_of(r)
    assert "reply-thanks" in rules_of(review("Ok.", pb, in_reply_to="Love this, great work"))


def test_blank_comment_is_not_a_reply(pb):
    assert review("Per our policy.", pb, in_reply_to="  ").findings == ()


# ---- scoring -------------------------------------------------------------------------------


def test_repeat_penalty_schedule():
    assert [repeat_penalty(10, n) for n in range(5)] == [10, 5, 2, 0, 0]
    assert [repeat_penalty(16, n) for n in range(4)] == [16, 8, 4, 0]


def test_score_is_the_sum_of_visible_penalties(pb):
    text = "Hurry! Act now, last chance, don't miss out, hurry!! We leverage synergy."
    r = review(text, pb)
    urgency = [f.penalty for f in r.findings if f.rule == "urgency"]
    assert urgency == [10, 5, 2, 0, 0]
    assert r.human_score == max(0, 100 - sum(f.penalty for f in r.findings))
    assert r.verdict == verdict_for(r.human_score, r.findings)
    assert r.summary.startswith(f"{r.human_score} = 100 − ")
    assert_offsets(text, r)


def test_verdict_bands_and_clean_draft(pb):
    assert (verdict_for(80), verdict_for(79), verdict_for(50), verdict_for(49)) == (
        VERDICT_READY,
        VERDICT_TOUCHES,
        VERDICT_TOUCHES,
        VERDICT_AD,
    )
    r = review("What should we fix next? Tell us.", pb)
    assert r.findings == () and r.human_score == 100 and r.verdict == VERDICT_READY
    assert r.engine == "rules" and r.playbook == "basic" and r.playbook_version == "1.0"


def test_review_round_trips_through_dict(pb):
    from bot.review.core.model import Review

    r = review("FLASH SALE!!! Act now #a #b #c #d", pb, platform="x")
    assert Review.from_dict(r.to_dict()) == r


def test_forty_thousand_characters_are_reviewed(pb):
    text = ("Act now!!! Our FLASH SALE ends soon, https://shop.example.com/a. " * 700)[:40_000]
    r = review(text, pb, platform="linkedin")
    assert len(text) == 40_000
    # Diminishing returns: thousands of repeats cost no more than three of each.
    assert len(r.findings) > 2000
    assert r.human_score == max(0, 100 - sum(f.penalty for f in r.findings)) < 50
    assert_offsets(text, r)
    assert r.rewrite.facts_kept


def test_empty_and_whitespace_drafts(pb):
    for text in ("", "   \n"):
        r = review(text, pb)
        assert r.findings == () and "The draft is empty." in r.notes


def test_not_text_is_a_type_error(pb):
    with pytest.raises(TypeError):
        review(b"bytes", pb)


# ---- strengths -----------------------------------------------------------------------------


@pytest.mark.parametrize("sig", ["— Sam", "^SM", "-Jo", "~ Priya K."])
def test_signatures(pb, sig):
    assert "signed" in [s.id for s in review(f"Thanks for the note. {sig}", pb).strengths]


def test_strengths_of_a_human_post(pb):
    text = (
        "Six months ago you told us onboarding was confusing. We rebuilt it with 40 of you - "
        "thank you. It's live: https://example.com/onboarding. What should we fix next?"
    )
    ids = [s.id for s in review(text, pb).strengths]
    assert ids[:3] == ["asks-question", "thanks", "speaks-to-you"]
    assert "clear-link" in ids
    help_ids = [s.id for s in review("Email support@example.com and we'll sort it.", pb).strengths]
    assert "offers-help" in help_ids


# ---- matcher internals ---------------------------------------------------------------------


def test_normalise_keeps_length_and_maps_quotes():
    text = "İstanbul “Quote” it’s\u00a0ok\tA‐B"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm[text.index("“")] == '"' and norm[text.index("’")] == "'"
    assert norm[text.index("\u00a0")] == " " and norm[text.index("‐")] == "-"
    assert norm.startswith("İ".lower()[0]) or norm[0] == "İ"
    assert "quote" in norm


def test_phrase_matcher_reports_word_prefix_at_same_place():
    pm = PhraseMatcher([phrase_form(p) for p in ("buy", "buy now", "now")])
    longest, shorter = pm.scan(normalise("buy now"))
    assert [(s, e) for s, e, _ in longest] == [(0, 7), (4, 7)]
    assert [(s, e) for s, e, _ in shorter] == [(0, 3)]


# ---- quotes a person can read ----------------------------------------------------------------

QUOTES_PLAYBOOK = r"""
id: q
name: Q
version: "1"
description: d
principles: [{id: p, title: P, why: W}]
rules:
  - {id: offer, principle: p, title: Offer, why: W, severity: warning, suggest: S,
     patterns: ['%(?<=\d%) ?off\b', 'hit \d[\d,]* ?']}
  - {id: press, principle: p, title: Press, why: W, severity: warning, suggest: S,
     phrases: ["is pleased to announce", "announce the launch of"],
     swap: {"pleased to announce the launch of": "happy to launch"}}
  - {id: ask, principle: p, title: Ask, why: W, severity: info, suggest: S,
     metrics: {question: {min_words: 3}}}
"""


@pytest.fixture(scope="module")
def qpb(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "q.yml"
    path.write_text(QUOTES_PLAYBOOK)
    return load_playbook(path)


def test_quotes_widen_to_whole_tokens_and_drop_edge_spaces(qpb):
    text = "Planners 40% OFF today, help us hit 10,000 likes"
    r = review(text, qpb)
    quotes = [f.quote for f in r.findings if f.rule == "offer"]
    assert quotes == ["40% OFF", "hit 10,000"]
    assert_offsets(text, r)


def test_overlapping_hits_of_one_rule_are_one_finding_with_the_longer_swap(qpb):
    text = "Acme is pleased to announce the launch of a planner."
    r = review(text, qpb)
    (f,) = [f for f in r.findings if f.rule == "press"]
    assert f.quote == "is pleased to announce the launch of"
    assert f.replacement == "is happy to launch"
    assert f.penalty == 10  # one finding, charged once
    assert r.rewrite.text == "Acme is happy to launch a planner."
    assert_offsets(text, r)


def test_absence_finding_quotes_the_last_sentence_with_words(qpb):
    text = "We shipped the planner today. Grab one now!! ❤️ 🎉"
    r = review(text, qpb)
    (f,) = [f for f in r.findings if f.rule == "ask"]
    assert f.quote == "Grab one now!!"
    assert_offsets(text, r)


def test_a_hyphenated_capitalised_word_is_quoted_and_calmed_whole():
    draft = "🚀 GAME-CHANGER ALERT 🚀 Our new app is live. What do you think of it?"
    r = review(draft, PlaybookLibrary().get(None))
    (shout,) = [f for f in r.findings if f.rule == "shouting"]
    assert shout.quote == "GAME-CHANGER ALERT"
    assert "Game-changer alert" in r.rewrite.text


# ---- a finding about something missing quotes words, not a signature or a link ---------------


@pytest.mark.parametrize(
    "draft, sentence",
    [
        (
            "I started this company at my kitchen table. I still answer support on Fridays "
            "— say hi. — Maya",
            "I still answer support on Fridays — say hi.",
        ),
        (
            "Limited edition mugs are back for the winter months. https://shop.example.com/mugs",
            "Limited edition mugs are back for the winter months.",
        ),
        (
            "Winner announced on Friday, with the prize going out by post. #giveaway #win #free",
            "Winner announced on Friday, with the prize going out by post.",
        ),
    ],
)
def test_absence_finding_skips_signatures_links_and_hashtags(draft, sentence):
    (quote,) = quotes(review(draft, FEW_RULES), "no-question")
    assert quote == sentence


@pytest.mark.parametrize(
    "signature", [" — Ana", " -Sam", " /AY", " *TMT", " ^AB", " Kind regards, Sam"]
)
def test_absence_finding_in_a_reply_skips_the_signature(signature):
    # (The draft used to be "I've chased the courier...": a reply that acts on the
    # complaint is owed no thanks, so it no longer gets the finding at all.)
    body = "The tracking page shows the courier's latest estimate."
    r = review(body + signature, FEW_RULES, in_reply_to=LATE_ORDER)
    assert quotes(r, "reply-no-thanks") == [body]


def test_a_draft_of_only_a_link_still_gets_its_finding():
    r = review("https://example.com/a-very-long-link/with/many/parts/to/read/here", FEW_RULES)
    assert all(f.quote for f in r.findings)


# ---- a removal widened over more words of its rule stays a removal ---------------------------


def test_widened_removal_stays_a_removal():
    draft = "Our new café opens on Saturday 12 April. Like and share this post with friends!"
    (bait,) = [f for f in review(draft, FEW_RULES).findings if f.rule == "engagement-bait"]
    assert bait.quote == "Like and share this post"
    assert bait.replacement == ""
