"""A review as text for a person at a terminal, and the short forms batch output uses.

Pure functions of a `Review` (and the draft it judged): no I/O, so they are easy to test
and the same review always reads the same way.
"""

from __future__ import annotations

import re

from bot.cli.terminal import Painter, highlight, printable
from bot.review.core.model import VERDICT_AD, VERDICT_READY, VERDICT_TOUCHES, Finding, Review

VERDICT_STYLE = {VERDICT_READY: "green", VERDICT_TOUCHES: "yellow", VERDICT_AD: "red"}
SEVERITY_STYLE = {"problem": "red", "warning": "yellow", "info": "cyan"}
SEVERITY_MARK = {"problem": "✗", "warning": "▲", "info": "·"}
QUOTE_WIDTH = 80
INDENT = "  "


def short_quote(text: str, width: int = QUOTE_WIDTH) -> str:
    """A quote on one line, cut to `width` characters with an ellipsis."""
    flat = re.sub(r"\s+", " ", printable(text)).strip()
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop (or its own ? or !)."""
    text = text.strip()
    if not text or text[-1] in ".?!…":
        return text
    return text + "."


def indented(text: str) -> str:
    return "\n".join(INDENT + line if line else line for line in text.splitlines())


def finding_line(finding: Finding, paint: Painter) -> str:
    """“quote” — why. Try: suggestion (principle · rule · −penalty)"""
    mark = paint(SEVERITY_MARK.get(finding.severity, "·"), SEVERITY_STYLE.get(finding.severity, ""))
    quote = paint(f"“{short_quote(finding.quote)}”", "bold")
    why = sentence(finding.why)
    tried = f" Try: {sentence(finding.suggestion)}" if finding.suggestion.strip() else ""
    where = " · ".join(p for p in (finding.principle, finding.rule, f"−{finding.penalty}") if p)
    return f"{mark} {quote} — {why}{tried} {paint(f'({where})', 'dim')}"


def render_review(review: Review, draft: str, paint: Painter) -> str:
    """The whole review as the human output of `socialway review`."""
    verdict = paint(review.verdict, "bold", VERDICT_STYLE.get(review.verdict, "bold"))
    about = (
        f"{review.playbook} {review.playbook_version} · {review.engine} engine · {review.platform}"
    )
    lines = [f"{verdict} · {review.human_score}/100", paint(about, "dim")]
    if review.summary:
        lines.append(review.summary)
    spans = [(f.start, f.end, f"hl-{f.severity}") for f in review.findings]
    lines += ["", indented(highlight(draft, spans, paint)), ""]
    if review.findings:
        lines.append(paint(f"Findings ({len(review.findings)})", "bold"))
        heaviest_first = sorted(review.findings, key=lambda f: (-f.penalty, f.start))
        lines += [INDENT + finding_line(f, paint) for f in heaviest_first]
    else:
        lines.append(paint("No findings.", "bold"))
    if review.strengths:
        lines.append("")
    lines += [INDENT + paint("✓", "green") + f" Works: {s.text}" for s in review.strengths]
    lines += ["", *rewrite_lines(review, draft, paint)]
    lines += [f"Note: {note}" for note in review.notes]
    return "\n".join(lines).rstrip() + "\n"


def rewrite_lines(review: Review, draft: str, paint: Painter) -> list[str]:
    rewrite = review.rewrite
    if rewrite.text.split() == draft.split():
        # What the rules couldn't do, and why; an AI that changed nothing has nothing to say.
        left = [c for c in rewrite.changes if c.startswith(("left “", "kept “", "left it"))]
        if not left:
            return [paint("Rewrite:", "bold") + " nothing to change."]
        lines = [paint("Rewrite:", "bold") + " none — the rules can't rewrite this safely."]
        lines.append("What to change:")
        return lines + [f"{INDENT}• {printable(change)}" for change in left]
    lines = [paint("Rewrite", "bold"), indented(printable(rewrite.text))]
    if rewrite.changes:
        lines.append("Changes:")
        lines += [f"{INDENT}• {printable(change)}" for change in rewrite.changes]
    if rewrite.facts_kept and not rewrite.facts_missing:
        lines.append(paint("✓", "green") + " Every fact kept.")
        if rewrite.facts_dropped:
            went = ", ".join(printable(f) for f in rewrite.facts_dropped)
            lines.append(f"  Dropped on purpose, as push: {went}")
    else:
        missing = ", ".join(printable(f) for f in rewrite.facts_missing) or "(unnamed)"
        lines.append(paint("✗ Facts missing:", "red") + f" {missing}")
    return lines


def review_json(review: Review) -> str:
    """One review as pretty JSON, the public shape (`Review.to_dict`)."""
    import json  # only --json needs it: a plain `socialway review` starts without it

    return json.dumps(review.to_dict(), ensure_ascii=False, indent=2)


def top_findings(review: Review, limit: int = 3) -> str:
    """The heaviest findings in one cell: `rule: “quote”; …; +N more`."""
    ranked = sorted(review.findings, key=lambda f: -f.penalty)
    parts = [f"{f.rule}: “{short_quote(f.quote, 60)}”" for f in ranked[:limit]]
    if len(ranked) > limit:
        parts.append(f"+{len(ranked) - limit} more")
    return "; ".join(parts)
