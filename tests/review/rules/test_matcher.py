"""The fast paths of the rules engine agree with the plain definitions they replace.

The phrase automaton finds exactly what the word-bounded trie regex finds; the pattern
prefilter never skips a pattern that matches; the quick constructors build the same
objects; and the question metric leaves replies, thank-yous and congratulations alone.
"""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.core.model import (
    Finding,
    Review,
    Rewrite,
    Strength,
    make_finding,
    make_review,
    make_rewrite,
)
from bot.review.playbooks.loader import load_playbook
from bot.review.rules.engine import review
from bot.review.rules.fact_check import Fact, facts, make_fact
from bot.review.rules.matcher import (
    _RUNS,
    PatternSet,
    PhraseMatcher,
    Squeezed,
    _stand_in,
    as_re_reads,
    gap_marks,
    normalise,
    pattern_needs,
    phrase_form,
    phrase_key,
    trie_regex,
)
from tests.paths import FIXTURES

PLAYBOOK = load_playbook(FIXTURES / "playbooks" / "basic.yml")

PHRASES = [
    "act now",
    "buy now",
    "now only",
    "follow up",
    "don't miss out",
    "hurry!",
    "hurry",
    "1 like =",
    "u",
    "us",
    "sorry",
    "sorry if",
    "sign up now",
    "café",
    "best in class",
]
FORMS = [phrase_form(p) for p in PHRASES]
WORDS = st.sampled_from(
    [
        "act",
        "now",
        "buy",
        "only",
        "follow",
        "up",
        "Don’t",
        "don't",
        "miss",
        "out",
        "hurry",
        "1",
        "like",
        "=",
        "u",
        "US",
        "sorry",
        "if",
        "sign",
        "signup",
        "café",
        "cafe",
        "best",
        "in",
        "class",
        "é",
        "İ",
        "x",
    ]
)
GAPS = st.sampled_from([" ", "  ", "-", " - ", "\n", "", "!", ".", ",", "’", "_", "\u00a0", "—"])
TEXTS = st.lists(st.tuples(WORDS, GAPS), max_size=14).map(
    lambda parts: "".join(w + g for w, g in parts)
)


def regex_hits(norm: str) -> set[tuple[int, int, str]]:
    """What the old engine found: the trie regex's longest match at each start, plus the
    shorter phrases matching at that start (every one of them, by brute force)."""
    rx = re.compile(trie_regex(FORMS))
    singles = [re.compile(trie_regex([f])) for f in FORMS]
    found = set()
    for start in range(len(norm) + 1):
        for single in singles:
            m = single.match(norm, start)
            if m is not None:
                found.add((m.start(), m.end(), phrase_key("".join(m.group().split()))))
    # the combined regex agrees on every longest match
    for start in range(len(norm) + 1):
        m = rx.match(norm, start)
        if m is not None:
            assert (m.start(), m.end()) in {(s, e) for s, e, _ in found if s == start}
    return found


@settings(max_examples=400, deadline=None)
@given(text=TEXTS)
def test_automaton_finds_what_the_word_bounded_regex_finds(text):
    norm = normalise(text)
    got = {(s, e, k) for s, e, k in PhraseMatcher(FORMS).hits(norm)}
    assert got == regex_hits(norm)


def test_hits_cover_punctuation_runs_and_neighbours():
    pm = PhraseMatcher(FORMS)

    def found(text):
        return sorted(text[s:e] for s, e, _ in pm.hits(normalise(text)))

    assert found("Follow - up, FOLLOW  UP and followup") == [
        "FOLLOW  UP",
        "Follow - up",
        "followup",
    ]
    assert found("Hurry! hurry. 1 like = 1 prayer") == ["1 like =", "Hurry", "Hurry!", "hurry"]
    assert found("cafés, un café, xcafé") == ["café"]  # non-ASCII letters are word letters
    assert found("Sorry if, sorry") == ["Sorry", "Sorry if", "sorry"]
    assert found("İUS us") == ["us"]  # "İUS" is one word


def test_squeezed_offsets_map_back():
    norm = "a  b - c"
    sq = Squeezed(norm)
    assert sq.text == "a b c"
    for i, ch in enumerate(sq.text):
        assert norm[sq.start(i)] == ch
    assert norm[sq.start(2) : sq.end(5)] == "b - c"


GAPPY = st.lists(
    st.sampled_from([" ", "-", "  ", " - ", "--", "a", "Z", "1", ".", "é", "\u2003", "\u2010",
                     "😀", "\n", "?"]),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(norm=GAPPY)
def test_runs_found_on_the_gap_marks_are_the_runs_regex_finds(norm):
    assert (b"xx" in gap_marks(norm)) == (_RUNS.search(norm) is not None)
    plain = [m.span() for m in _RUNS.finditer(norm)]  # what Squeezed squeezed before
    pieces, pos = [], 0
    for s, e in plain:
        pieces.append(norm[pos : s + 1])
        pos = e
    sq = Squeezed(norm)
    assert sq.text == "".join(pieces) + norm[pos:]
    assert len(sq.bounds) == len(plain) + 1


PATTERNS = [
    r"\bonly \d+ left\b",
    r"to(?<=\bto) (?!(?:19|20)\d\d\b)\d{4,6}(?!\d)",
    r"k(?<=\dk) (?:followers|likes)\b",
    r"[£$€] ?\d[\d,.]*k? +(?:prize|cash)s?\b",
    r"\A(?=\s*(?:\S+\s+){0,2}\S*?(?:https?://|[a-z]+\.(?:com|co)\b)\S*\s*\Z)[\s\S]+",
    r"#1(?!\w)",
    r"win(?<=\bwin) (?:a|an|\d|£|\$)\b",
    r"(?:visit|join)\b(?=.{0,40}https?://)",
    r"FREE entry",  # upper case: compiled with re.I, as written
]
PIECES = st.sampled_from(
    ["only ", "3 ", "٣ ", "left", "to ", "12345", "2024", "5k ", "followers", "£", "$5 ", "prize",
     "win ", "a ", "#1", "#12", "https://x.co/a", "acme.com", "visit ", "join ", "free entry",
     " ", "\n", "é", "Only", "LEFT"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(PIECES, max_size=12))
def test_pattern_prefilter_never_skips_a_match(parts):
    norm = normalise("".join(parts))
    ps = PatternSet([(p, i) for i, p in enumerate(PATTERNS)])
    want = []
    for i, src in enumerate(PATTERNS):
        last = -1
        for m in re.compile(src, re.IGNORECASE).finditer(norm):
            if m.end() > m.start() and m.start() >= last:
                want.append((m.start(), m.end(), i))
                last = m.end()
    assert sorted(ps.scan(norm)) == sorted(want)


def test_pattern_needs_reads_literals_and_digits():
    assert pattern_needs(r"\bonly \d+ left\b", ascii_digits=True) == (
        (frozenset(f"only {d}" for d in "0123456789"), frozenset({" left"})),
        True,
    )
    sets, digit = pattern_needs(r"\bonly \d+ left\b")
    assert digit and frozenset({"only "}) in sets
    assert pattern_needs(r"\w+") == ((), False)
    # An optional part is its text or nothing: "te?xt" is "text" or "txt".
    assert pattern_needs(r"\bte?xt (?:us|me)\b") == (
        (frozenset({"text us", "text me", "txt us", "txt me"}),),
        False,
    )


def test_quick_constructors_build_equal_objects():
    args = ("r", "info", 1, 3, "abc", "why", "do", 4, "p", "T", None)
    assert make_finding(*args) == Finding(*args)
    assert hash(make_finding(*args)) == hash(Finding(*args))
    rw = make_rewrite("t", ("c",), False, ("x",))
    assert rw == Rewrite("t", ("c",), False, ("x",))
    rv = make_review(90, "Ready to post", (Finding(*args),), (Strength("a", "b"),), rw, "rules",
                     "pb", "1", "x", "s", ("n",))  # fmt: skip
    assert rv == Review(90, "Ready to post", (Finding(*args),), (Strength("a", "b"),), rw,
                        "rules", "pb", "1", "x", "s", ("n",))  # fmt: skip
    assert Review.from_dict(rv.to_dict()) == rv
    assert make_fact("number", "5", 0, 1, "5") == Fact("number", "5", 0, 1, "5")


def test_number_starts_follow_the_characters_before_them():
    assert [(f.kind, f.text) for f in facts("$$5 a$5 x5 .5 3.5 (12) ٣ 7pm")] == [
        ("price", "$5"),
        ("number", "3.5"),
        ("number", "12"),
        ("number", "٣"),
        ("time", "7pm"),
    ]
    assert [f.value for f in facts("On Tuesday, MAY 5 and Sept. 9, 2025 at noon")] == [
        "tuesday",
        "5-5",
        "2025-9-9",
        "12:00",
    ]


# ---- the question metric leaves conversation alone --------------------------------------

LONG = "the new planner is in every store this week with the full autumn range of colours"


def asks(text: str) -> bool:
    return "no-question" in [f.rule for f in review(text, PLAYBOOK).findings]


def test_a_broadcast_without_a_question_is_flagged():
    assert asks(f"Good news: {LONG}.")


def test_an_at_reply_needs_no_question():
    assert not asks(f"@sam_b {LONG}.")
    assert not asks(f".@sam_b {LONG}.")
    assert not asks(f"Hi @sam_b, {LONG}.")


def test_a_thank_you_or_congratulations_needs_no_question():
    assert not asks(f"Thank you all for coming, {LONG}.")
    assert not asks(f"@sam Many thanks: {LONG}.")
    assert not asks(f"Good news, {LONG}, and congratulations to the team.")


def test_thanks_signing_off_an_ask_still_needs_a_question():
    assert asks(f"Please visit, {LONG}. Thanks")


def test_automaton_key_order_is_the_rank_tuples_order():
    # _common_first sorts by str.translate for speed; the order must be the one the
    # documented rule gives: each character's rank in _COMMON_FIRST, others after them.
    from bot.review.rules.matcher import _COMMON_FIRST, _common_first

    rank = {c: i for i, c in enumerate(_COMMON_FIRST)}

    def plain(key: str) -> tuple[int, ...]:
        return tuple(rank.get(c, len(rank) + ord(c)) for c in key)

    rng = random.Random(11)
    alphabet = _COMMON_FIRST + "ABZé’“#@£€😀\u2003\x00\x1f"
    keys = ["".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(20_000)]
    assert sorted(keys, key=_common_first) == sorted(keys, key=plain)


# ---- as_re_reads: the stand-ins, looked for among the non-ASCII characters only ---------------


def _plain_as_re_reads(text: str) -> str:
    """Every non-ASCII character swapped for its stand-in in one translate (the plain
    definition; ASCII is read as re reads it by definition)."""
    swap = {c for c in set(text) if not c.isascii() and _stand_in(c) != c}
    return text.translate({ord(c): _stand_in(c) for c in swap}) if swap else text


RE_READS_TEXTS = st.lists(
    st.sampled_from(["a", "B", " ", "1", "_", "\n", "é", "ß", "²", "½", "\u200d", "\ufe0f",
                     "\u20e3", "\u0301", "🔥", "’", "\xa0", "\u2003", "\x1c", "İ", "ǅ",
                     "\U000f0000", "\U00020000", chr(0xF0000 + 0x200D % 0xFFFE)]),
    max_size=16,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(text=RE_READS_TEXTS)
def test_as_re_reads_swaps_what_a_translate_of_every_character_swaps(text):
    got = as_re_reads(text)
    assert got == _plain_as_re_reads(text)
    if got == text:
        assert got is text  # nothing to swap: the very same string
