"""The strengths a review names (bot/review/rules/strengths.py) are earned: a "?" in a link
asks nothing, a short plain post counts its "!" and is not an ad, and an order to buy
("Get yours") is not speaking to the reader."""

from __future__ import annotations

from bot.review.rules.engine import review
from tests.review.rules.few_rules import FEW_RULES, quotes, strength_ids


def test_question_mark_in_a_link_is_not_a_question():
    draft = (
        "Our spring catalogue is out. Every product, every price, all in one place: "
        "https://example.com/catalogue?season=spring"
    )
    r = review(draft, FEW_RULES)
    assert "asks-question" not in strength_ids(r)
    assert quotes(r, "no-question")  # the rule is no longer silenced by the link
    assert "asks-question" in strength_ids(review("Which one? https://example.com/?a=1", FEW_RULES))


def test_short_and_plain_counts_marks_and_is_not_said_of_an_ad():
    assert "plain-length" in strength_ids(review("The shop opens at nine on Friday!", FEW_RULES))
    assert "plain-length" not in strength_ids(
        review("The shop opens at nine on Friday!!!", FEW_RULES)
    )
    assert "plain-length" not in strength_ids(review("Big day! The shop opens at nine!", FEW_RULES))
    ad = review("Order yours at the shop on Friday morning.", FEW_RULES)
    assert ad.human_score < 50
    assert "plain-length" not in strength_ids(ad)


def test_an_order_to_buy_is_not_speaking_to_the_reader():
    r = review(
        "Our new collection just dropped. Get yours today at https://x.example/new", FEW_RULES
    )
    assert "speaks-to-you" not in strength_ids(r)
    r = review("Your parcel went out today; yours should land by Friday.", FEW_RULES)
    assert "speaks-to-you" in strength_ids(r)
