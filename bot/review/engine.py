"""The rules engine: a draft and a playbook in, a Review out. Pure and deterministic.

One pass each for phrases (one trie regex), patterns (one alternation) and metrics (one
tokenising regex); findings come back sorted by position. The score is explainable: each
finding carries the penalty actually charged, and human_score = max(0, 100 - their sum).

Diminishing returns: the 1st finding of a rule (in draft order) costs the rule's full
penalty, the 2nd half of it, the 3rd a quarter (integer division), any more cost 0 — so
one habit repeated can't sink a draft alone, yet every occurrence is still shown.
"""

from __future__ import annotations

from bot.review.matcher import normalise
from bot.review.metrics import Context, Measures, count_lexicon, measure
from bot.review.model import Finding, Review, verdict_for
from bot.review.platforms import get_platform, weighted_length
from bot.review.rewrite import rules_rewrite
from bot.review.strengths import strengths

ENGINE = "rules"
REPEAT_SHIFT = (0, 1, 2)  # 1st: full, 2nd: half, 3rd: quarter; beyond: nothing


def repeat_penalty(base: int, nth: int) -> int:
    """The penalty charged for the `nth` (0-based) finding of one rule."""
    return base >> REPEAT_SHIFT[nth] if nth < len(REPEAT_SHIFT) else 0


def _hits(text: str, compiled, active, ctx: Context, ms: Measures) -> list[tuple]:
    """(start, end, rule index, detail, replacement) for every active check that fired.

    Also fills `ms` with the word measures the same phrase scan found.
    """
    hits = []
    norm = normalise(text)
    owners = compiled.owners
    lexicon = compiled.lexicon
    found, shorter = compiled.matcher.scan(norm)
    words = []
    for s, e, key in found:
        if key in owners:
            for idx, repl in owners[key]:
                if active[idx]:
                    hits.append((s, e, idx, "", repl))
        if key in lexicon:
            words.append((s, e, lexicon[key]))
    for s, e, key in shorter:
        if key in owners:
            for idx, repl in owners[key]:
                if active[idx]:
                    hits.append((s, e, idx, "", repl))
        if key in lexicon and lexicon[key] != "own":  # "sorry" inside "sorry if" is not owning
            words.append((s, e, lexicon[key]))
    count_lexicon(ms, text, words)
    measure(text, ms, compiled.uses_names)
    for s, e, idx in compiled.patterns.scan(norm):
        if active[idx]:
            hits.append((s, e, idx, "", None))
    for idx, check, params in compiled.metric_rules:
        if active[idx]:
            for s, e, detail in check(params, ms, ctx):
                hits.append((s, e, idx, detail, None))
    hits.sort(key=lambda h: (h[0], -h[1], h[2]))
    return hits


def review(text: str, playbook, *, platform: str | None = None, in_reply_to: str | None = None):
    """Review `text` on `playbook` (for `platform`, as a reply to `in_reply_to` if given)."""
    if not isinstance(text, str):
        raise TypeError("the draft must be text")
    plat = get_platform(platform)
    comment = in_reply_to if in_reply_to and in_reply_to.strip() else None
    compiled = playbook.compiled
    active = compiled.active_reply if comment is not None else compiled.active_post
    ms = Measures()
    ctx = Context(text, plat, comment)
    rules = compiled.rules

    findings = []
    counts: dict[int, int] = {}
    covered: dict[int, int] = {}  # rule index -> end of its last finding
    total = 0
    hits = _hits(text, compiled, active, ctx, ms)
    for s, e, idx, detail, repl in hits:
        if e <= covered.get(idx, -1):
            continue  # inside a longer finding of the same rule
        covered[idx] = e
        nth = counts.get(idx, 0)
        counts[idx] = nth + 1
        rule = rules[idx]
        penalty = repeat_penalty(rule.penalty, nth)
        total += penalty
        findings.append(
            Finding(
                rule.id,
                rule.severity,
                s,
                e,
                text[s:e],
                rule.why,
                f"{rule.suggest} ({detail})" if detail else rule.suggest,
                penalty,
                rule.principle,
                rule.title,
                repl,
            )
        )
    score = max(0, 100 - total)
    fits = plat.limit is None or weighted_length(text, plat) <= plat.limit
    notes = []
    if plat.fold is not None and len(text) > plat.fold:
        notes.append(f"{plat.label} shows about {plat.fold} characters before “See more”.")
    if not text.strip():
        notes.append("The draft is empty.")
    findings = tuple(findings)
    return Review(
        human_score=score,
        verdict=verdict_for(score),
        findings=findings,
        strengths=strengths(text, ms, fits),
        rewrite=rules_rewrite(text, findings, playbook),
        engine=ENGINE,
        playbook=playbook.id,
        playbook_version=playbook.version,
        platform=plat.id,
        summary=_summary(score, total, len(findings)),
        notes=tuple(notes),
    )


def _summary(score: int, total: int, n: int) -> str:
    if n == 0:
        return "100: nothing to flag."
    return f"{score} = 100 − {total} from {n} finding{'s' if n != 1 else ''}."
