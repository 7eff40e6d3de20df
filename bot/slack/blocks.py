"""Block Kit for every message and view the app sends: pure functions of plain data.

Nothing here talks to Slack, so each shape is tested directly. Every piece of user or
model text goes through `text.escape`, and every limit Slack enforces (50 blocks,
3,000 characters a section, 75 a button or option, 25 elements an actions block) is met
by summarising — a huge review renders smaller, never fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.review.core.model import Review
from bot.slack.text import clip, escape, escaped_chunks, escaped_within, linked, mention

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
LEFT_NOTES = ("left “", "kept “", "left it")  # what a rules rewrite couldn't do, and why
POST_BLOCKS_LIMIT = 10_000  # block text of a posted rewrite: well under Slack's 12,000
POST_TEXT_LIMIT = 35_000  # message text of the shorter form: under Slack's 40,000
CONTEXT_LIMIT = 2000
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
OPTIONS_MAX = 100
ACTIONS_MAX = 25
TEXT_FALLBACK_LIMIT = 3000
FINDINGS_SHOWN = 8
FINDINGS_SHOWN_COMPACT = 3

_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
WORKING = "✍️ writing a more human version…"
COMING_BELOW = "✍️ writing a more human version… it will appear as a new message."
PLATFORM_CHOICES = (
    ("generic", "Any platform"),
    ("x", "X"),
    ("bluesky", "Bluesky"),
    ("threads", "Threads"),
    ("linkedin", "LinkedIn"),
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
)


def plain_text(text: str, limit: int = BUTTON_LIMIT) -> dict:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(mrkdwn: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}}
    if block_id:
        block["block_id"] = block_id
    return block


def context(mrkdwn: str, block_id: str | None = None) -> dict:
    block = {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:CONTEXT_LIMIT]}]}
    if block_id:
        block["block_id"] = block_id
    return block


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {
        "type": "button",
        "text": plain_text(label),
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        element["style"] = style
    return element


def option(label: str, value: str) -> dict:
    return {"text": plain_text(label, OPTION_LIMIT), "value": value[:150]}


def select(placeholder: str, action_id: str, options: list[dict]) -> dict:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain_text(placeholder),
        "options": options[:OPTIONS_MAX],
    }


# -- a review ---------------------------------------------------------------------


@dataclass(frozen=True)
class MessageOptions:
    """How one review is drawn, beyond the review itself: built once where the review is
    answered, and shared by the full and the compact form of its message and its redraws."""

    review_id: int  # what every button carries; 0 (not stored): no buttons
    public: bool  # the post button's wording: "in thread" (True) or "in channel"
    working: str | None = None  # a state line while the LLM writes
    feedback: str | None = None  # the thanks line after a vote
    intro: str | None = None  # a line under the header
    postable: bool = True  # False: no "Post rewrite" (a review of someone else's message)
    draft: str | None = None  # when known, a rewrite that changes nothing says so, unposted
    tones: tuple[str, ...] = ()  # the "Another tone" menu, in this order; (): no menu
    tone: str | None = None  # another tone of a draft: its header names it ("": unknown)


def review_message(review: Review, options: MessageOptions, *, compact: bool = False) -> dict:
    """The message for one review: `{"blocks": [...], "text": fallback}`.

    `compact` is the smaller form used when Slack says the message is too long. A rewrite
    that is the draft itself has no post button; another tone's header names the tone, not
    the draft's score (that score is the original's, not this version's).
    """
    draft, intro, tone = options.draft, options.intro, options.tone
    unchanged = unchanged_rewrite(review, draft)
    blocks = [
        section(
            _header(review, tone) + (f"\n{escaped_within(intro, 500)}" if intro else ""),
            "review-header",
        ),
        context(_meta(review), "review-meta"),
    ]
    if review.summary:
        blocks.append(section(escaped_within(review.summary, 1000 if compact else 2500), "summary"))
    blocks.extend(_findings(review, FINDINGS_SHOWN_COMPACT if compact else FINDINGS_SHOWN))
    if review.strengths:
        works = " · ".join(s.text for s in review.strengths)
        blocks.append(context("✓ Works: " + escaped_within(works, 1000), "review-strengths"))
    blocks.extend(_rewrite(review, compact, unchanged))
    if review.notes:
        notes = "\n".join(f"ℹ️ {escaped_within(n, 400)}" for n in review.notes[:5])
        blocks.append(context(notes, "review-notes"))
    if options.working:
        blocks.append(context(escape(options.working), "review-working"))
    if options.feedback:
        blocks.append(context(options.feedback, "review-feedback"))
    if options.review_id:  # 0: the store couldn't keep it, so no button would find it
        postable = options.postable and not unchanged
        actions = review_actions(
            review,
            review_id=options.review_id,
            public=options.public,
            postable=postable,
            tones=options.tones,
        )
        blocks.append(actions)
    return {"blocks": blocks[:MAX_BLOCKS], "text": review_fallback(review, tone)}


def tone_title(tone: str) -> str:
    """The header of another tone: "A warmer version"; "Another tone" when it isn't known."""
    return f"A {tone} version" if tone else "Another tone"


def _header(review: Review, tone: str | None) -> str:
    if tone is not None:
        return f"*{escape(tone_title(tone))}*"
    return f"*{escape(review.verdict)} · {review.human_score}/100*"


def unchanged_rewrite(review: Review, draft: str | None) -> bool:
    """True when the rewrite is the draft itself (spacing aside): nothing to post."""
    if draft is None or not review.rewrite.text.strip():
        return False
    return review.rewrite.text.split() == draft.split()


def _meta(review: Review) -> str:
    parts = [review.engine, review.playbook]
    if review.platform and review.platform != "generic":
        parts.append(review.platform)
    return escape(" · ".join(p for p in parts if p))


def _findings(review: Review, shown: int) -> list[dict]:
    if not review.findings:
        return [context("No issues found.", "findings-none")]
    ordered = sorted(review.findings, key=lambda f: (-f.penalty, f.start))
    blocks = [section(_finding_text(f), f"finding-{n}") for n, f in enumerate(ordered[:shown])]
    rest = len(ordered) - shown
    if rest > 0:
        rules = sorted({f.rule for f in ordered[shown:]})
        blocks.append(
            context(f"… and {rest} more ({escaped_within(', '.join(rules), 500)})", "findings-more")
        )
    return blocks


def _finding_text(finding) -> str:
    if finding.quote:
        words = f"*“{linked(escaped_within(finding.quote, 200))}”*"
    else:  # no words to quote (erased after retention): the rule's name, never in quotes
        words = f"*{escaped_within(finding.title or finding.rule, 200)}*"
    why = escaped_within(finding.why, 600)
    fix = finding.suggestion
    if finding.replacement:
        fix = f"try “{finding.replacement}”" + (f" — {fix}" if fix else "")
    line = f"{words} — {why}" if why else words
    if fix:
        line += f"\n_{escaped_within(fix, 600)}_"
    return f"{line}  `{escaped_within(finding.rule, 60)}`"


def _rewrite(review: Review, compact: bool, unchanged: bool = False) -> list[dict]:
    rewrite = review.rewrite
    if not rewrite.text.strip():
        return []
    if unchanged:  # nothing to post; what the rewrite left for the person still helps
        notes = "; ".join(c for c in rewrite.changes if c.startswith(LEFT_NOTES))
        line = (
            f"*Rewrite:* none — the rules can't rewrite this safely. What to change: "
            f"{escaped_within(notes, 800)}"
            if notes
            else ""
        )
        return [context(line or "*Rewrite:* nothing to change.", "review-rewrite")]
    budget = 600 if compact else 2700
    quoted = _quoted(linked(escaped_within(rewrite.text, budget)))
    while len(quoted) > SECTION_LIMIT - 20:  # "> " on many short lines adds up
        budget = budget * 2 // 3
        quoted = _quoted(linked(escaped_within(rewrite.text, budget)))
    blocks = [section("*Rewrite*\n" + quoted, "review-rewrite")]
    if rewrite.changes and not compact:
        changed = "; ".join(rewrite.changes)
        blocks.append(context("Changed: " + escaped_within(changed, 800), "review-changes"))
    if rewrite.facts_kept and not rewrite.facts_missing:
        kept = "Kept every fact ✓"
        if rewrite.facts_dropped:
            went = escaped_within(", ".join(rewrite.facts_dropped), 300)
            kept += f" · dropped on purpose, as push: {went}"
        blocks.append(context(kept, "review-facts"))
    else:
        missing = ", ".join(rewrite.facts_missing) or "some facts"
        blocks.append(
            context("⚠️ Missing from the rewrite: " + escaped_within(missing, 600), "review-facts")
        )
    return blocks


def _quoted(body: str) -> str:
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def review_actions(
    review: Review,
    *,
    review_id: int,
    public: bool,
    postable: bool = True,
    tones: tuple[str, ...] = (),
) -> dict:
    """The buttons under a review; every value carries the stored review id. The "Another
    tone" menu offers `tones` (the prompts' tones.txt, in its order)."""
    rid = str(review_id)
    elements = []
    if postable and review.rewrite.text.strip():
        label = "Post rewrite in thread" if public else "Post rewrite in channel"
        elements.append(button(label, "post-rewrite", rid, style="primary"))
    if tones:
        choices = [option(t.capitalize(), f"{rid}|{t}") for t in tones]
        elements.append(select("Another tone", "another-tone", choices))
    elements.append(button("Helpful", "feedback-helpful", rid))
    elements.append(button("Not helpful", "feedback-not-helpful", rid))
    # a playbook's rule ids are plain (a-z, 0-9, -); anything else can't be muted by id
    rules = [r for r in dict.fromkeys(f.rule for f in review.findings) if _RULE_ID.fullmatch(r)]
    if rules:
        options = [option(f"Mute {r}", f"{rid}|{r}") for r in rules]
        elements.append(select("Mute a rule here", "mute-rule", options))
    return {"type": "actions", "block_id": "review-actions", "elements": elements[:ACTIONS_MAX]}


def review_fallback(review: Review, tone: str | None = None) -> str:
    """The notification text: verdict, score and the top findings, in plain words (for
    another tone: which tone, and the start of that version)."""
    if tone is not None:
        return escaped_within(f"{tone_title(tone)}: {review.rewrite.text}", 300)
    head = f"{review.verdict} · {review.human_score}/100"
    if not review.findings:
        return escape(head)
    quotes = "; ".join(
        f"“{clip(f.quote, 80)}” ({f.rule})" if f.quote else f.rule for f in review.findings[:3]
    )
    more = len(review.findings) - 3
    tail = f" … and {more} more" if more > 0 else ""
    return escaped_within(f"{head} — {quotes}{tail}", TEXT_FALLBACK_LIMIT)


def with_feedback(message: dict, note: str) -> dict:
    """`message` with its feedback line set to `note` (added before the buttons)."""
    blocks = [b for b in message["blocks"] if b.get("block_id") != "review-feedback"]
    at = next(
        (i for i, b in enumerate(blocks) if b.get("block_id") == "review-actions"), len(blocks)
    )
    blocks.insert(at, context(note, "review-feedback"))
    return {"blocks": blocks[:MAX_BLOCKS], "text": message["text"]}


# -- other messages ----------------------------------------------------------------


def notice(text: str) -> dict:
    """A short message of our own words (already safe mrkdwn)."""
    return {"blocks": [section(text)], "text": clip(text, TEXT_FALLBACK_LIMIT)}


def rewrite_post(
    rewrite_text: str, *, asker: str, compact: bool = False, draft: str | None = None
) -> dict:
    """The rewrite posted on someone's request, attributed to them, its mentions live.

    The people the `draft` mentions stay mentioned (text.linked). Its sections stay well
    under Slack's 12,000 characters of block text
    (POST_BLOCKS_LIMIT); a longer rewrite, or `compact` (after Slack answered
    msg_blocks_too_long), is the shorter form: plain message text with the credit line.
    """
    credit = f"Suggested by Social Way for {mention(asker)}"
    pieces = escaped_chunks(rewrite_text, SECTION_LIMIT)
    chunks = [linked(c.strip(), people_in=draft) for c in pieces if c.strip()]
    if compact or sum(len(c) for c in chunks) > POST_BLOCKS_LIMIT:
        body = linked(escaped_within(rewrite_text, POST_TEXT_LIMIT), people_in=draft)
        return {"text": f"{body}\n\n_{credit}_"}
    blocks = [section(c) for c in chunks[: MAX_BLOCKS - 1]]  # split at breaks, never in &amp;
    blocks.append(context(credit, "rewrite-credit"))
    fallback = linked(escaped_within(rewrite_text, TEXT_FALLBACK_LIMIT), people_in=draft)
    return {"blocks": blocks, "text": fallback}


def mute_confirmation(*, review_id: int, rule: str, channel_id: str) -> dict:
    text = (
        f"Muted `{escape(rule)}` in <#{channel_id}>: reviews here won't flag it. "
        "Everyone in the channel gets the same reviews."
    )
    undo = button("Undo", "unmute-rule", f"{review_id}|{rule}")
    return {
        "blocks": [
            section(text, "mute-note"),
            {"type": "actions", "block_id": "mute-undo", "elements": [undo]},
        ],
        "text": f"Muted {rule} in this channel.",
    }


def unmute_confirmation(*, rule: str, channel_id: str) -> dict:
    return notice(f"`{escape(rule)}` is back on in <#{channel_id}>.")


HELP = (
    "*Social Way* reviews a draft before it goes public: a human score, the words that "
    "read like an ad, why, and a rewrite.\n"
    "• `/socialway &lt;draft&gt;` — a review only you can see. `/socialway` alone opens a form "
    "(platform, playbook, the comment you're replying to).\n"
    "• `@Social Way &lt;draft&gt;` — a review in a thread; in a thread, I review its first message "
    "(or your draft as a reply to it).\n"
    "• Message menu → *Review with Social Way* — review any message, just for you.\n"
    "• A direct message to me (or the assistant panel) — paste a draft, then keep talking in "
    "its thread: *shorter*, *for LinkedIn*, *why?*, the next version.\n"
    "• `/socialway watch on|off` — review every new top-level message in this channel."
)


def help_text(extra: Iterable[str] = ()) -> str:
    return "\n".join([HELP, *extra])


# -- the modal -------------------------------------------------------------------------


def review_modal(
    playbooks: Iterable, *, channel_id: str, team_id: str, default: str | None
) -> dict:
    """The `/socialway` form: draft, platform, playbook and an optional comment replied to."""
    playbook_options = [
        option(getattr(p, "name", None) or p.id, p.id) for p in list(playbooks)[:OPTIONS_MAX]
    ]
    playbook_select = select("Playbook", "playbook", playbook_options)
    initial = next((o for o in playbook_options if o["value"] == default), None)
    if initial is None and playbook_options:
        initial = playbook_options[0]
    if initial:
        playbook_select["initial_option"] = initial
    platform_options = [option(label, value) for value, label in PLATFORM_CHOICES]
    platform_select = select("Platform", "platform", platform_options)
    platform_select["initial_option"] = platform_options[0]
    blocks = [
        _input(
            "draft",
            "Your draft",
            {
                "type": "plain_text_input",
                "action_id": "draft",
                "multiline": True,
                "max_length": 3000,
            },
        ),
        _input("platform", "Where will it go?", platform_select),
    ]
    if playbook_options:
        blocks.append(_input("playbook", "Playbook", playbook_select))
    reply = {
        "type": "plain_text_input",
        "action_id": "in_reply_to",
        "multiline": True,
        "max_length": 3000,
    }
    blocks.append(_input("in_reply_to", "Replying to (optional)", reply, optional=True))
    return {
        "type": "modal",
        "callback_id": "review-draft",
        "title": plain_text("Social Way", 24),
        "submit": plain_text("Review", 24),
        "close": plain_text("Cancel", 24),
        "private_metadata": json.dumps({"channel_id": channel_id, "team_id": team_id}),
        "blocks": blocks,
    }


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label, 2000),
        "element": element,
        "optional": optional,
    }
