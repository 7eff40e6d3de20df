"""The messages one LLM review sends: a static system part, then the draft, last.

The system message depends only on the playbook (role, principles and their why, the
rules the model may cite, the output contract), so it is byte-identical across requests
and providers can cache it as a prefix. The user message carries what changes: platform,
the rules engine's findings as evidence, the tone, and the draft (and any comment being
answered) between per-request random delimiter lines, as untrusted text. Everything in
the user message has had control characters stripped and personal details redacted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.review.core.model import Review
from bot.review.core.platforms import get_platform
from bot.review.llm.prompts import Prompts
from bot.review.llm.redact import Redactor, strip_controls

MAX_EVIDENCE = 8  # rules findings shown to the model (the rest add little)
REAL_LIMIT = 10_000  # a limit above this (Facebook's 63,206) is no limit a post meets


@dataclass(frozen=True)
class PromptInput:
    """The draft as it leaves: cleaned, redacted, with the map back to the original."""

    original: str
    clean: str  # control characters stripped, nothing else changed
    index: list[int]  # clean offset -> original offset (one extra entry for the end)
    redacted: str  # `clean` with personal details as placeholders
    comment: str  # the comment being answered, cleaned and redacted ("" when none)
    redactor: Redactor


def prepare(text: str, in_reply_to: str | None) -> PromptInput:
    clean, index = strip_controls(text)
    redactor = Redactor()
    redacted = redactor.redact(clean)
    comment = redactor.redact(strip_controls(in_reply_to)[0]) if in_reply_to else ""
    return PromptInput(text, clean, index, redacted, comment, redactor)


def new_tag(*texts: str) -> str:
    """A random delimiter tag that occurs in none of the texts."""
    while True:
        tag = "SW-" + secrets.token_hex(8)
        if not any(tag in t for t in texts):
            return tag


def system_message(prompts: Prompts, playbook) -> str:
    principles = "\n".join(f"- {p.id}: {p.title}. {_one_line(p.why)}" for p in playbook.principles)
    rules = "\n".join(f"- {r.id} ({r.principle}): {r.title}" for r in playbook.rules if _enabled(r))
    return prompts.render("system", playbook_name=playbook.name, principles=principles, rules=rules)


def user_message(
    prompts: Prompts,
    source: PromptInput,
    rules: Review,
    *,
    tone: str | None,
    tag: str,
    instruction: str | None = None,
    previous: str | None = None,
) -> str:
    platform = get_platform(rules.platform)
    if platform.limit and platform.limit <= REAL_LIMIT:
        note = f"Keep the rewrite within {platform.limit} characters."
    elif platform.fold:
        note = (
            f"No length limit that matters; about {platform.fold} characters show before"
            " “See more”, and shorter usually reads better."
        )
    else:
        note = "No hard length limit; shorter usually reads better."
    tone_text = ""
    if tone:
        tone_text = prompts.render("tone", tone=tone, hint=prompts.tones[tone]) + "\n"
    if instruction:  # a person's own words, as untrusted as the draft
        tone_text += request_text(prompts, source, instruction, previous, tag) + "\n"
    reply = ""
    if source.comment:
        reply = prompts.render("reply", tag=tag, comment=source.comment) + "\n"
    return prompts.render(
        "user",
        platform=platform.label,
        platform_note=note,
        score=rules.human_score,
        evidence=evidence(rules, source),
        tone=tone_text,
        reply=reply,
        tag=tag,
        draft=source.redacted,
    )


def request_text(
    prompts: Prompts, source: PromptInput, instruction: str, previous: str | None, tag: str
) -> str:
    """A conversation's free-form request and the last rewrite, cleaned and redacted."""

    def clean(text: str) -> str:
        return source.redactor.redact(strip_controls(text)[0]).replace(tag, "")

    return prompts.render(
        "request", tag=tag, request=clean(instruction)[:500], previous=clean(previous or "-")
    )


def evidence(rules: Review, source: PromptInput) -> str:
    """The rules engine's findings, one line each, quotes redacted like the draft."""
    if not rules.findings:
        return "- none"
    lines = []
    for f in rules.findings[:MAX_EVIDENCE]:
        quote = source.redactor.redact(strip_controls(f.quote)[0])
        lines.append(f'- {f.rule} ({f.severity}): "{_one_line(quote)[:120]}"')
    if len(rules.findings) > MAX_EVIDENCE:
        lines.append(f"- and {len(rules.findings) - MAX_EVIDENCE} more")
    return "\n".join(lines)


# The longest answer the review allows, in characters, besides the rewrite: a summary
# (200), 6 findings (rule, quote up to 500, comment 280), 3 strengths and 5 changes (120
# each), 6 dismissals (rule, quote, reason 200), and the JSON around them.
LONGEST_ANSWER_CHARS = 200 + 6 * (40 + 500 + 280) + 3 * 120 + 5 * 120 + 6 * (40 + 500 + 200) + 600
LONGEST_POST_CHARS = 3000  # the longest post a platform with a real limit takes (LinkedIn)
CHARS_PER_TOKEN = 2  # conservative: English runs ~4, accents and emoji far fewer
MAX_OUTPUT_TOKENS = 32000


def max_output_tokens(draft: str) -> int:
    """Room for the longest allowed answer (see LONGEST_ANSWER_CHARS) around a rewrite as
    long as the draft or a 3,000-character post, whichever is longer, so no answer is cut
    short (a cut answer is unusable JSON and costs a repair call)."""
    rewrite = max(LONGEST_POST_CHARS, len(draft)) * 5 // 4
    return min(MAX_OUTPUT_TOKENS, (LONGEST_ANSWER_CHARS + rewrite) // CHARS_PER_TOKEN)


def _enabled(rule) -> bool:
    return not getattr(rule, "disabled", False)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
