"""The rules' shorter version: wordy phrases made plain, filler cut, facts kept."""

from __future__ import annotations

from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.fact_check import check_facts
from bot.review.rules.shorten import compress, shorter

PLAYBOOK = PlaybookLibrary().get(None)


def test_compress_makes_wordy_phrases_plain_and_cuts_filler():
    text = (
        "We are so excited to announce that our planner is really good. "
        "In order to get it, visit https://x.co"
    )
    assert compress(text) == "Our planner is good. To get it, visit https://x.co"


def test_compress_keeps_a_lowercase_start_that_was_never_cut():
    assert (
        compress("iPhone owners: the app is really fast now")
        == "iPhone owners: the app is fast now"
    )


def test_shorter_keeps_every_fact_the_rules_rewrite_kept():
    draft = (
        "Please note that our very popular planner is 20% off at https://shop.example.com "
        "on 5 March."
    )
    result = shorter(draft, PLAYBOOK)
    assert result is not None and len(result.text) < len(draft)
    assert check_facts(draft, result.text) == []
    assert "very" not in result.text and "Please note" not in result.text


def test_nothing_to_cut_means_no_rules_version():
    assert shorter("Thanks for telling us. What should we fix first?", PLAYBOOK) is None
