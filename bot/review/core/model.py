"""What a review is: plain, frozen data that every engine returns and every surface renders.

`Review.to_dict()` is the public JSON shape (CLI `--json`, the store, other tools):
fields may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("info", "warning", "problem")

VERDICT_READY = "Ready to post"
VERDICT_TOUCHES = "A few touches"
VERDICT_AD = "Reads like an ad"


@dataclass(frozen=True)
class Finding:
    """One flagged span: the words, the rule they break, why, and what to do instead.

    `start`/`end` are character offsets into the draft exactly as given, so
    `draft[start:end] == quote` always holds. A finding about something absent
    (no question, no thanks) quotes the sentence it is about.
    """

    rule: str
    severity: str
    start: int
    end: int
    quote: str
    why: str
    suggestion: str
    penalty: int
    principle: str = ""
    title: str = ""
    replacement: str | None = None


@dataclass(frozen=True)
class Strength:
    """Something the draft already does well, named so people keep doing it."""

    id: str
    text: str


@dataclass(frozen=True)
class Rewrite:
    """A more human version of the draft, what changed, whether every fact survived, and
    the push it dropped on purpose ("3" of "tag 3 friends", "#1"; rules/fact_check/)."""

    text: str
    changes: tuple[str, ...] = ()
    facts_kept: bool = True
    facts_missing: tuple[str, ...] = ()
    facts_dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """One draft reviewed on one playbook by one engine."""

    human_score: int
    verdict: str
    findings: tuple[Finding, ...]
    strengths: tuple[Strength, ...]
    rewrite: Rewrite
    engine: str
    playbook: str
    playbook_version: str
    platform: str = "generic"
    summary: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        # Field by field, each converted once (asdict would convert the findings, then
        # they were converted again). An instance's __dict__ holds its fields in their
        # order, whichever way it was built (__init__, replace, the make_* below), so a
        # copy of it is the fields in order, without a getattr per field.
        data = dict(self.__dict__)
        data["findings"] = [dict(f.__dict__) for f in self.findings]
        data["strengths"] = [{"id": s.id, "text": s.text} for s in self.strengths]
        data["rewrite"] = {
            "text": self.rewrite.text,
            "changes": list(self.rewrite.changes),
            "facts_kept": self.rewrite.facts_kept,
            "facts_missing": list(self.rewrite.facts_missing),
            "facts_dropped": list(self.rewrite.facts_dropped),
        }
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Review:
        rw = data.get("rewrite") or {}
        return cls(
            human_score=int(data["human_score"]),
            verdict=data["verdict"],
            findings=tuple(Finding(**f) for f in data.get("findings", ())),
            strengths=tuple(Strength(**s) for s in data.get("strengths", ())),
            rewrite=Rewrite(
                text=rw.get("text", ""),
                changes=tuple(rw.get("changes", ())),
                facts_kept=bool(rw.get("facts_kept", True)),
                facts_missing=tuple(rw.get("facts_missing", ())),
                facts_dropped=tuple(rw.get("facts_dropped", ())),
            ),
            engine=data.get("engine", "rules"),
            playbook=data.get("playbook", ""),
            playbook_version=str(data.get("playbook_version", "")),
            platform=data.get("platform", "generic"),
            summary=data.get("summary", ""),
            notes=tuple(data.get("notes", ())),
        )


# ---- fast construction for the rules engine's hot path ---------------------------------
# A frozen dataclass's __init__ sets each field through object.__setattr__ (~0.15 µs a
# field); these build the same objects by handing over a ready __dict__ in one call.

_new = object.__new__
_set_dict = object.__setattr__


def make_finding(
    rule: str,
    severity: str,
    start: int,
    end: int,
    quote: str,
    why: str,
    suggestion: str,
    penalty: int,
    principle: str = "",
    title: str = "",
    replacement: str | None = None,
) -> Finding:
    """Finding(...) with the same fields, built faster."""
    f = _new(Finding)
    _set_dict(
        f,
        "__dict__",
        {
            "rule": rule,
            "severity": severity,
            "start": start,
            "end": end,
            "quote": quote,
            "why": why,
            "suggestion": suggestion,
            "penalty": penalty,
            "principle": principle,
            "title": title,
            "replacement": replacement,
        },
    )
    return f


def make_rewrite(
    text: str,
    changes: tuple = (),
    facts_kept: bool = True,
    facts_missing: tuple = (),
    facts_dropped: tuple = (),
) -> Rewrite:
    """Rewrite(...) with the same fields, built faster."""
    r = _new(Rewrite)
    _set_dict(
        r,
        "__dict__",
        {
            "text": text,
            "changes": changes,
            "facts_kept": facts_kept,
            "facts_missing": facts_missing,
            "facts_dropped": facts_dropped,
        },
    )
    return r


def make_review(
    human_score: int,
    verdict: str,
    findings: tuple,
    strengths: tuple,
    rewrite: Rewrite,
    engine: str,
    playbook: str,
    playbook_version: str,
    platform: str = "generic",
    summary: str = "",
    notes: tuple = (),
) -> Review:
    """Review(...) with the same fields, built faster."""
    r = _new(Review)
    _set_dict(
        r,
        "__dict__",
        {
            "human_score": human_score,
            "verdict": verdict,
            "findings": findings,
            "strengths": strengths,
            "rewrite": rewrite,
            "engine": engine,
            "playbook": playbook,
            "playbook_version": playbook_version,
            "platform": platform,
            "summary": summary,
            "notes": notes,
        },
    )
    return r


def verdict_for(score: int, findings=(), about_others: bool = False) -> str:
    """The verdict a score earns; one place so every engine agrees.

    Verdicts mean what they say: a draft with a problem-level finding is never "Ready to
    post", whatever its score; and a post mostly about someone else's success
    (`about_others`: it congratulates or spotlights someone) does not "read like an ad"
    unless a finding is problem-level, however many small touches it needs.
    """
    problem = any(f.severity == "problem" for f in findings)
    if score >= 80:
        return VERDICT_TOUCHES if problem else VERDICT_READY
    if score >= 50 or (about_others and not problem):
        return VERDICT_TOUCHES
    return VERDICT_AD
