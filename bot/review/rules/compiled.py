"""A playbook turned into the few objects the engine's hot path needs, built once.

Every phrase and swap key of every rule, and the measures' words, go into one
PhraseMatcher whose hits carry what they mean (the rules owning the phrase, the measure
it counts); every pattern into one PatternSet; metric rules share one set of measures.
So a review never loops over rules to rescan the text.

Building the automaton for a few thousand phrase variants takes most of a playbook's load
time, so `compile_rules` keeps the result in a cache file in the user's cache directory
(resources.user_cache_dir: never beside the playbook, whose folder may be read-only or
installed): keyed by a hash of every field of the rules, the code of the rules engine and
the playbooks, and the Python / pyahocorasick build, so a stale entry is never read; skipped
silently when the directory is not writable or the file is not ours.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import pickle
import re
import sys
import time
from pathlib import Path

import ahocorasick
import regex

from bot.review.core.resources import key_hash, open_private, user_cache_dir, write_pickles
from bot.review.rules.comment import KINDS as COMMENT_KINDS
from bot.review.rules.conditions import Conditions
from bot.review.rules.deferred import DeferredPattern
from bot.review.rules.matcher import PatternSet, PhraseMatcher, normalise, phrase_form, phrase_key
from bot.review.rules.metrics import METRICS, resolve_params
from bot.review.rules.metrics.lexicon import LEXICON, count_words
from bot.review.rules.metrics.measures import OPTIONAL, Measures
from bot.review.rules.pattern_safety import runaway_reason


class RunawayPatterns(ValueError):
    """Patterns that backtracked past the load probe: (rule index, source, why) each."""

    def __init__(self, found: list[tuple[int, str, str]]):
        super().__init__("; ".join(f"{src!r} {why}" for _, src, why in found))
        self.found = found


class CompiledPlaybook:
    """Matchers and tables for one playbook's rules (index = position in `rules`)."""

    def __init__(self, rules):
        self.rules = tuple(rules)
        owners: dict[str, dict[int, str | None]] = {}
        forms: set[str] = set()
        self.metric_rules: list[tuple[int, object, dict, str | None]] = []
        patterns: list[tuple[str, int]] = []
        for idx, rule in enumerate(self.rules):
            for ph in rule.phrases:
                form = phrase_form(ph)
                forms.add(form)
                owners.setdefault(phrase_key(form), {}).setdefault(idx, None)
            for key, repl in rule.swap:
                form = phrase_form(key)
                forms.add(form)
                owners.setdefault(phrase_key(form), {})[idx] = repl
            patterns += [(src, idx) for src in rule.patterns]
            for name, params in rule.metrics:
                kind = METRICS[name]  # bound here, once: a review calls kind.check directly
                resolved = resolve_params(name, dict(params))
                self.metric_rules.append((idx, kind.check, resolved, kind.gate))
        owned = {k: tuple(v.items()) for k, v in owners.items()}
        self.phrase_count = len(forms)
        # The measures' words ride along in the same matcher: one scan serves both.
        lexicon: dict[str, str] = {}
        for category, words in LEXICON.items():
            for word in words:
                form = phrase_form(word)
                forms.add(form)
                lexicon[phrase_key(form)] = category
        # What a hit means, attached to its key once: (owning rules, measure category); the
        # tables it is made from are not kept (each start would unpickle them for nothing).
        meaning = {
            key: (owned.get(key, ()), lexicon.get(key)) for key in {phrase_key(f) for f in forms}
        }
        self.matcher = PhraseMatcher(forms, meaning)
        self.patterns = PatternSet(patterns)
        # Probed here, on the compile a warm cache skips, not in every load's validation.
        runaway = [(idx, src, why) for src, idx in patterns if (why := runaway_reason(src))]
        if runaway:
            raise RunawayPatterns(runaway)
        # The optional measures the metrics read (the rest are always taken).
        self.needs = frozenset(g for _, _, _, g in self.metric_rules if g in OPTIONAL)
        # Names said this often or less break no rule's `name_repeats` limit: not counted.
        self.names_over = min(
            (p["max"] for _, _, p, g in self.metric_rules if g == "names"), default=0
        )
        self.active_post = tuple(r.applies_to != "reply" for r in self.rules)
        self.active_reply = tuple(r.applies_to != "post" for r in self.rules)
        self.metric_kinds = tuple(frozenset(r.metric_names()) for r in self.rules)
        # How each rule's findings are quoted and edited, from its metrics' kinds (the
        # registry order for the edits, so a rule with several metrics tries them in a
        # fixed order): widened to whole words unless a metric keeps its span exactly
        # (`length`); the last sentence with words for a metric about something absent.
        kinds = [[m for n, m in METRICS.items() if n in names] for names in self.metric_kinds]
        self.snap = tuple(not any(m.exact_span for m in ms) for ms in kinds)
        self.absent = tuple(any(m.absence for m in ms) for ms in kinds)
        self.editors = tuple(tuple(m.edit for m in ms if m.edit is not None) for ms in kinds)
        self.index = {r.id: i for i, r in enumerate(self.rules)}
        # Replies: the rules active for each kind of comment (a rule's `comment` list).
        self.active_for = {
            kind: tuple(
                on and (not r.comment or kind in r.comment)
                for on, r in zip(self.active_reply, self.rules, strict=True)
            )
            for kind in COMMENT_KINDS
        }
        # Rules whose phrase and pattern hits count only in some contexts (conditions.py).
        contexts = {i: dict(r.context) for i, r in enumerate(self.rules) if r.context}
        self.conditions = {i: Conditions(c) for i, c in contexts.items()}
        # Platforms where some rule's numbers differ (`per_platform`: on X a tweet of a dozen
        # words has said its piece): that platform's conditions, the others' shared.
        own = {i: dict(c.get("per_platform", ())) for i, c in contexts.items()}
        self.conditions_on = {
            plat: {
                i: Conditions({**contexts[i], **dict(own[i][plat])}) if plat in own[i] else c
                for i, c in self.conditions.items()
            }
            for plat in sorted({p for per in own.values() for p in per})
        }

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["rules"]  # the caller's own Rule objects are put back on load
        # The word-list regexes are kept as their source (DeferredPattern).
        mine = self.conditions
        state["conditions"] = shared = {i: _deferring(c) for i, c in mine.items()}
        state["conditions_on"] = {  # a platform's copy only where its numbers differ
            plat: {i: shared[i] if c is mine[i] else _deferring(c) for i, c in on.items()}
            for plat, on in self.conditions_on.items()
        }
        state["metric_rules"] = [
            (idx, check, {k: _deferred(v) for k, v in params.items()}, gate)
            for idx, check, params, gate in self.metric_rules
        ]
        return state

    def scan(self, text: str, active, ms: Measures, slow: list | None = None) -> list[tuple]:
        """(start, end, rule index, detail, replacement) for every phrase and pattern hit of
        an active rule; also counts the measures' words into `ms`. A pattern cut short by
        its time limit (matcher.PATTERN_TIMEOUT) adds (rule index, pattern) to `slow`."""
        norm = normalise(text)
        hits = []
        found = self.matcher.hits(norm)
        for s, e, (owned, _category) in found:
            for idx, repl in owned:
                if active[idx]:
                    hits.append((s, e, idx, "", repl))
        count_words(found, text, ms)
        if self.patterns.entries:
            cut: list[int] = []
            hits += [(s, e, idx, "", None) for s, e, idx in self.patterns.scan(norm, active, cut)]
            if cut and slow is not None:
                slow += [self.patterns.source_of(i) for i in cut]
        return hits


def _deferred(value):
    """`value`, or a DeferredPattern of it when it is a stdlib pattern."""
    if isinstance(value, re.Pattern):
        return DeferredPattern(value.pattern, value.flags)
    return value


def _deferring(conditions: Conditions) -> Conditions:
    """A copy of `conditions` whose stdlib patterns are DeferredPatterns."""
    deferred = copy.copy(conditions)
    for name in type(conditions).__slots__:
        setattr(deferred, name, _deferred(getattr(conditions, name)))
    return deferred


# ---- the compiled-playbook cache -----------------------------------------------------------

CACHE_FORMAT = "1"
CACHE_DIR_NAME = "playbooks"  # under the user's cache directory
SOURCE_PACKAGES = ("rules", "playbooks")  # of bot/review: the code the cache key covers
_REVIEW_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # bot/review
_CODE_KEY: bytes | None = None


def _code_key() -> bytes:
    """What the cached objects depend on besides the rules: the code that builds them (every
    module of the rules engine and of the playbooks, so a new module or a metric's is
    never forgotten) and the builds."""
    global _CODE_KEY
    if _CODE_KEY is None:
        h = key_hash()
        h.update(f"{CACHE_FORMAT}|{sys.version}|{sys.implementation.cache_tag}|".encode())
        h.update(modules_state(_REVIEW_DIR, source_files()))
        for mod in (ahocorasick, regex):  # C builds whose pickled state must match them
            lib = os.stat(mod.__file__)
            h.update(f"|{mod.__file__}|{lib.st_size}|{lib.st_mtime_ns}".encode())
        h.update(f"|{regex.__version__}".encode())
        _CODE_KEY = h.digest()
    return _CODE_KEY


def source_files() -> list[str]:
    """Every module of bot/review/rules and bot/review/playbooks, in a fixed order."""
    found = []
    for package in SOURCE_PACKAGES:
        for folder, _dirs, files in os.walk(os.path.join(_REVIEW_DIR, package)):
            found += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    return sorted(found)


def modules_state(root: str, paths: list[str]) -> bytes:
    """Each module by its path under `root`, size and modification time: how Python's own
    bytecode cache tells that a module changed (an edit in a source checkout or an
    editable install shows). Reading and hashing their ~350 KB instead, and pathlib's
    walk, cost ~3 ms of every start."""
    skip = len(root) + 1
    state = []
    for path in paths:
        st = os.stat(path)
        state.append(f"|{path[skip:]}|{st.st_size}|{st.st_mtime_ns}")
    return "".join(state).encode()


def cache_key(rules) -> str:
    """A hash of everything the compiled tables are built from: every field of every rule
    (read from the rule itself, so a field added later is covered too) and the code."""
    h = key_hash(_code_key())
    h.update(repr([_fields(r) for r in rules]).encode())
    return h.hexdigest()


def _fields(rule) -> tuple:
    """All of a rule's fields, by name: a dataclass's fields, else its attributes."""
    if dataclasses.is_dataclass(rule):
        return tuple((f.name, getattr(rule, f.name)) for f in dataclasses.fields(rule))
    return tuple(sorted(vars(rule).items()))


def _read_cache(path: Path):
    fh = open_private(path)
    if fh is None:
        return None
    try:
        with fh:
            compiled = pickle.load(fh)
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by the clean-up in _write_cache
    except Exception:  # absent, unreadable or corrupt: compile instead
        return None
    return compiled if isinstance(compiled, CompiledPlaybook) else None


STALE_AFTER = 30 * 86400  # seconds: an entry not read for this long is removed


def _unused_for(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _write_cache(path: Path, stem: str, compiled: CompiledPlaybook) -> None:
    if not write_pickles(path, compiled):
        return
    with contextlib.suppress(OSError):
        for old in path.parent.iterdir():
            name = old.name
            if (
                name != path.name
                and name.startswith(stem + ".")
                and name.endswith(".compiled")
                and len(name) == len(path.name)
            ):
                old.unlink(missing_ok=True)  # stale entries of this playbook
            elif name.endswith(".compiled") and _unused_for(old, STALE_AFTER):
                old.unlink(missing_ok=True)  # a playbook not loaded for a month


def cache_path(playbook_file: Path, rules) -> Path | None:
    """The cache file for these rules of `playbook_file`, or None (no cache directory).

    Named `<stem>-<hash of the playbook's path>.<key>.compiled`: two playbooks of the same
    name in different folders keep their own entries, and a stale one is recognisable."""
    base = user_cache_dir()
    if base is None:
        return None
    where = key_hash(str(playbook_file).encode(), 6).hexdigest()
    stem = f"{playbook_file.stem}-{where}"
    return base / CACHE_DIR_NAME / f"{stem}.{cache_key(rules)}.compiled"


def compile_rules(rules, cache_for: Path | None = None) -> CompiledPlaybook:
    """CompiledPlaybook(rules), read from (or saved to) the user's cache for the playbook
    file `cache_for` when given."""
    rules = tuple(rules)
    if cache_for is None:
        return CompiledPlaybook(rules)
    try:
        path = cache_path(cache_for, rules)
    except Exception:
        return CompiledPlaybook(rules)
    if path is None:
        return CompiledPlaybook(rules)
    compiled = _read_cache(path)
    if compiled is not None:
        compiled.rules = rules
        return compiled
    compiled = CompiledPlaybook(rules)
    _write_cache(path, path.name.rsplit(".", 2)[0], compiled)
    return compiled
