"""The rules engine: a draft and a playbook in, a Review out. Pure and deterministic.

One automaton pass finds every phrase (and the measures' words), one finds the literals
that decide which patterns run, and the character measures are one cheap look each, skipped
when their trigger is absent; findings come back sorted by position. The score is
explainable: each finding carries the penalty actually charged, and
human_score = max(0, 100 - their sum).

Diminishing returns: the 1st finding of a rule (in draft order) costs the rule's full
penalty, the 2nd half of it, the 3rd a quarter (integer division), any more cost 0 — so
one habit repeated can't sink a draft alone, yet every occurrence is still shown.
"""

from __future__ import annotations

from bot.review.metrics import Context, Measures, measure
from bot.review.model import make_finding, make_review, verdict_for
from bot.review.platforms import PLATFORMS, get_platform, weighted_length
from bot.review.rewrite import rules_rewrite
from bot.review.strengths import strengths

ENGINE = "rules"
REPEAT_SHIFT = (0, 1, 2)  # 1st: full, 2nd: half, 3rd: quarter; beyond: nothing
_GENERIC = PLATFORMS["generic"]


def repeat_penalty(base: int, nth: int) -> int:
    """The penalty charged for the `nth` (0-based) finding of one rule."""
    return base >> REPEAT_SHIFT[nth] if nth < len(REPEAT_SHIFT) else 0


def _hits(text: str, compiled, active, ctx: Context, ms: Measures) -> list[tuple]:
    """(start, end, rule index, detail, replacement) for every active check that fired.

    Also fills `ms` with the measures the checks read.
    """
    hits = compiled.scan(text, active, ms)
    measure(text, ms, compiled.needs)
    for idx, check, params, gate in compiled.metric_rules:
        if active[idx] and (gate is None or getattr(ms, gate)):
            for s, e, detail in check(params, ms, ctx):
                hits.append((s, e, idx, detail, None))
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0], -h[1], h[2]))
    return hits


def review(text: str, playbook, *, platform: str | None = None, in_reply_to: str | None = None):
    """Review `text` on `playbook` (for `platform`, as a reply to `in_reply_to` if given)."""
    if not isinstance(text, str):
        raise TypeError("the draft must be text")
    plat = _GENERIC if platform is None else get_platform(platform)
    comment = in_reply_to if in_reply_to and in_reply_to.strip() else None
    compiled = playbook.compiled
    active = compiled.active_reply if comment is not None else compiled.active_post
    ms = Measures()
    rules = compiled.rules

    findings = []
    total = 0
    hits = _hits(text, compiled, active, Context(text, plat, comment), ms)
    if hits:
        counts: dict[int, int] = {}
        covered: dict[int, int] = {}  # rule index -> end of its last finding
        for s, e, idx, detail, repl in hits:
            if e <= covered.get(idx, -1):
                continue  # inside a longer finding of the same rule
            covered[idx] = e
            nth = counts.get(idx, 0)
            counts[idx] = nth + 1
            rule = rules[idx]
            penalty = rule.penalty >> REPEAT_SHIFT[nth] if nth < 3 else 0
            total += penalty
            findings.append(
                make_finding(
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
    score = 100 - total if total < 100 else 0
    fits = plat.limit is None or weighted_length(text, plat) <= plat.limit
    notes = ()
    if (plat.fold is not None and len(text) > plat.fold) or not text.strip():
        notes = _notes(text, plat)
    findings = tuple(findings)
    return make_review(
        score,
        verdict_for(score),
        findings,
        strengths(text, ms, fits),
        rules_rewrite(text, findings, playbook),
        ENGINE,
        playbook.id,
        playbook.version,
        plat.id,
        _summary(score, total, len(findings)),
        notes,
    )


def _notes(text: str, plat) -> tuple[str, ...]:
    notes = []
    if plat.fold is not None and len(text) > plat.fold:
        notes.append(f"{plat.label} shows about {plat.fold} characters before “See more”.")
    if not text.strip():
        notes.append("The draft is empty.")
    return tuple(notes)


def _summary(score: int, total: int, n: int) -> str:
    if n == 0:
        return "100: nothing to flag."
    return f"{score} = 100 − {total} from {n} finding{'s' if n != 1 else ''}."
