"""Team-written patterns can't hang a review: runaway ones are refused at load (file, rule,
reason), slow ones are cut short by a time limit and named, and `playbook check` finishes.

No test here asserts a time: a pattern that escaped its bound would run for years, and the
subprocess's own timeout (tests/fakes/cli.py) fails the test instead of hanging it.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.playbooks.loader import PlaybookError, load_playbook
from bot.review.rules.engine import review
from bot.review.rules.matcher import PatternSet
from bot.review.rules.pattern_safety import _time_out, runaway_reason, slow_on_long_draft
from tests.fakes.cli import cli_env, run_cli

# The issue's own patterns: years of backtracking on a short draft with Python's `re`.
RUNAWAY = [r"(\w+\s?)+$", r"(a+)+$", r"(a|aa)+$", r"(x+x+)+y"]
# Linear in the draft's length, nested repeats or not.
SAFE = [
    r"\bonly \d+ left\b",
    r"\A\s*\d{1,3}\s+((\w|[-'’])+\s+){0,3}(things|reasons)\b",
    r"(\d+\s?)+%",
    r"which(?<=\bwhich)\b[^.!?]{1,60}\b(?:are you|should you)\b",
]
# Accepted at load (fast on a draft-sized text) but slow on a very long one: quadratic.
QUADRATIC = r"(\w+ )+!"


def write_playbook(folder: Path, pattern: str, pid: str = "team") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yml"
    path.write_text(
        textwrap.dedent(
            f"""\
            id: {pid}
            name: Team playbook
            version: "1"
            description: One team-written pattern.
            principles:
              - id: p
                title: Plain words
                why: People read plain words.
            rules:
              - id: slow-rule
                principle: p
                title: A team pattern
                why: The team wrote it.
                severity: warning
                suggest: Say it plainly.
                patterns: ['{pattern}']
            """
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("pattern", RUNAWAY)
def test_a_runaway_pattern_is_refused_at_load_naming_file_rule_and_reason(tmp_path, pattern):
    path = write_playbook(tmp_path, pattern)
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    (line,) = err.value.problems
    assert line.startswith(f"{path}: rule slow-rule: patterns: {pattern!r} ")
    assert "too long to match" in line and "more than one way" in line


@pytest.mark.parametrize("pattern", SAFE)
def test_linear_patterns_load(tmp_path, pattern):
    assert runaway_reason(pattern) is None
    assert slow_on_long_draft(pattern) is None


def test_the_default_playbooks_patterns_are_all_accepted_and_fast_on_long_drafts():
    from bot.review.playbooks.loader import PlaybookLibrary, check_speed

    for book in PlaybookLibrary().all():
        assert check_speed(book) == []


def test_a_slow_pattern_is_cut_short_and_the_review_says_which_rule(tmp_path):
    book = load_playbook(write_playbook(tmp_path, QUADRATIC))  # accepted: fast on short text
    draft = "word " * 8_000 + "x!"  # 40,000 characters: the pattern needs seconds here
    result = review(draft, book)
    (note,) = [n for n in result.notes if "slow-rule" in n]
    assert "cut short" in note and str(tmp_path / "team.yml") in note
    assert result.verdict and result.rewrite is not None  # the review still came back whole


def test_each_pattern_keeps_the_matches_found_before_its_limit():
    patterns = PatternSet([(r"a", 0), (QUADRATIC, 1), (r"b", 2)])
    text = "a " + "word " * 8_000 + "x! b"
    slow: list[int] = []
    hits = patterns.scan(text, None, slow, timeout=0.01, budget=5)
    assert slow == [1]
    assert (0, 1, 0) in hits and (len(text) - 1, len(text), 2) in hits


def test_the_budget_for_all_patterns_is_shared(tmp_path):
    patterns = PatternSet([(QUADRATIC, 0), (QUADRATIC + "|x", 1)])
    slow: list[int] = []
    patterns.scan("word " * 8_000 + "x!", None, slow, timeout=10, budget=0.01)
    assert slow == [0, 1]  # the first used the whole budget; the second never ran


class QuietAtItsLimit:
    """A pattern as the regex module sometimes leaves one at its time limit: the search
    just ends, a little before the limit by our clock, and raises nothing."""

    def finditer(self, text, timeout):
        time.sleep(timeout * 0.97)
        return iter(())

    def search(self, text, timeout):
        time.sleep(timeout * 0.97)


@pytest.mark.parametrize("every", [True, False])
def test_a_search_that_ends_quietly_at_its_limit_still_timed_out(every):
    assert _time_out(QuietAtItsLimit(), "word " * 10, 0.05, every=every)
    assert not _time_out(regex.compile("word"), "word " * 10, 5.0, every=every)


def test_playbook_check_names_the_slow_rule_and_finishes(tmp_path):
    folder = tmp_path / "books"
    write_playbook(folder, QUADRATIC, "team")
    result = run_cli(
        "playbook", "check", "team", env=cli_env(SOCIALWAY_PLAYBOOKS=str(folder)), text=True
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{folder / 'team.yml'}:slow-rule:patterns {QUADRATIC!r} too slow" in result.stdout
    assert "team: 1 rule, 0 examples, 1 failing" in result.stdout


def test_playbook_check_of_a_folder_of_runaway_patterns_finishes(tmp_path):
    folder = tmp_path / "books"
    for n, pattern in enumerate(RUNAWAY):
        write_playbook(folder, pattern, f"team-{n}")
    result = run_cli("playbook", "check", env=cli_env(SOCIALWAY_PLAYBOOKS=str(folder)), text=True)
    assert result.returncode == 1
    for n, pattern in enumerate(RUNAWAY):
        assert f"rule slow-rule: patterns: {pattern!r} can take far too long" in result.stdout
        assert f"team-{n}" in result.stdout
    assert "rules-of-engagement: " in result.stdout  # the good ones are still checked


# ---- random patterns from a small grammar, on drafts built to make them backtrack ---------

ATOMS = st.sampled_from(["a", "b", "ab", r"\w", r"\s", r"\d", ".", "[a-z]", "[ab]", " ", "x"])
PATTERNS = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner).map(lambda t: f"(?:{t[0]}|{t[1]})"),
        inner.map(lambda p: f"(?:{p})+"),
        inner.map(lambda p: f"(?:{p})*"),
        inner.map(lambda p: f"(?:{p})?"),
        inner.map(lambda p: f"(?:{p}){{0,3}}"),
    ),
    max_leaves=6,
).flatmap(lambda p: st.sampled_from([p, p + "$", p + "!", r"\b" + p + "x"]))
PUMPS = st.sampled_from(["a", "ab", "a ", "1", " ", "aa", "a1 ", "x"])
DRAFTS = st.tuples(PUMPS, st.integers(1, 300), st.sampled_from(["", "!", "\x00", " x", "y"])).map(
    lambda t: t[0] * t[1] + t[2]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=PATTERNS, draft=DRAFTS)
def test_any_pattern_on_any_draft_finishes_within_its_bound_or_is_named(pattern, draft):
    """Whatever the pattern, the scan returns (without the bound, some of these run for
    years); its hits are real matches; a pattern that ran out of time is named."""
    patterns = PatternSet([(pattern, 0)])
    slow: list[int] = []
    hits = patterns.scan(draft, None, slow, timeout=0.005, budget=0.02)
    assert slow in ([], [0])
    rx = patterns.entries[0][0]
    for s, e, owner in hits:
        assert owner == 0 and 0 <= s < e <= len(draft)
        assert rx.match(draft, s, timeout=1) is not None
    reason = runaway_reason(pattern)  # the load check finishes too, refusing or not
    assert reason is None or "too long to match" in reason


def test_a_swap_longer_than_a_phrase_is_refused_at_load(tmp_path):
    path = write_playbook(tmp_path, r"\bonly \d+ left\b")
    path.write_text(
        path.read_text(encoding="utf-8") + f"    swap: {{'act now': '{'x' * 201}'}}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert err.value.problems == [
        f"{path}: rule slow-rule: swap: value for 'act now' is 201 characters; a swap is a "
        "gentler phrase, 200 characters at most"
    ]
