"""A playbook turned into the few objects the engine's hot path needs, built once.

Every phrase and swap key of every rule, and the measures' words, go into one
PhraseMatcher whose hits carry what they mean (the rules owning the phrase, the measure
it counts); every pattern into one PatternSet; metric rules share one set of measures.
So a review never loops over rules to rescan the text.

Building the automaton for a few thousand phrase variants takes most of a playbook's load
time, so `compile_rules` keeps the result in a cache file beside the playbook (a
`__pycache__` directory, like Python's own): keyed by a hash of the rules' check data, this
code and the Python / pyahocorasick build, so a stale entry is never read; skipped silently
when the directory is not writable or the file is not ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import ahocorasick

from bot.review.conditions import Conditions
from bot.review.matcher import PatternSet, PhraseMatcher, normalise, phrase_form, phrase_key
from bot.review.metrics import CHECKS, GATES, LEXICON, Measures, resolve_params


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
                resolved = resolve_params(name, dict(params))
                self.metric_rules.append((idx, CHECKS[name], resolved, GATES[name]))
        self.owners = {k: tuple(v.items()) for k, v in owners.items()}
        self.phrase_count = len(forms)
        # The measures' words ride along in the same matcher: one scan serves both.
        self.lexicon: dict[str, str] = {}
        for category, words in LEXICON.items():
            for word in words:
                form = phrase_form(word)
                forms.add(form)
                self.lexicon[phrase_key(form)] = category
        # What a hit means, attached to its key once: (owning rules, measure category).
        meaning = {
            key: (self.owners.get(key, ()), self.lexicon.get(key))
            for key in {phrase_key(f) for f in forms}
        }
        self.matcher = PhraseMatcher(forms, meaning)
        self.patterns = PatternSet(patterns)
        self.uses_names = any(n == "name_repeats" for r in self.rules for n, _ in r.metrics)
        # The optional measures the metrics read (the rest are always taken).
        self.needs = frozenset(g for _, _, _, g in self.metric_rules if g in ("bangs", "names"))
        # Names said this often or less break no rule's `name_repeats` limit: not counted.
        self.names_over = min(
            (p["max"] for _, _, p, g in self.metric_rules if g == "names"), default=0
        )
        self.active_post = tuple(r.applies_to != "reply" for r in self.rules)
        self.active_reply = tuple(r.applies_to != "post" for r in self.rules)
        self.metric_kinds = tuple(frozenset(r.metric_names()) for r in self.rules)
        self.index = {r.id: i for i, r in enumerate(self.rules)}
        # Rules whose phrase and pattern hits count only in some contexts (conditions.py).
        self.conditions = {i: Conditions(dict(r.context)) for i, r in enumerate(rules) if r.context}

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["rules"]  # the caller's own Rule objects are put back on load
        return state

    def scan(self, text: str, active, ms: Measures) -> list[tuple]:
        """(start, end, rule index, detail, replacement) for every phrase and pattern hit of
        an active rule; also counts the measures' words into `ms`."""
        norm = normalise(text)
        hits = []
        found = self.matcher.hits(norm)
        we = ms.we
        you = invites = helps = congrats = 0
        owns = thanks = None
        canned = False
        for s, e, (owned, category) in found:
            for idx, repl in owned:
                if active[idx]:
                    hits.append((s, e, idx, "", repl))
            if category is None:
                continue
            if category == "we":
                if text[s:e] != "US":  # the country
                    we.append((s, e))
            elif category == "you":
                you += 1
            elif category == "order-yours":
                you -= 1  # "grab yours": its "yours" was counted as speaking to the reader
            elif category == "thanks":
                thanks = thanks or []
                thanks.append((s, e))
            elif category == "canned-thanks":
                canned = True
            elif category == "invite":
                invites += 1
            elif category == "help":
                helps += 1
            elif category == "congrats":
                congrats += 1
            elif category == "own":
                owns = owns or []
                owns.append((s, e))
        ms.you = you
        ms.invites = invites
        ms.help = helps
        ms.congrats = congrats
        if thanks and not canned:
            ms.thanks = len(thanks)
            ms.thanks_at = min(s for s, _ in thanks)
        if owns or (thanks and canned):
            # Owning and thanking words count unless a longer phrase starts at the same
            # place: "sorry" inside "sorry if" is not owning it, "thanks" inside "thanks for
            # your patience" thanks no one.
            longest: dict[int, int] = {}
            for s, e, _ in found:
                if e > longest.get(s, -1):
                    longest[s] = e
            if owns:
                ms.owns = sum(1 for s, e in owns if longest[s] == e)
            if thanks and canned:
                kept = [s for s, e in thanks if longest[s] == e]
                ms.thanks = len(kept)
                if kept:
                    ms.thanks_at = min(kept)
        if self.patterns.entries:
            hits += [(s, e, idx, "", None) for s, e, idx in self.patterns.scan(norm, active)]
        return hits


# ---- the compiled-playbook cache -----------------------------------------------------------

CACHE_FORMAT = "1"
CACHE_DIR_NAME = "__pycache__"
_CODE_KEY: bytes | None = None


def _code_key() -> bytes:
    """What the cached objects depend on besides the rules: this code and the builds."""
    global _CODE_KEY
    if _CODE_KEY is None:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{CACHE_FORMAT}|{sys.version}|{sys.implementation.cache_tag}|".encode())
        here = Path(__file__).resolve().parent
        for name in ("compiled.py", "matcher.py", "metrics.py", "conditions.py"):
            h.update((here / name).read_bytes())
        lib = Path(ahocorasick.__file__).stat()
        h.update(f"|{ahocorasick.__file__}|{lib.st_size}|{lib.st_mtime_ns}".encode())
        _CODE_KEY = h.digest()
    return _CODE_KEY


def cache_key(rules) -> str:
    """A hash of everything the compiled tables are built from."""
    h = hashlib.blake2b(_code_key(), digest_size=16)
    checks = [
        (r.id, r.applies_to, r.phrases, r.patterns, r.swap, r.metrics, r.context) for r in rules
    ]
    h.update(repr(checks).encode())
    return h.hexdigest()


def _read_cache(path: Path):
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            # Unpickling runs code: only a file this user wrote and no one else can change.
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None
            compiled = pickle.load(fh)
    except Exception:  # absent, unreadable or corrupt: compile instead
        return None
    return compiled if isinstance(compiled, CompiledPlaybook) else None


def _write_cache(path: Path, stem: str, compiled: CompiledPlaybook) -> None:
    tmp = None
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as fh:
            tmp = fh.name
            pickle.dump(compiled, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.iterdir():
            name = old.name
            if (
                name != path.name
                and name.startswith(stem + ".")
                and name.endswith(".compiled")
                and len(name) == len(path.name)
            ):
                old.unlink(missing_ok=True)  # stale entries of this playbook
    except Exception:  # read-only checkout, full disk...: the cache is only a speed-up
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def compile_rules(rules, cache_for: Path | None = None) -> CompiledPlaybook:
    """CompiledPlaybook(rules), read from (or saved to) the cache beside the playbook file
    `cache_for` when given."""
    rules = tuple(rules)
    if cache_for is None:
        return CompiledPlaybook(rules)
    try:
        path = cache_for.parent / CACHE_DIR_NAME / f"{cache_for.stem}.{cache_key(rules)}.compiled"
    except Exception:
        return CompiledPlaybook(rules)
    compiled = _read_cache(path)
    if compiled is not None:
        compiled.rules = rules
        return compiled
    compiled = CompiledPlaybook(rules)
    _write_cache(path, cache_for.stem, compiled)
    return compiled
