"""The fact check: what a rewrite must keep, what it may drop, and what it may not add.

One public surface for both engines and the benchmarks; import from here, not from the
modules inside, which build on each other one way:

    extract (facts of a text) <- piecewise (a rewrite's facts, re-extracted where it differs)
    extract <- proper_names (products, places, people), verbatim (codes, quotes, placeholders)
    extract <- counts (what a number counts) <- push (what a finding asks to drop)
    all of them <- verdict (the check of a rewrite against its draft)

- Facts are what the reader needs, kept in their case and spelling: links, mentions and
  channel links, emails, phone numbers, prices, percentages, dates and times, numbers (with
  what they count: "10,000 likes" can't become "10,000 meals"), codes ("SAVE40", "use code
  WELCOME"), names of products, places and people, placeholders ("{first_name}") and quoted
  speech (word for word). Facts compare by normalised value: "$1,299.00" is kept by
  "$1299", "5pm" by "17:00", "#Planner" by "#planner".
- Push is what a finding asks to drop, and may go (push.py); a check says which went, so
  the review can name them as dropped on purpose.
- Nothing added: no fact, code, name, placeholder or Slack/Markdown formatting the draft
  lacks.

`check` is the fact model both engines use; `check_facts` is the strict check (every fact
and name, push included) a rules rewrite and a shorter version must pass.
"""

from bot.review.rules.fact_check.counts import recounted
from bot.review.rules.fact_check.extract import Fact, facts, make_fact, stated_numbers
from bot.review.rules.fact_check.piecewise import missing_facts, rewrite_facts, surely_kept
from bot.review.rules.fact_check.proper_names import missing_names, names, names_lost_in_edits
from bot.review.rules.fact_check.push import droppable, push_rules, push_spans
from bot.review.rules.fact_check.verbatim import extras, protected_spans
from bot.review.rules.fact_check.verdict import (
    KIND_WORDS,
    FactCheck,
    Item,
    added,
    added_formatting,
    check,
    check_facts,
)

__all__ = [
    "KIND_WORDS",
    "Fact",
    "FactCheck",
    "Item",
    "added",
    "added_formatting",
    "check",
    "check_facts",
    "droppable",
    "extras",
    "facts",
    "make_fact",
    "missing_facts",
    "missing_names",
    "names",
    "names_lost_in_edits",
    "protected_spans",
    "push_rules",
    "push_spans",
    "recounted",
    "rewrite_facts",
    "stated_numbers",
    "surely_kept",
]
