"""The cheap looks that spare a pattern or a word list its regex never skip a match.

A pattern anchored at the draft's start is skipped when the draft opens with a character
no match can open with, or (when its match, or a lookahead at the start, must run to the
end) when the draft has more words than any match can hold; a context condition's word
list is tried only where one of its words starts. Each is checked here against the plain
regex, on random patterns and drafts built to sit at the edges (spaces of every kind,
"\\x1c" which str.split() splits on and the regex module's \\s does not).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.rules.conditions import Seen, _words_regex, _WordStarts
from bot.review.rules.matcher import PatternSet, normalise, pattern_needs

ATOMS = st.sampled_from(
    ["a", "b", "A", " ", r"\s", r"\S", r"\w", r"\W", r"\d", ".", "[a ]", "[^a]", r"[^\s]",
     r"[ \t]", r"\n", "[a-c]", r"[\x00-\x21]", "é", "(?=a)", r"\b", "(?!b)", r"[\s\S]"]
)  # fmt: skip
PARTS = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner).map(lambda t: f"(?:{t[0]}|{t[1]})"),
        inner.map(lambda p: f"(?:{p})+"),
        inner.map(lambda p: f"(?:{p})*"),
        inner.map(lambda p: f"(?:{p})?"),
        inner.map(lambda p: f"(?:{p}){{0,3}}"),
        inner.map(lambda p: f"(?:{p}){{1,2}}"),
    ),
    max_leaves=6,
)
ANCHORED = st.one_of(
    PARTS.map(lambda p: r"\A" + p),
    PARTS.map(lambda p: r"(?i)\A" + p),
    st.tuples(PARTS, PARTS).map(lambda t: rf"\A(?={t[0]}\Z){t[1]}"),
    PARTS.map(lambda p: rf"\A{p}\Z"),
    PARTS.map(lambda p: rf"\A{p}$"),
)
DRAFTS = st.lists(
    st.sampled_from(["a", "b", "A", " ", "  ", "\n", "\t", "x", "1", "\x1c", "\xa0", "\u2003",
                     "é", "-", "@", "."]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=ANCHORED, drafts=st.lists(DRAFTS, min_size=1, max_size=8))
def test_an_anchored_pattern_is_skipped_only_where_it_cannot_match(pattern, drafts):
    try:
        patterns = PatternSet([(pattern, 0)])
    except Exception:
        return  # not a pattern the loader would accept
    rx = patterns.entries[0][0]
    for draft in drafts:
        norm = normalise(draft)  # what scan is given in a review: the normalised draft
        m = rx.match(norm, timeout=1)
        want = [(0, m.end(), 0)] if m is not None and m.end() > 0 else []
        assert patterns.scan(norm) == want, (pattern, draft)


def test_the_bare_link_shape_bounds_the_words_and_a_digit_list_its_first_character():
    bare_link = r"\A(?=\s*(?:\S+\s+){0,5}\S*?(?:https?://|www\.)\S*(?:\s+\S+){0,4}\s*\Z)[\s\S]+"
    patterns = PatternSet([(bare_link, 0), (r"\A\s*\d{1,3}\s+things\b", 1)])
    assert patterns.words[0] == 12 and patterns.words[1] is None
    assert patterns.first[1] == frozenset(" \t\n\r\x0b\x0c0123456789")
    assert patterns.candidates("new post https://x.co/a") == [0]
    assert patterns.candidates("word " * 20 + "https://x.co/a") == []
    assert patterns.candidates("5 things https://x.co/a") == [0, 1]
    assert patterns.candidates("our 5 things") == []


WORDS = st.lists(
    st.sampled_from(["read", "read more", "join us", "don't miss", "sign-up", "café", "a b",
                     "re", "ad"]),
    min_size=1,
    max_size=5,
)  # fmt: skip
TEXTS = st.lists(
    st.sampled_from(["read", "already", " ", "more", "join", "us", "-", "  ", "don't", "miss",
                     "sign", "up", "café", "cafés", "a", "b", "re", "ad", ".", "\n", "Read"]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(words=WORDS, text=TEXTS)
def test_a_word_list_is_found_where_its_regex_finds_it(words, text):
    rx = _words_regex(words)
    assert Seen(text).says(rx, _WordStarts(words)) == (rx.search(normalise(text)) is not None)


# ---- which patterns run: one bit mask of the literal sets a draft meets ----------------------

LITERAL_PATTERNS = st.lists(
    st.sampled_from([r"\bsign up\b", r"join (?:us|now)", r"we\b.{0,9}\bmore", r"\d+ left",
                     r"\w+", r"(?:he|it) was", r"read|miss", r"café \w+", r"#\d+ will\b",
                     r"(?i)JOIN \w+ NOW", r"sign .{0,9}\bmore", r"read\b.*\bmiss"]),
    min_size=1,
    max_size=6,
)  # fmt: skip
LITERAL_TEXTS = st.lists(
    st.sampled_from(["sign up", "join", " us", " now", "we", " ", "more", "5", " left", "he",
                     " was", "read", "café", "é", "#2 will", "x"]),
    max_size=10,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(sources=LITERAL_PATTERNS, text=LITERAL_TEXTS)
def test_the_candidates_are_the_patterns_whose_literal_sets_all_occur(sources, text):
    patterns = PatternSet([(src, i) for i, src in enumerate(sources)])
    norm = normalise(text)
    kind = 0 if norm.isascii() else 1
    plain = [
        i
        for i, src in enumerate(sources)
        if all(any(lit in norm for lit in lits) for lits in pattern_needs(src, kind == 0)[0])
        and (not patterns.digits[i] or any(c.isdigit() for c in norm))
    ]
    assert patterns.candidates(norm) == plain
