"""A playbook turned into the few objects the engine's hot path needs, built once.

Every phrase and swap key of every rule, and the measures' words, go into one
PhraseMatcher whose hits carry what they mean (the rules owning the phrase, the measure
it counts); every pattern into one PatternSet; metric rules share one set of measures.
So a review never loops over rules to rescan the text.
"""

from __future__ import annotations

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
        self.active_post = tuple(r.applies_to != "reply" for r in self.rules)
        self.active_reply = tuple(r.applies_to != "post" for r in self.rules)
        self.metric_kinds = tuple(frozenset(r.metric_names()) for r in self.rules)
        self.index = {r.id: i for i, r in enumerate(self.rules)}

    def scan(self, text: str, active, ms: Measures) -> list[tuple]:
        """(start, end, rule index, detail, replacement) for every phrase and pattern hit of
        an active rule; also counts the measures' words into `ms`."""
        norm = normalise(text)
        hits = []
        found = self.matcher.hits(norm)
        we = ms.we
        you = thanks = invites = helps = congrats = 0
        owns = None
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
            elif category == "thanks":
                thanks += 1
                if s < ms.thanks_at:
                    ms.thanks_at = s
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
        ms.thanks = thanks
        ms.invites = invites
        ms.help = helps
        ms.congrats = congrats
        if owns:
            # Owning words count unless a longer phrase starts at the same place: "sorry"
            # inside "sorry if" is not owning it.
            longest: dict[int, int] = {}
            for s, e, _ in found:
                if e > longest.get(s, -1):
                    longest[s] = e
            ms.owns = sum(1 for s, e in owns if longest[s] == e)
        if self.patterns.entries:
            hits += [(s, e, idx, "", None) for s, e, idx in self.patterns.scan(norm, active)]
        return hits
