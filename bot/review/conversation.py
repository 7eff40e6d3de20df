"""Talking about a draft: what a follow-up message asks for, and what to say back.

A conversation (a DM, the assistant panel, a mention thread) keeps the current draft and
how it is judged (`Conversation`). Each message a person writes is read by `understand`
into an `Intent` — a plain-word request ("shorter", "for LinkedIn", "why hard-sell?",
"ignore urgency", "as a reply to: …", "start over", "help"), a new version of the draft,
a free-form request for the AI, or something unrelated — without any AI, so it is fast,
predictable and testable. `what_moved` says how a new version's review differs from the
last one ("47 → 81: gone: hard-sell call to action; still: nothing to answer"), and
`why_answer` explains a rule with the playbook's own words and examples.

Nothing here knows Slack, storage or the network.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace

from bot.review.core.model import Review
from bot.review.core.platforms import ALIASES, PLATFORMS

_TONE_WORDS = {  # other words for the shipped tones; each tone is also known by its name
    "shorter": "shorter",
    "short": "shorter",
    "more concise": "shorter",
    "concise": "shorter",
    "tighter": "shorter",
    "briefer": "shorter",
    "too long": "shorter",
    "cut it down": "shorter",
    "trim it": "shorter",
    "warmer": "warmer",
    "warm": "warmer",
    "friendlier": "warmer",
    "more friendly": "warmer",
    "kinder": "warmer",
    "more human": "warmer",
    "more formal": "more formal",
    "formal": "more formal",
    "more professional": "more formal",
    "more polite": "more formal",
    "more playful": "more playful",
    "playful": "more playful",
    "funnier": "more playful",
    "more fun": "more playful",
    "more casual": "more playful",
    "lighter": "more playful",
}
_TONE_LEAD = re.compile(
    r"^(?:(?:ok(?:ay)?|now|and|great|thanks|please|can you|could you|would you|pls)[, ]+)*"
    r"(?:make|rewrite|write|turn|do)?\s*(?:it|this|that|the draft|the post|the rewrite|"
    r"my (?:last )?draft|the last draft|a version)?\s*(?:a (?:bit|little|touch)|slightly|much|"
    r"even)?\s*",
)
_TONE_TAIL = re.compile(r"\s*(?:please|pls|version|one|again|,? thanks?)?$")
_PLATFORM_NAMES = {**{p: p for p in PLATFORMS if p != "generic"}, **ALIASES}
_PLATFORM = re.compile(
    r"^(?:(?:ok(?:ay)?|now|and|great|please|can you|could you)[, ]+)*"
    r"(?:(?:make|rewrite|write|turn|adapt|check|review|do)\s+(?:it|this|that)?\s*)?"
    r"(?:for|on|as an?|to|into)\s+(?:an?\s+)?(?P<name>[a-z /]+?)"
    r"(?:\s+(?:post|version|please|instead|too))*$"
)
_REPLY_TO = re.compile(
    r"^(?:it'?s |this is |review it |check it )?(?:as |in )?(?:an? )?"
    r"(?:reply|response|answer|replying|responding)(?: to)?(?: this| the| a)?"
    r"(?: comment| customer| message)?\s*[:：]\s*(?P<comment>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_IGNORE = re.compile(
    r"^(?:please\s+)?(?:ignore|skip|mute|don'?t flag|do not flag|stop flagging|drop)\s+"
    r"(?:the\s+)?(?P<rule>.+?)(?:\s+rule)?(?:\s+(?:here|for now|please))?$",
    re.IGNORECASE,
)
_WHY = re.compile(
    r"^(?:(?:but|so|and|ok(?:ay)?)[, ]+)?(?:why|what'?s wrong with|what is wrong with|"
    r"explain|how come)\b[\s,:]*(?P<what>.*?)\??$",
    re.IGNORECASE | re.DOTALL,
)
_PLAYBOOK = re.compile(
    r"^(?:(?:please|now|ok(?:ay)?)[, ]+)?(?:use|switch to|try|with|review (?:it )?with)\s+"
    r"(?:the\s+)?(?P<id>[\w.-]+)\s+playbook$|^(?:switch )?playbook(?: to)?[: ]\s*(?P<bare>[\w.-]+)$"
)
_START_OVER = re.compile(
    r"^(?:let'?s |please )?(?:start over|start again|reset|restart|new draft|clear|"
    r"forget (?:it|that|this)|from scratch)$"
)
_HELP = re.compile(
    r"^(?:help|\?|what can you do\??|how does this work\??|how do i use (?:you|this)\??|"
    r"commands|what do you do\??|options)$"
)
_THANKS = re.compile(
    r"^(?:thanks|thank you|thx|ty|cheers|great|perfect|nice|awesome|ok|okay|cool|got it|"
    r"love it|great thanks|brilliant)(?: so much| a lot| very much)?[!. ]*$"
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening))(?: there)?"
    r"(?: social ?way)?[!. ]*$"
)
_REVIEW_IT = re.compile(r"^(?:yes[, ]+)?(?:please )?(?:review|check) (?:it|that|this)(?: please)?$")
_ASK_DRAFT = re.compile(
    r"^(?:(?:can|could) you |i'?d like (?:you )?to |please |i want to )?"
    r"(?:review|check|look at) (?:a|my|this|the) (?:draft|post)(?: please)?$"
)
_ASK_REPLY = re.compile(
    r"^(?:(?:can|could) you |please )?(?:check|review) (?:a|my) (?:reply|response|answer)"
    r"(?: to (?:a|an|my) (?:customer|comment|complaint))?(?: please)?$"
)
_REQUEST_LEAD = re.compile(
    r"^(?:please\b|can you\b|could you\b|would you\b|make\b|less\b|more\b|rewrite\b|reword\b|"
    r"rephrase\b|change\b|turn\b|don'?t\b|do not\b|without\b|same but\b|tone it\b|"
    r"sound\b|less salesy|not so\b|too\b)",
    re.IGNORECASE,
)
_WEAK_LEAD = re.compile(
    r"^(?:keep|add|remove|drop|cut|use|try|mention|include|say|avoid|swap|replace|put|move|"
    r"lose|skip)\b",
    re.IGNORECASE,
)
_OBJECT = re.compile(
    r"\b(?:it|this|that|the (?:draft|post|rewrite|code|link|emoji|emojis|hashtags?|"
    r"discount|offer|question|ending|opening|first line|last line|price|date))\b",
    re.IGNORECASE,
)
_OFF_TOPIC = re.compile(
    r"\b(?:weather|joke|recipe|news|stock|bitcoin|horoscope|meaning of life|sports?|"
    r"football|movie|song|who are you|your name|how old|time is it)\b",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:what|who|where|when|how|is|are|do|does|can|will|should|tell me)\b", re.IGNORECASE
)
_POSTISH = re.compile(r"https?://|www\.|[#@$€£%]|\d|\n|[\U0001F300-\U0001FAFF]")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_VAGUE = frozenset(
    {"", "that", "it", "this", "so", "pushy", "so pushy", "that pushy", "not", "bad", "wrong",
     "score", "the score", "low", "so low", "an ad", "like an ad"}
)  # fmt: skip
LONGEST_REQUEST = 300  # characters; anything longer is a draft (or a comment replied to)
SAME_DRAFT = 0.3  # share of words in common from which a new text is a version of the draft


@dataclass(frozen=True)
class Intent:
    """What one message asks for. `kind` is one of KINDS; `arg` its detail (a tone, a
    platform id, a comment, a rule or quoted words, or the draft / request text)."""

    kind: str
    arg: str = ""


KINDS = (
    "help", "start_over", "thanks", "greeting", "review_pending", "ask_draft", "ask_reply",
    "reply_to", "ignore", "why", "tone", "platform", "playbook", "freeform", "unrelated",
    "draft",
)  # fmt: skip


@dataclass(frozen=True)
class Conversation:
    """What Social Way remembers of one conversation (JSON in the store, erased with
    drafts after the retention)."""

    draft: str = ""
    platform: str | None = None
    playbook: str | None = None
    in_reply_to: str | None = None
    review: dict | None = None  # the last review of `draft` (Review.to_dict())
    rewrite: str = ""  # the last rewrite shown (the AI gets it with a free-form request)
    ignored: tuple[str, ...] = field(default_factory=tuple)  # rules ignored here
    context_channel: str = ""  # assistant panel: the channel the person is looking at
    pending: str = ""  # a short text that may be a draft, waiting for "review it"
    drafted_at: float = 0.0  # when `draft` was written (retention counts from there)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ignored"] = list(self.ignored)
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> Conversation:
        data = dict(data or {})
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["ignored"] = tuple(known.get("ignored") or ())
        return cls(**known)

    def last_review(self) -> Review | None:
        return Review.from_dict(self.review) if self.review else None

    def fresh(self) -> Conversation:
        """Start over: no draft, but where the person is looking still counts."""
        return replace(Conversation(), context_channel=self.context_channel)


# -- understanding a message ----------------------------------------------------------


def _flat(text: str) -> str:
    low = " ".join(text.lower().replace("’", "'").split())
    return low.strip(" .!").strip()


def understand(text: str, *, has_draft: bool, tones: Collection[str] = ()) -> Intent:
    """What `text` asks for, in a conversation that has a draft (`has_draft`) or not;
    `tones` are the tones offered (the "Another tone" menu's: `Reviewer.tones`)."""
    text = text.strip()
    low = _flat(text)
    if not low:
        return Intent("help")
    found = _REPLY_TO.match(text)
    if found and found.group("comment").strip():
        return Intent("reply_to", found.group("comment").strip())
    if len(low) > LONGEST_REQUEST:  # requests are short: a long text is a draft
        return Intent("draft", text)
    for pattern, kind in (
        (_HELP, "help"),
        (_START_OVER, "start_over"),
        (_REVIEW_IT, "review_pending"),
        (_ASK_DRAFT, "ask_draft"),
        (_ASK_REPLY, "ask_reply"),
        (_THANKS, "thanks"),
        (_GREETING, "greeting"),
    ):
        if pattern.match(low):
            return Intent(kind)
    tone = tone_of(low, tones)
    if tone:
        return Intent("tone", tone)
    platform = platform_of(low)
    if platform:
        return Intent("platform", platform)
    found = _PLAYBOOK.match(low)
    if found:
        return Intent("playbook", found.group("id") or found.group("bare"))
    found = _WHY.match(text)
    if found and len(_WORDS.findall(text)) <= 16:
        return Intent("why", _unquoted(found.group("what")))
    found = _IGNORE.match(text)
    if found and len(_WORDS.findall(found.group("rule"))) <= (5 if has_draft else 3):
        return Intent("ignore", _unquoted(found.group("rule")))
    if looks_like_request(text):
        return Intent("freeform", text)
    if off_topic(text):
        return Intent("unrelated", text)
    return Intent("draft", text)


def tone_of(low: str, tones: Collection[str] = ()) -> str | None:
    """ "shorter", "make it warmer please", "a bit more formal" → the tone; else None.

    A tone of `tones` is known by its name ("more direct" also as "direct", as "formal"
    is "more formal"), so one added to the prompts' tones.txt is understood when typed;
    a shipped tone's other words ("funnier") name it only while `tones` still lists it."""
    rest = _TONE_TAIL.sub("", _TONE_LEAD.sub("", low, count=1)).strip(" ,")
    if rest in tones:
        return rest
    tone = _TONE_WORDS.get(rest)
    if tone is not None and (not tones or tone in tones):  # not a tone the team removed
        return tone
    return f"more {rest}" if f"more {rest}" in tones else None


def platform_of(low: str) -> str | None:
    """ "for LinkedIn", "now for x", "on instagram", "linkedin" → the platform id; else None."""
    name = low.strip()
    found = _PLATFORM.match(low)
    if found:
        name = found.group("name").strip()
    name = name.split("/")[0].strip()  # "x / twitter"
    return _PLATFORM_NAMES.get(name)


def looks_like_request(text: str) -> bool:
    """A short instruction about the draft ("less salesy but keep the code"), not a post."""
    words = _WORDS.findall(text)
    if not words or len(words) > 30 or "://" in text:
        return False
    if _REQUEST_LEAD.match(text.strip()):
        return True
    return bool(_WEAK_LEAD.match(text.strip()) and _OBJECT.search(text))


def off_topic(text: str) -> bool:
    """A short question for a chat bot ("what's the weather?"), not a post for the public."""
    words = _WORDS.findall(text)
    if len(words) > 10 or _POSTISH.search(text):
        return False
    if _OFF_TOPIC.search(text):
        return True
    return text.rstrip().endswith("?") and bool(_QUESTION_START.match(text.strip()))


def _unquoted(text: str) -> str:
    return text.strip().strip("\"'“”‘’`*_?!. ").strip()


def same_draft(old: str, new: str) -> bool:
    """True when `new` reads as a version of `old` (enough words in common)."""
    a, b = set(_WORDS.findall(old.lower())), set(_WORDS.findall(new.lower()))
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_DRAFT


# -- what to say back -----------------------------------------------------------------


def _title(finding_or_rule) -> str:
    title = getattr(finding_or_rule, "title", "") or getattr(finding_or_rule, "rule", "")
    title = title or getattr(finding_or_rule, "id", "")
    if title[:1].isupper() and not title[:2].isupper():
        title = title[:1].lower() + title[1:]
    return title


def what_moved(old: Review, new: Review) -> str:
    """One line on how a new version's review differs from the last: the scores, what
    went, what is new, what is still there."""
    before = {f.rule: _title(f) for f in old.findings}
    after = {f.rule: _title(f) for f in new.findings}
    gone = [title for rule, title in before.items() if rule not in after]
    added = [title for rule, title in after.items() if rule not in before]
    still = [title for rule, title in after.items() if rule in before]
    parts = []
    if gone:
        parts.append(f"gone: {', '.join(gone)}")
    if added:
        parts.append(f"new: {', '.join(added)}")
    if still:
        parts.append(f"still: {', '.join(still)}")
    if not parts:
        parts.append("nothing to flag, before or now")
    return f"{old.human_score} → {new.human_score}: " + "; ".join(parts)


def find_rule(playbook, query: str, review: Review | None):
    """The rule `query` is about: a rule id or title, words quoted from the last review,
    or ("that", "it", "") the last review's heaviest finding. None when unknown."""
    q = _flat(query)
    q = re.sub(r"^(?:is |was |does |did )?(?:the |a |that |this |it )?", "", q).strip()
    q = re.sub(r"\s+(?:rule|flagged|pushy|bad|wrong|a problem|an issue)$", "", q).strip()
    by_key = {}
    for rule in playbook.rules:
        for key in (rule.id, rule.id.replace("-", " "), rule.id.replace("-", ""), rule.title):
            by_key[key.lower()] = rule
    if q in by_key:
        return by_key[q]
    findings = list(review.findings) if review else []
    for f in findings:
        quote = f.quote.lower()
        if q and quote and (q in quote or quote in q):
            return playbook.rule(f.rule)
    for key, rule in by_key.items():
        if len(key) > 3 and re.search(rf"\b{re.escape(key)}\b", q):
            return rule
    if findings and q in _VAGUE:
        top = max(findings, key=lambda f: (f.penalty, -f.start))
        return playbook.rule(top.rule)
    return None


def why_answer(playbook, rule, review: Review | None, *, examples: int = 2) -> str:
    """The rule's why, the principle behind it, what to do, the words it flagged in the
    last review, and the playbook's own fail / pass examples."""
    lines = [f"*{rule.title}* (`{rule.id}`)", rule.why.strip()]
    principle = playbook.principle(rule.principle)
    if principle is not None:
        lines.append(f"The principle, {principle.title.lower()}: {' '.join(principle.why.split())}")
    if rule.suggest:
        lines.append(f"Try: {rule.suggest.strip()}")
    quotes = [f.quote for f in (review.findings if review else ()) if f.rule == rule.id and f.quote]
    if quotes:
        lines.append("In your draft: " + ", ".join(f"“{q}”" for q in dict.fromkeys(quotes)))
    for mark, shown in (("✗ flagged", rule.fail), ("✓ fine", rule.passes)):
        for example in shown[:examples]:
            lines.append(f"{mark}: “{' '.join(example.text.split())[:160]}”")
    return "\n".join(lines)


def find_rule_to_ignore(playbook, query: str, review: Review | None):
    """Like `find_rule`, but never guesses "the heaviest finding" for an unclear name."""
    return find_rule(playbook, query, review) if _flat(query) not in ("", "it", "that") else None
