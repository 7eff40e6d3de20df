"""The LLM engine: a model's judgement and a natural rewrite, verified before anyone sees it.

`LlmEngine.improve(request, rules_review, playbook)` starts from the rules review and
returns something at least as good, never an exception:

1. A cached answer for the same draft, playbook version, platform, tone, reply context,
   model and prompts is reused (a cache hit costs no call). Past the person's hourly
   budget, the rules review comes back with a note.
2. One structured-output call (`llm_client`): the static system prompt, then the draft,
   cleaned and redacted, between random delimiters (`llm_prompt`). Unusable output (bad
   JSON, schema violation, refusal) is asked for once more, then we fall back.
3. The model's findings must name a playbook rule and quote words that occur in the draft
   exactly (the offsets are ours); each then costs that rule's penalty (halved for a
   repeat, as in the rules engine). Others are dropped. The model may also dismiss a rules
   finding with a reason (schema field `dismissed`; never a problem-level one): it leaves
   the review, its penalty is given back, and a note says the AI dismissed it.
4. The rewrite (placeholders restored, Slack markup neutralised) is checked by the one fact
   model (rules/fact_check/: facts kept, push may go, nothing added) and re-scored by the rules
   engine: it must carry no more push than the draft, compared before the 0 floor, and
   break no problem-level rule the draft didn't. Failing, the model gets one more call that
   shows it its own answer and names what to fix in context ("you dropped the code
   SAVE40"); failing again, the rules rewrite is used and the review says why.

The score of an LLM review is 100 minus the penalties of the findings shown (the rules
engine's, less dismissals, plus the model's): explainable and comparable week to week.
The verdict follows the score.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.review.core.model import Finding, Review, Rewrite, Strength, verdict_for
from bot.review.llm.client import Attempt, ChatClient, LlmUnavailable
from bot.review.llm.ledger import LlmLedger
from bot.review.llm.prompt import (
    PromptInput,
    max_output_tokens,
    new_tag,
    prepare,
    system_message,
    user_message,
)
from bot.review.llm.prompts import Prompts
from bot.review.llm.redact import remove_controls
from bot.review.llm.schema import LlmReview
from bot.review.rules import fact_check
from bot.review.rules.engine import repeat_penalty
from bot.review.rules.engine import review as rules_engine_review

log = logging.getLogger(__name__)

NOTE_UNAVAILABLE = "AI suggestions unavailable right now; this is the rules review."
NOTE_BUDGET = "You've used this hour's AI reviews ({limit}); this is the rules review."
NOTE_SET_ASIDE = "The AI rewrite was set aside ({reason}); this is the rules rewrite."
NOTE_UNKNOWN_TONE = "Unknown tone {tone!r} (try: {known}); this is the rules review."
NOTE_DISMISSED = "The AI dismissed {title} on “{quote}”: {reason}"
NOTE_DROPPED = "dropped on purpose, as push: {what}"
MIN_DISMISS_WORDS = 3  # a reason, not a shrug

MAX_FINDINGS, MAX_STRENGTHS, MAX_CHANGES = 6, 3, 5
LLM_STRENGTH_ID = "ai-noted"


@dataclass(frozen=True)
class _Candidate:
    """One usable answer, turned into our terms, and why its rewrite fails (if it does)."""

    answer: LlmReview
    rewrite: str
    rejection: str | None  # for the person: "it scores 40, lower than the draft's 72"
    retry_reason: str | None  # for the model (no draft text outside delimiters)
    missing: tuple[str, ...]  # what to fix, each "dropped the code SAVE40" (draft text)
    dropped: tuple[str, ...] = ()  # push the rewrite dropped on purpose ("3", "#1")


class LlmEngine:
    """Improves rules reviews with an LLM; thread-safe and shared by every surface."""

    def __init__(
        self,
        client: ChatClient,
        prompts: Prompts,
        *,
        ledger: LlmLedger | None = None,
        budget_seconds: float = 25.0,
        hourly_budget: int | None = 30,
        clock: Callable[[], float] = time.time,
    ):
        self.client = client
        self.prompts = prompts
        self.ledger = ledger
        self.budget_seconds = budget_seconds
        self.hourly_budget = hourly_budget
        self.clock = clock

    @property
    def model(self) -> str:
        return self.client.model

    def close(self) -> None:
        self.client.close()

    # -- the one entry point -----------------------------------------------------------

    def improve(self, request, rules: Review, playbook) -> Review:
        """The LLM review of `request`, or `rules` with a short note saying why not."""
        tone = (request.tone or "").strip().lower() or None
        if tone and tone not in self.prompts.tones:
            known = ", ".join(self.prompts.tones)
            return with_note(rules, NOTE_UNKNOWN_TONE.format(tone=request.tone, known=known))
        user = request.user or ""
        request_id = uuid.uuid4().hex
        key = self.cache_key(request, playbook, rules.platform, tone)
        cached = self._from_cache(key, user, request_id)
        if cached is not None:
            return cached
        if self._over_budget(user):
            return with_note(rules, NOTE_BUDGET.format(limit=self.hourly_budget))
        try:
            review, verified = self._llm_review(request, rules, playbook, tone, user, request_id)
        except LlmUnavailable as exc:
            log.warning("LLM review %s fell back to the rules: %s", request_id, exc)
            return with_note(rules, NOTE_UNAVAILABLE)
        except Exception as exc:  # a person gets a review, never a stack trace
            log.error("LLM review %s failed (%s); rules used", request_id, type(exc).__name__)
            return with_note(rules, NOTE_UNAVAILABLE)
        if verified:
            self._ledger("llm_cache_put", key, review.to_dict())
        return review

    def cache_key(self, request, playbook, platform: str, tone: str | None) -> str:
        parts = [
            self.prompts.version,
            self.model,
            playbook.id,
            playbook.version,
            platform,
            tone or "",
            getattr(request, "instruction", None) or "",
            getattr(request, "previous_rewrite", None) or "",
            request.text,
            request.in_reply_to or "",
        ]
        return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()

    # -- cache and budget --------------------------------------------------------------

    def _from_cache(self, key: str, user: str, request_id: str) -> Review | None:
        data = self._ledger("llm_cache_get", key)
        if not data:
            return None
        try:
            review = Review.from_dict(data)
        except (KeyError, TypeError, ValueError):
            return None
        self._record(user, request_id, Attempt("cache_hit"), cached=True)
        return review

    def _over_budget(self, user: str) -> bool:
        if not user or self.hourly_budget is None or self.ledger is None:
            return False
        used = self._ledger("llm_calls_since", user, self.clock() - 3600)
        return used is not None and used >= self.hourly_budget

    def _ledger(self, method: str, *args):
        """A ledger call that cannot break a review (a busy database means no cache)."""
        if self.ledger is None:
            return None
        try:
            return getattr(self.ledger, method)(*args)
        except Exception as exc:
            log.warning("LLM ledger %s failed: %s", method, type(exc).__name__)
            return None

    def _record(self, user: str, request_id: str, attempt: Attempt, cached: bool = False):
        if self.ledger is None:
            return
        try:
            self.ledger.record_llm_call(
                user_id=user,
                model=self.model,
                prompt_tokens=attempt.prompt_tokens,
                completion_tokens=attempt.completion_tokens,
                cached=cached,
                outcome=attempt.outcome,
                request_id=request_id,
            )
        except Exception as exc:
            log.warning("LLM usage not recorded: %s", type(exc).__name__)

    # -- asking and verifying ----------------------------------------------------------

    def _llm_review(self, request, rules, playbook, tone, user, request_id):
        source = prepare(request.text, request.in_reply_to)
        tag = new_tag(source.redacted, source.comment)
        draft_message = user_message(
            self.prompts,
            source,
            rules,
            tone=tone,
            tag=tag,
            instruction=getattr(request, "instruction", None),
            previous=getattr(request, "previous_rewrite", None),
        )
        base = [
            {"role": "system", "content": system_message(self.prompts, playbook)},
            {"role": "user", "content": draft_message},
        ]
        deadline = time.monotonic() + self.budget_seconds
        max_tokens = max_output_tokens(source.redacted)
        follow_up: list[dict] = []  # the model's last answer, then what to fix in it
        repaired = retried = False
        best: _Candidate | None = None
        while True:
            try:
                answer = self.client.ask(
                    [*base, *follow_up],
                    deadline=deadline,
                    max_tokens=max_tokens,
                    on_attempt=lambda a: self._record(user, request_id, a),
                )
            except LlmUnavailable:
                if best is None:
                    raise
                break
            if answer.review is None:
                if repaired:
                    if best is None:
                        raise LlmUnavailable("no usable answer after one repair")
                    break
                repaired = True
                problem = answer.problem or "you declined, but critiquing a draft is always fine"
                follow_up = [
                    *_assistant(answer.raw or answer.refusal or ""),
                    {"role": "user", "content": self.prompts.render("repair", problem=problem)},
                ]
                continue
            best = self._candidate(answer.review, source, request, rules, playbook)
            if best.rejection is None or retried:
                break
            retried = True
            follow_up = [
                *_assistant(answer.raw),
                {"role": "user", "content": self._retry_message(best, source, tag)},
            ]
        return self._merge(best, source, rules, playbook), best.rejection is None

    def _candidate(self, answer: LlmReview, source: PromptInput, request, rules, playbook):
        """The answer's rewrite checked both ways: every fact kept (push may go), nothing
        added, and less push than the draft by the rules engine (see verify_rewrite)."""
        rewrite = model_text(answer.rewrite, source, limit=None, one_line=False)
        if not rewrite:
            return _Candidate(answer, rewrite, "it was empty", "the rewrite was empty", ())
        rescored = rules_engine_review(
            rewrite, playbook, platform=rules.platform, in_reply_to=request.in_reply_to
        )
        checked = fact_check.check(
            request.text, rewrite, rules.findings, playbook, comment=request.in_reply_to
        )
        problems = checked.problems()
        why = []
        if checked.missing or checked.recounted:
            why.append("it left out facts of the draft")
        if checked.added:
            why.append("it added things the draft does not say")
        pushier = pushier_than(rescored, rules)
        if pushier:
            why.append("the rules engine finds more push in it than in the draft")
            problems.append(pushier)
        if not why:
            dropped = tuple(i.text for i in checked.dropped)
            return _Candidate(answer, rewrite, None, None, (), dropped)
        shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
        return _Candidate(answer, rewrite, shown, " and ".join(why), tuple(problems))

    def _retry_message(self, best: _Candidate, source: PromptInput, tag: str) -> str:
        missing = ""
        if best.missing:
            facts = "\n".join(
                "- you " + source.redactor.redact(remove_controls(m)) for m in best.missing
            )
            missing = self.prompts.render("missing", tag=tag, facts=facts) + "\n"
        return self.prompts.render("retry", reason=best.retry_reason, missing=missing)

    # -- the review a person sees ------------------------------------------------------

    def _merge(self, best: _Candidate, source, rules: Review, playbook) -> Review:
        answer = best.answer
        findings, dismissed = dismiss(rules.findings, answer.dismissed, source)
        by_id = {r.id: r for r in playbook.rules}
        added = 0
        for item in answer.findings[: MAX_FINDINGS * 2]:
            if added >= MAX_FINDINGS:
                break
            rule = by_id.get(item.rule.strip())
            if rule is None:
                continue
            span = locate(item.quote, source, findings, rule.id)
            if span is None:
                continue
            start, end = span
            comment = model_text(item.comment, source, limit=280)
            nth = sum(1 for f in findings if f.rule == rule.id)
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=rule.severity,
                    start=start,
                    end=end,
                    quote=source.original[start:end],
                    why=rule.why,
                    suggestion=comment or rule.suggest,
                    penalty=repeat_penalty(rule.penalty, nth),
                    principle=rule.principle,
                    title=rule.title,
                )
            )
            added += 1
        notes: list[str] = [
            NOTE_DISMISSED.format(title=f.title or f.rule, quote=f.quote, reason=why)
            for f, why in dismissed
        ]
        if best.rejection is None:
            changes = [model_text(c, source, limit=120) for c in answer.changes[:MAX_CHANGES]]
            changes = [c for c in changes if c]
            if best.dropped:
                changes.append(NOTE_DROPPED.format(what=", ".join(best.dropped)))
            rewrite = Rewrite(text=best.rewrite, changes=tuple(changes), facts_dropped=best.dropped)
        else:
            rewrite = rules.rewrite
            notes.append(NOTE_SET_ASIDE.format(reason=best.rejection))
        total = sum(f.penalty for f in findings)
        score = max(0, 100 - total)
        return replace(
            rules,
            human_score=score,
            verdict=verdict_for(score),
            findings=tuple(findings),
            strengths=merge_strengths(rules.strengths, answer.strengths, source),
            rewrite=rewrite,
            engine="llm",
            summary=model_text(answer.summary, source, limit=200) or rules.summary,
            notes=(*rules.notes, *notes),
        )


# -- helpers (pure) ----------------------------------------------------------------------


def _assistant(raw: str) -> list[dict]:
    """The model's own last answer, so a retry can show it what to fix in it."""
    return [{"role": "assistant", "content": raw}] if raw else []


def pushier_than(rescored: Review, rules: Review) -> str:
    """Why a rewrite is pushier than its draft ("" when it isn't): more penalty than the
    draft, compared before the 0 floor, or a problem-level rule the draft didn't break."""
    theirs = sum(f.penalty for f in rescored.findings)
    ours = sum(f.penalty for f in rules.findings)
    had = {f.rule for f in rules.findings if f.severity == "problem"}
    new = [f for f in rescored.findings if f.severity == "problem" and f.rule not in had]
    if new:
        f = new[0]
        return f"made it pushier: {f.title or f.rule} on “{f.quote}”"
    if theirs > ours:
        worst = max(rescored.findings, key=lambda f: f.penalty)
        what = f"{worst.title or worst.rule} on “{worst.quote}”"
        return f"made it pushier ({theirs} points of push against {ours}): {what}"
    return ""


def dismiss(findings, dismissals, source) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """The rules findings left after the model's dismissals, and those dismissed with why.

    A dismissal must name a finding's rule and quote (or words of it) and give a reason of a
    few words; problem-level findings are never dismissed (the draft could talk its way out
    of them), each finding at most once.
    """
    kept = list(findings)
    gone: list[tuple[Finding, str]] = []
    for d in dismissals[:MAX_FINDINGS]:
        reason = model_text(d.reason, source, limit=200)
        quote = source.redactor.restore(remove_controls(d.quote)).strip()
        if len(reason.split()) < MIN_DISMISS_WORDS or not quote:
            continue
        for f in kept:
            if f.rule == d.rule.strip() and f.severity != "problem" and quote in f.quote:
                kept.remove(f)
                gone.append((f, reason))
                break
    return kept, gone


def with_note(review: Review, note: str) -> Review:
    return replace(review, notes=(*review.notes, note))


def locate(quote: str, source: PromptInput, taken: list[Finding], rule: str):
    """Where the model's quote occurs in the draft (original offsets), or None.

    The quote is matched exactly (after putting placeholders back) against the draft
    with control characters stripped; an occurrence already flagged for the same rule
    is skipped in favour of the next one.
    """
    wanted = source.redactor.restore(remove_controls(quote)).strip()
    if not wanted or len(wanted) > 500:
        return None
    at = source.clean.find(wanted)
    while at != -1:
        start, end = source.index[at], source.index[at + len(wanted) - 1] + 1
        if not any(f.rule == rule and f.start < end and start < f.end for f in taken):
            return start, end
        at = source.clean.find(wanted, at + 1)
    return None


def merge_strengths(ours, theirs: list[str], source) -> tuple[Strength, ...]:
    merged = list(ours)
    seen = {s.text.strip().lower() for s in ours}
    for text in theirs[:MAX_STRENGTHS]:
        text = model_text(text, source, limit=120)
        if text and text.lower() not in seen:
            seen.add(text.lower())
            merged.append(Strength(id=LLM_STRENGTH_ID, text=text))
    return tuple(merged)


def model_text(text: str, source: PromptInput, *, limit: int | None, one_line: bool = True):
    """Model-written text made safe to show: controls out, placeholders restored, Slack
    markup the draft did not contain neutralised, trimmed to `limit` characters."""
    text = neutralise(source.redactor.restore(remove_controls(text or "")), source.original)
    text = " ".join(text.split()) if one_line else _tidy_lines(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


_SLACK_TOKEN = re.compile(r"<([!@#])([^<>|\s]*)(?:\|([^<>]*))?>")
_LINK_TOKEN = re.compile(r"<((?:https?|mailto):[^<>|\s]+)(?:\|[^<>]*)?>", re.IGNORECASE)
_BROADCAST = re.compile(r"(?<![\w@])@(channel|here|everyone)\b", re.IGNORECASE)
_BROADCAST_NAMES = ("channel", "here", "everyone")


def neutralise(text: str, draft: str) -> str:
    """Slack control sequences the model wrote, made inert.

    `<!channel>`, `<!here>`, `<!everyone>`, user groups and mentions of people the draft
    did not mention are removed (a broadcast the draft itself made becomes plain
    `@channel`, which the Slack layer escapes); `<#C1|name>` becomes `#name`; a link in
    Slack markup becomes its bare URL. The Slack layer escapes everything again.
    """
    lowered = draft.lower()

    def token(m: re.Match) -> str:
        kind, body, label = m.group(1), m.group(2), m.group(3)
        if kind == "!":
            name = body.split("^")[0].lower()
            broadcast = name in _BROADCAST_NAMES
            if broadcast and (f"@{name}" in lowered or m.group(0).lower() in lowered):
                return f"@{name}"
            return ""
        if m.group(0) in draft:
            return m.group(0) if kind == "@" else "#" + (label or body)
        return "" if kind == "@" else "#" + (label or "channel")

    text = _SLACK_TOKEN.sub(token, text)
    text = _LINK_TOKEN.sub(lambda m: m.group(1), text)
    text = _BROADCAST.sub(
        lambda m: m.group(0) if m.group(0).lower() in lowered else m.group(1), text
    )
    return text


def _tidy_lines(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
