"""Replies judged against the comment they answer (bot/review/rules/comment.py and the reply rules
of the default playbook). Every comment and reply here is invented."""

from __future__ import annotations

import pytest

from bot.review.playbooks.loader import PlaybookError, PlaybookLibrary, load_playbook
from bot.review.rules.comment import read_comment, signature_start
from bot.review.rules.engine import review
from bot.review.rules.metrics.replying import comment_is_complaint
from tests.review.rules.few_rules import FEW_RULES, LATE_ORDER, quotes, strength_ids

DEFAULT = PlaybookLibrary().get(None)
WARM = PlaybookLibrary().get("warm-support")


def rules_of(text: str, comment: str, playbook=DEFAULT) -> set[str]:
    return {f.rule for f in review(text, playbook, platform="x", in_reply_to=comment).findings}


# ---- reading the comment ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "kind"),
    [
        ("Third time this month the app logged me out and ate my draft. Ridiculous.", "complaint"),
        ("My parcel still hasn't arrived and nobody answers the phone.", "complaint"),
        ("Your checkout keeps timing out.", "complaint"),
        ("What time does the Harbour Street branch open on Sunday?", "question"),
        ("Any word on when the Leeds shop reopens", "question"),
        ("Best sourdough in town, the Mill Road bakery never disappoints!", "praise"),
        ("Shout out to the night team at the depot, absolute heroes", "praise"),
        ("Thanks for sorting my broadband so fast.", "thanks"),
        ("Thank you, the refund came through and it's working again.", "thanks"),
        ("You're all useless idiots", "abuse"),
        ("Wearing my dinosaur onesie to the shop today", "other"),
        ("The 06:20 from Euston, coach B", "other"),
        # A problem brought as a request for help is a question; with heat, a complaint.
        ("Having trouble printing from the app, can you help?", "question"),
        ("Having trouble printing from the app AGAIN, can you help?!!", "complaint"),
        ("Third outage this week and I work from home", "complaint"),
    ],
)
def test_the_kind_of_comment(comment, kind):
    assert read_comment(comment).kind == kind


def test_what_the_comment_names():
    read = read_comment("@AcmeAir My flight to Lisbon was cancelled and the refund form is broken")
    assert {"flight", "lisbon", "cancelled", "refund", "form"} <= set(read.names)
    assert "my" not in read.names and "acmeair" not in read.names  # grammar and @handles


@pytest.mark.parametrize(
    ("comment", "done"),
    [
        ("I did.", True),
        ("Already sent you a DM with my order number.", True),
        ("DM sent!", True),
        ("I DM'd you this morning", True),
        ("I did that and they closed my case, so I've lost £120", False),
        ("Did you get my DM?", False),
        ("My parcel is late.", False),
    ],
)
def test_a_comment_that_says_it_already_sent_what_is_asked(comment, done):
    assert read_comment(comment).done is done


@pytest.mark.parametrize(
    ("reply", "signature"),
    [
        ("Sorry about that. ^AB", "^AB"),
        ("Sorry about that. ^mg", "^mg"),
        ("Enjoy the burrito! -Sam", "-Sam"),
        ("Back on tomorrow. - Matt", "- Matt"),
        ("We'll take a look. /AY https://t.co/abc123", "/AY https://t.co/abc123"),
        ("Replying now. *TMT", "*TMT"),
        ("That's on us. Kind regards, Sam", "Kind regards, Sam"),
        ("Please check again. Thanks-Sha", "-Sha"),
        ("Seats can change... *TLT... 1/2", "*TLT... 1/2"),
    ],
)
def test_signatures_are_recognised(reply, signature):
    assert reply[signature_start(reply) :] == signature


@pytest.mark.parametrize(
    "reply",
    ["We are the best, really", "Switch to T-Mobile", "It takes 2-3 days - it works", "Call 24/7"],
)
def test_sentences_are_not_signatures(reply):
    assert signature_start(reply) == len(reply)


# ---- reply-no-thanks owes thanks only where it is owed ------------------------------------

COMPLAINT = "My parcel is a week late and nobody answers the phone. Awful."
PRAISE = "Your new bakery on Mill Road is brilliant, best sourdough I've had."


@pytest.mark.parametrize(
    ("reply", "comment"),
    [
        # praise received warmly
        ("So glad the sourdough hit the spot, Tom! See you Saturday. ^LK", PRAISE),
        # thanks is owed nothing back
        ("Any time, Jo. Enjoy the new router! -Sam", "Thanks for sorting my broadband so fast."),
        # a plain question is owed an answer
        ("We open at 8 on Saturdays. /AY", "What time does the Harbour Street branch open?"),
        # mid-troubleshooting
        ("Which app version are you on? It's under Settings > About. *TMT", COMPLAINT),
        ("Please DM us your order number and postcode so we can chase it. -Jen", COMPLAINT),
        # an apology
        ("Sorry, Ellie, a week is far too long. Kind regards, Sam", COMPLAINT),
        # an action taken
        ("I've chased the courier and it's out for delivery tomorrow. -Jo", COMPLAINT),
    ],
)
def test_reply_no_thanks_stays_quiet(reply, comment):
    assert "reply-no-thanks" not in rules_of(reply, comment)


@pytest.mark.parametrize(
    ("reply", "comment"),
    [
        ("Ok.", PRAISE),
        ("Our autumn menu launches on Monday. -Priya", PRAISE),
        ("Orders usually arrive within ten days. ^KD", COMPLAINT),
    ],
)
def test_reply_no_thanks_fires_and_never_quotes_the_signature(reply, comment):
    r = review(reply, DEFAULT, in_reply_to=comment)
    (finding,) = [f for f in r.findings if f.rule == "reply-no-thanks"]
    assert finding.quote == reply[: signature_start(reply)].strip()
    assert reply[finding.start : finding.end] == finding.quote


def test_an_absence_quote_skips_the_handles_a_reply_opens_with():
    reply = "@4412 @acme Orders usually arrive within ten days. ^KD"
    quotes = {f.quote for f in review(reply, DEFAULT, in_reply_to=COMPLAINT).findings}
    assert quotes == {"Orders usually arrive within ten days."}


# ---- what goes wrong in replies -----------------------------------------------------------

FRAUD = "Someone used my card on your site and I've lost £300. Please help."


@pytest.mark.parametrize(
    ("reply", "comment", "rule"),
    [
        ("Hi there! Please send us a DM! ^RT", FRAUD, "deflection"),
        ("Please fill out the form here: https://example.com/form", FRAUD, "deflection"),
        ("Thanks for your patience. ^KM", COMPLAINT, "stock-reply"),
        ("I would be glad to look into this for you.", COMPLAINT, "stock-reply"),
        ("Please send us a DM so we can help further.", "I did.", "asked-again"),
        (
            "No thank you. -Dan",
            "I have the receipt and a photo of the box, want them?",
            "dismissive-reply",
        ),
        (
            "That is not correct. The fee always applied.",
            "You never told me about the fee.",
            "dismissive-reply",
        ),
        ("We hope you get everything sorted.", FRAUD, "blame-shifting"),
        ("That's between you and the seller.", "The seller never sent my lamp.", "blame-shifting"),
        ("As previously explained, the fee applies.", "Why the fee? Ridiculous.", "policy-quoting"),
    ],
)
def test_what_goes_wrong_in_a_reply_is_caught(reply, comment, rule):
    r = review(reply, DEFAULT, platform="x", in_reply_to=comment)
    assert rule in {f.rule for f in r.findings}
    assert r.verdict != "Ready to post", [(f.rule, f.penalty) for f in r.findings]


@pytest.mark.parametrize(
    ("reply", "comment"),
    [
        # asks for exactly what it needs: partly a move to DM, not a deflection
        ("Please DM us a photo of the error and your app version. -Dee", COMPLAINT),
        ("Sorry about the card, that's awful. DM us and we'll freeze it now. ^RT", FRAUD),
        # a chat, not a complaint or a question
        ("DM us! -Kat", "Just picked up my new bike from your Bristol shop"),
        ("So true. -Becca", "Going to a fancy-dress party without a costume is like swimming dry."),
        # asked who to contact: the contact is the answer
        ("Our bookings team is on 0300 555 0199, 8am to 8pm. /JL", "Who do I call to rebook?"),
        # found the DM they sent
        ("Got it, thanks. I've replied in DM with the refund. -Leo", "DM sent!"),
    ],
)
def test_good_replies_stay_ready_to_post(reply, comment):
    r = review(reply, DEFAULT, platform="x", in_reply_to=comment)
    assert r.verdict == "Ready to post", [(f.rule, f.quote) for f in r.findings]
    assert not [f for f in r.findings if f.severity in ("warning", "problem")]


@pytest.mark.parametrize(
    ("reply", "heard"),
    [
        ("Please contact support@example.com for further assistance.", False),
        ("Please DM us your order number and the postcode. -Jen", True),  # asks for a thing
        ("We're aware and the team is on it; back by 2pm. ^DL", True),  # hears it
        ("There's an outage in your area, engineers are on it. ^DL", True),
        ("That doesn't look right. Tell us more? -Bea", True),
        ("Our opening hours are on the website.", False),
        ("Refunds take 30 days. Please read our FAQ.", False),  # sends away, asks nothing
        ("We're only obligated to provide bags for loose fruit.", False),
        ("I'll need your account email to check. ^DL", True),
    ],
)
def test_what_acknowledges_a_complaint(reply, heard):
    assert ("reply-no-acknowledgement" not in rules_of(reply, COMPLAINT)) is heard


def test_reply_rules_never_fire_on_a_post():
    for text in ("Please send us a DM!", "Thanks for your patience.", "No thank you."):
        rules = {f.rule for f in review(text, DEFAULT).findings}
        assert not rules & {"deflection", "stock-reply", "asked-again", "dismissive-reply"}


def test_warm_support_keeps_its_dm_rule_for_complaints_only():
    assert "dm-brush-off" in rules_of("Please DM us.", COMPLAINT, WARM)
    assert "dm-brush-off" not in rules_of("Please DM us.", "Can I change my seat?", WARM)


# ---- the playbook format: comment conditions --------------------------------------------

RULE = """
id: t
name: T
version: "1"
description: d
principles: [{id: p, title: P, why: W}]
rules:
  - id: only-complaints
    principle: p
    title: T
    why: W.
    severity: warning
    suggest: S.
    applies_to: reply
    comment: [complaint]
    phrases: ["please dm us"]
"""


def test_a_comment_condition_limits_a_rule_to_those_comments(tmp_path):
    path = tmp_path / "t.yml"
    path.write_text(RULE)
    pb = load_playbook(path)
    assert rules_of("Please DM us.", COMPLAINT, pb) == {"only-complaints"}
    assert rules_of("Please DM us.", "What time do you open?", pb) == set()
    assert rules_of("Please DM us.", "Thanks so much!", pb) == set()


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ("comment: [rant]", "rule only-complaints: comment: unknown kind 'rant'"),
        ("comment: complaint", "rule only-complaints: comment: must be a list of comment kinds"),
        ("comment: []", "rule only-complaints: comment: must be a list of comment kinds"),
    ],
)
def test_a_bad_comment_condition_names_file_rule_and_field(tmp_path, field, problem):
    path = tmp_path / "bad.yml"
    path.write_text(RULE.replace("comment: [complaint]", field))
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert any(str(path) in line and problem in line for line in err.value.problems), err.value


def test_a_comment_condition_on_a_post_rule_is_refused(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(RULE.replace("applies_to: reply", "applies_to: post"))
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert "rule only-complaints: comment: only a reply answers a comment" in str(err.value)


def test_a_bad_reply_phrase_list_names_the_metric_parameter(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(
        RULE.replace('phrases: ["please dm us"]', "metrics: {reply_deflects: {channels: dm}}")
    )
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert "rule only-complaints: metrics.reply_deflects.channels: must be a list" in str(err.value)


@pytest.mark.parametrize(
    ("reply", "comment", "rule", "quote"),
    [
        ("@12 Hi there! Please send us a DM! ^RT", FRAUD, "deflection", "Please send us a DM!"),
        (
            "If you're unhappy, please contact us here: https://example.com/c ^CB",
            FRAUD,
            "deflection",
            "If you're unhappy, please contact us here: https://example.com/c",
        ),
        (
            "Please send us a DM so we can help further. Thanks!",
            "I did.",
            "asked-again",
            "Please send us a DM so we can help further.",
        ),
    ],
)
def test_a_channel_finding_quotes_its_sentence(reply, comment, rule, quote):
    r = review(reply, DEFAULT, in_reply_to=comment)
    (finding,) = [f for f in r.findings if f.rule == rule]
    assert finding.quote == quote
    assert reply[finding.start : finding.end] == quote


# ---- praise is not a complaint; the owning and thanking words that count ---------------------


@pytest.mark.parametrize(
    "comment",
    [
        "I've never had a better croissant in my life!",
        "Best coffee in town, I'll be back again tomorrow!",
        "Can't fault the service, the delivery driver was lovely and not late at all.",
        "Never disappoints, and the staff are not rude like some places.",
    ],
)
def test_praise_is_not_read_as_a_complaint(comment):
    assert not comment_is_complaint(comment)
    r = review(
        "Thank you, that's made the bakers' morning! Come back soon.",
        FEW_RULES,
        in_reply_to=comment,
    )
    assert quotes(r, "reply-no-ack") == []


@pytest.mark.parametrize(
    "comment",
    [
        "My parcel is a week late and nobody answers the phone.",
        "My parcel is a week late.",
        "You've put your prices up again, haven't you?",
        "It never arrived.",
        "The driver was late again.",
        "Your app crashed and lost my photos.",
        "The service was bad.",
    ],
)
def test_complaints_are_still_complaints(comment):
    assert comment_is_complaint(comment)


def test_a_plain_sorry_acknowledges_the_problem():
    draft = "Sorry, that's a long wait. I've chased order #48213 with the courier. Thank you!"
    assert quotes(review(draft, FEW_RULES, in_reply_to=LATE_ORDER), "reply-no-ack") == []
    # A hedged "sorry" owns nothing (the hedge no longer chases the order: acting on the
    # complaint is an acknowledgement of its own).
    hedge = "Sorry if you feel that way. Parcels usually arrive within ten days."
    assert quotes(review(hedge, FEW_RULES, in_reply_to=LATE_ORDER), "reply-no-ack")


def test_thanks_for_your_patience_thanks_no_one():
    # (The draft used to open "Sorry, that's a long wait.": a reply that apologises is
    # owed no thanks on top, issue 9.)
    draft = "It's out for delivery tomorrow. Thanks for your patience."
    r = review(draft, FEW_RULES, in_reply_to=LATE_ORDER)
    assert quotes(r, "reply-no-thanks") == ["Thanks for your patience."]
    assert "thanks" not in strength_ids(r)
    r = review(
        "Thanks for telling us, and sorry: it's out tomorrow.", FEW_RULES, in_reply_to=LATE_ORDER
    )
    assert quotes(r, "reply-no-thanks") == [] and "thanks" in strength_ids(r)
