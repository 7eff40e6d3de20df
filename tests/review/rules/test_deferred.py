"""DeferredPattern (bot/review/rules/deferred.py): a regex compiled on first use answers as
the compiled pattern, whichever method is asked first, and the rules modules' regexes are
not compiled by importing them."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys

import pytest

from bot.review.rules import deferred
from bot.review.rules.deferred import DeferredPattern
from tests.paths import ROOT

SOURCE = r"(?<!\w)(?:let[\s-]*us[\s-]*know|dm[\s-]*us)(?!\w)"
TEXT = "Please DM us, or let us   know. dm-us"


def _same(got, want):
    if isinstance(want, re.Match):
        return isinstance(got, re.Match) and got.span() == want.span()
    if not isinstance(want, (str, list, tuple)):  # finditer
        return [m.span() for m in got] == [m.span() for m in want]
    return got == want


CALLS = {
    "search": (TEXT, 5),
    "match": (TEXT, 7),
    "fullmatch": ("dm us",),
    "finditer": (TEXT,),
    "findall": (TEXT,),
    "sub": ("·", TEXT),
    "subn": ("·", TEXT),
    "split": (TEXT,),
}


@pytest.mark.parametrize("first", deferred._FORWARDED)
def test_every_method_answers_as_the_compiled_pattern_whichever_comes_first(first):
    assert set(CALLS) == set(deferred._FORWARDED)
    compiled = re.compile(SOURCE, re.I)
    lazy = DeferredPattern(SOURCE, re.I)
    for name in (first, *CALLS):
        assert _same(getattr(lazy, name)(*CALLS[name]), getattr(compiled, name)(*CALLS[name]))


def test_it_pickles_as_its_source_and_has_nothing_else():
    lazy = DeferredPattern(SOURCE, re.I)
    lazy.search(TEXT)
    again = pickle.loads(pickle.dumps(lazy))
    assert vars(again) == {"pattern": SOURCE, "flags": re.I}
    with pytest.raises(AttributeError):
        _ = lazy.groupindex_of_nothing


def test_importing_the_rules_engine_compiles_none_of_the_module_regexes():
    code = (
        "from bot.review.rules import comment, conditions, rewrite, engine\n"
        "from bot.review.rules.deferred import DeferredPattern\n"
        "found = [v for m in (comment, conditions, rewrite) for v in vars(m).values()\n"
        "         if isinstance(v, DeferredPattern)]\n"
        "print(len(found), sum('search' in vars(v) for v in found))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    deferred_count, compiled = map(int, out)
    assert deferred_count >= 45
    assert compiled == 0
