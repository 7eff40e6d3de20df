"""A playbook turned into the few objects the engine's hot path needs, built once.

Every phrase and swap key of every rule goes into one PhraseMatcher; every pattern into
one PatternSet; metric rules share one tokenising scanner. Lookup tables map a match
back to the rules that own it, so a review never loops over rules to rescan the text.
"""

from __future__ import annotations

from bot.review.matcher import PatternSet, PhraseMatcher, phrase_form, phrase_key
from bot.review.metrics import CHECKS, LEXICON, resolve_params


class CompiledPlaybook:
    """Matchers and tables for one playbook's rules (index = position in `rules`)."""

    def __init__(self, rules):
        self.rules = tuple(rules)
        owners: dict[str, dict[int, str | None]] = {}
        forms: set[str] = set()
        self.metric_rules: list[tuple[int, object, dict]] = []
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
                self.metric_rules.append((idx, CHECKS[name], resolve_params(name, dict(params))))
        self.owners = {k: tuple(v.items()) for k, v in owners.items()}
        self.phrase_count = len(forms)
        # The measures' words ride along in the same matcher: one scan serves both.
        self.lexicon: dict[str, str] = {}
        for category, words in LEXICON.items():
            for word in words:
                form = phrase_form(word)
                forms.add(form)
                self.lexicon[phrase_key(form)] = category
        self.matcher = PhraseMatcher(forms)
        self.patterns = PatternSet(patterns)
        self.uses_names = any(n == "name_repeats" for r in self.rules for n, _ in r.metrics)
        self.active_post = tuple(r.applies_to != "reply" for r in self.rules)
        self.active_reply = tuple(r.applies_to != "post" for r in self.rules)
        self.metric_kinds = tuple(frozenset(r.metric_names()) for r in self.rules)
        self.index = {r.id: i for i, r in enumerate(self.rules)}
