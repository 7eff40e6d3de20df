"""The indexes that keep a review linear give exactly the answers of the scans they replace.

Each fast path (bisection over positions found once, a per-draft cache, the regex module
reading characters as re does) is checked against the plain scan it stands in for, on
random drafts built from the characters that decide the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.rules.conditions import Seen, sentence_around, speaks_of_self
from bot.review.rules.matcher import as_re_reads, compile_pattern, normalise
from bot.review.rules.metrics.hashtags import _said_test, _tag_is_said
from bot.review.rules.metrics.sentences import SentencesBefore, last_sentence
from bot.review.rules.spans import SHORT, SpanIndex

SENTENCE_BITS = st.sampled_from(
    ["word", " ", ".", "!!", "?", "…", "\n", '"', ")", "'", "\t", "a b", "x" * 40, "...", "!) "]
)
SENTENCE_TEXTS = st.lists(SENTENCE_BITS, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=SENTENCE_TEXTS)
def test_sentences_before_is_last_sentence_of_the_text_cut_there(text):
    before = SentencesBefore(text)
    for k in range(len(text) + 1):
        assert before.last(k) == last_sentence(text[:k])


@dataclass(frozen=True)
class Span:
    start: int
    end: int


SPAN_LISTS = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 30)).map(lambda t: Span(t[0], t[0] + t[1])),
    min_size=0,
    max_size=3 * SHORT,
)


@settings(max_examples=200, deadline=None)
@given(items=SPAN_LISTS, s=st.integers(0, 240), width=st.integers(0, 40))
def test_span_index_answers_like_a_scan_in_list_order(items, s, width):
    index, e = SpanIndex(items), s + width
    assert index.overlapping(s, e) == [f for f in items if f.start < e and f.end > s]
    assert index.starting_in(s, e) == [f for f in items if s <= f.start < e]


CONDITION_BITS = st.sampled_from(
    ["we ", "our ", "I ", "us ", "US ", "my", "Acme's ", "Acme ", "partner ", "is ", ". ",
     "\n", "great ", "word ", "x" * 30 + " ", "@bob ", ", ", "Parkway ", "ourselves"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(text=st.lists(CONDITION_BITS, max_size=120).map("".join), data=st.data())
def test_conditions_with_the_drafts_indexes_answer_as_the_scans_do(text, data):
    seen = Seen(text)
    s = data.draw(st.integers(0, len(text)))
    e = data.draw(st.integers(s, len(text)))
    assert sentence_around(text, s, e, seen) == sentence_around(text, s, e)
    ss = data.draw(st.integers(0, s))
    assert speaks_of_self(text, ss, s, seen) == speaks_of_self(text, ss, s)


NAMES = st.sets(st.text("abcé", max_size=6), max_size=8)


@settings(max_examples=300, deadline=None)
@given(said=NAMES, tags=st.lists(st.text("abcéABÉ", max_size=8), max_size=10))
def test_the_brands_own_tag_test_answers_like_the_loop(said, tags):
    is_said = _said_test(said)
    assert [is_said(t) for t in tags] == [_tag_is_said(t, said) for t in tags]


PATTERNS = sorted({p for book in PlaybookLibrary().all() for r in book.rules for p in r.patterns})
UNICODE_BITS = st.sampled_from(
    ["Repost ♻️ to help your network", "café", "cafe\u0301 ", "m² ", "½ price ", "👩\u200d💻 ",
     "Ⓐ ", "x‿y ", "❤️ if you agree", "Like 👍 if you agree", "\x1c", "only 3 left ",
     "call now 08001234567 ", "Which Avenger are you", "help us reach 10k followers", " ", ". "]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(text=st.lists(UNICODE_BITS, max_size=10).map("".join))
def test_patterns_on_the_regex_module_match_what_re_matches(text):
    norm = normalise(text)
    read = as_re_reads(norm)
    assert len(read) == len(norm)
    for src in PATTERNS:
        ours = compile_pattern(as_re_reads(src))
        theirs = re.compile(src, re.IGNORECASE)
        assert [m.span() for m in ours.finditer(read)] == [
            m.span() for m in theirs.finditer(norm)
        ], src


NAME_BITS = st.sampled_from(
    ["Acme's ", "Acme’s", "Acme'sx ", "acme ", "we ", "A", "AB", "Ab", "b", ", ", "; ", " ",
     "@", "@b", "&", ".", "-", "_", "1", "'", "s", "ZOOM", "a"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.lists(NAME_BITS, max_size=25).map("".join), data=st.data())
def test_names_someone_by_index_answers_like_the_search(text, data):
    from bot.review.rules.conditions import _NAMES_SOMEONE, _NameStarts

    index = _NameStarts(text)
    for _ in range(10):
        a = data.draw(st.integers(0, len(text)))
        s = data.draw(st.integers(0, len(text)))
        assert index.any_between(a, s) == (_NAMES_SOMEONE.search(text, a, s) is not None)


AFTER_BITS = st.sampled_from(
    ["ensure ", "ensures", "make sure ", "make  -  sure", "making", " sure", "aim", "aiming ",
     "committed to ", "we ", "best ", ". ", "\n", "x", "-", "  ", "Ensure", "AIM", "word " * 60]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(text=st.lists(AFTER_BITS, min_size=1, max_size=60).map("".join), data=st.data())
def test_not_after_by_index_answers_like_the_search_of_the_sentence(text, data):
    from bot.review.rules.conditions import _words_regex, _WordsBefore
    from bot.review.rules.matcher import normalise

    words = _words_regex(["ensure", "make sure", "making sure", "aim", "aiming", "committed to"])
    seen = Seen(text)
    index = _WordsBefore.of(seen, words)
    for _ in range(10):
        s = data.draw(st.integers(0, len(text)))
        ss = sentence_around(text, s, s, seen)[0]
        want = words.search(normalise(text[ss:s])) is not None
        assert index.any_between(ss, s) == want
