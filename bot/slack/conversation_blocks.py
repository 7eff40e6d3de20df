"""What a conversation with Social Way looks like in Slack: pure functions of plain data.

A review in a conversation is the usual review message with no "Post rewrite", no "Another
tone" and no "Mute" menu (in a conversation you say "warmer" or "ignore urgency"); a
rewrite asked for in words is a short message of its own. Every text a person or a model
wrote is escaped.
"""

from __future__ import annotations

from bot.review.core.model import Review
from bot.slack import blocks as kit
from bot.slack.text import escape, escaped_within

NEXT_STEPS = (
    "Reply here: *shorter*, *warmer*, *for LinkedIn*, *why hard-sell?*, *ignore urgency*, "
    "*as a reply to: &lt;their comment&gt;*, or paste the next version. *help* for more."
)
GREETING = (
    "Hi! Paste a draft post or reply and I'll show what reads like an ad, why, and a more "
    "human version that keeps every fact."
)
SUGGESTED_PROMPTS = (
    ("Review a draft", "Review a draft"),
    ("Check a reply to a customer", "Check a reply to a customer"),
    ("Make my last draft warmer", "Make my last draft warmer"),
)
HELP = (
    "*Talk to Social Way*\n"
    "• Paste a draft: you get a review and a more human rewrite. Paste the next version "
    "and I'll say what moved.\n"
    "• *shorter*, *warmer*, *more formal*, *more playful* — another version of the draft.\n"
    "• *for X* / *for LinkedIn* / *for Instagram* … — judge it for that platform.\n"
    "• *as a reply to: &lt;their comment&gt;* — check it as a reply to a customer.\n"
    "• *why hard-sell?* or *why “Only 3 left”?* — the rule, why it matters, and examples.\n"
    "• *ignore &lt;rule&gt;* — leave a rule out of this conversation.\n"
    "• *start over* — a clean slate.\n"
    "• *use the warm-support playbook* — judge it with another playbook."
)


def review_message(
    review: Review,
    *,
    review_id: int,
    draft: str,
    intro: str | None = None,
    working: str | None = None,
    hint: bool = False,
) -> tuple[dict, dict]:
    """The full and the compact (msg_too_long) message of a review in a conversation."""
    options = kit.MessageOptions(
        review_id=review_id, public=True, working=working, intro=intro, postable=False, draft=draft
    )
    full = kit.review_message(review, options)
    compact = kit.review_message(review, options, compact=True)
    return _conversational(full, hint), _conversational(compact, hint)


def _conversational(message: dict, hint: bool) -> dict:
    blocks = []
    for block in message["blocks"]:
        if block.get("type") == "actions":
            kept = [e for e in block["elements"] if e.get("action_id") != "mute-rule"]
            block = {**block, "elements": kept}
            if hint:
                blocks.append(kit.context(NEXT_STEPS, "conversation-hint"))
        blocks.append(block)
    return {**message, "blocks": blocks}


def rewrite_message(
    title: str, text: str, *, missing: tuple[str, ...] = (), notes: tuple[str, ...] = ()
) -> dict:
    """Another version of the draft, asked for in words: its title, the text, the facts."""
    quoted = "\n".join(
        "> " + line if line else ">" for line in escaped_within(text, 2700).split("\n")
    )
    blocks = [kit.section(f"*{escape(title)}*\n{quoted}", "conversation-rewrite")]
    if missing:
        facts = "⚠️ Missing from this version: " + escaped_within(", ".join(missing), 600)
    else:
        facts = "Kept every fact ✓"
    blocks.append(kit.context(facts, "conversation-facts"))
    if notes:
        lines = "\n".join(f"ℹ️ {escaped_within(n, 400)}" for n in notes[:5])
        blocks.append(kit.context(lines, "conversation-notes"))
    return {"blocks": blocks, "text": escaped_within(f"{title}: {text}", kit.TEXT_FALLBACK_LIMIT)}


def line(text: str) -> dict:
    """A message of our own words with someone's text in it: all of it escaped."""
    return kit.notice(escape(text))


def suggested_prompts() -> list[dict]:
    return [{"title": title, "message": message} for title, message in SUGGESTED_PROMPTS]
