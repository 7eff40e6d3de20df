"""One fact model for both engines: what a rewrite must keep, what it may drop, and what it
may not add.

- Facts are what the reader needs, kept in their case and spelling: links, mentions and
  channel links, emails, phone numbers, prices, percentages, dates and times, numbers (with
  what they count: "10,000 likes" can't become "10,000 meals"), codes ("SAVE40", "use code
  WELCOME"), names of products, places and people, placeholders ("{first_name}") and quoted
  speech (word for word).
- Push is what a finding asks to drop, and may go: the small counts, hashtags and
  "today"/"tonight"/"tomorrow" inside a flagged span ("only 3 left", "tag 3 friends",
  "#1", "1 LIKE = 1 MEAL", "Book a demo today!"), hashtags the engine flags as stuffing
  (the whole run they end), and keycap list markers (1️⃣ 2️⃣). A check says which went, so
  the review can name them as dropped on purpose.
- Nothing added: no link, mention, hashtag, email, phone, price, percentage, number, date,
  code, name, placeholder or Slack/Markdown formatting the draft lacks.

facts.py finds the facts (and stays the strict `check_facts`); names.py finds the names.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from dataclasses import dataclass

from bot.review.rules.facts import Fact, facts, make_fact, missing_facts, stated_numbers
from bot.review.rules.names import missing_names, names

# ---- facts that facts() leaves out: codes, quoted speech, placeholders ----------------------
# (They can span spaces or need the words before them, so they are found over the whole
# text, not piecewise like facts().)

# Every pattern here is bounded (a code is at most 20 characters, a quote 400), so a huge
# draft costs linear time.
_CODE = re.compile(r"(?<![\w@#/.:-])(?=[A-Z0-9]{0,19}\d)[A-Z][A-Z0-9]{3,19}(?![\w@/-])")  # SAVE40
_WORD_CODE = re.compile(r"\b(?i:code):? ([A-Z][A-Z0-9]{2,19})\b")  # "use code WELCOME"
_QUOTE = re.compile(r"“([^”\n]{2,400})”|(?<![\w\"])\"([^\"\n]{2,400})\"(?![\w\"])")
_PLACEHOLDER = re.compile(
    r"\{\{?[ \t]?[A-Za-z_]\w{0,40}[ \t]?\}\}?|\[[A-Z][A-Z_]{0,30}(?:_\d{1,4})?\]"
)
_CODE_SPAN = re.compile(r"`[^`\n]{1,500}`")


def extras(text: str) -> list[Fact]:
    """Codes, quoted speech and placeholders in `text`, in order (kinds code, quote,
    placeholder); their value is what must appear again, exactly."""
    out = []
    codes = {m.start(): m for m in _CODE.finditer(text)}
    if "code" in text or "Code" in text or "CODE" in text:
        codes.update((m.start(1), m) for m in _WORD_CODE.finditer(text))
    for start in sorted(codes):
        m = codes[start]
        word = m.group(m.lastindex or 0)
        out.append(make_fact("code", word.upper(), start, start + len(word), word))
    for m in _QUOTE.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if any(ch.isalpha() for ch in inner):
            out.append(make_fact("quote", " ".join(inner.split()), m.start(), m.end(), m.group()))
    for m in _PLACEHOLDER.finditer(text):
        out.append(make_fact("placeholder", m.group(), m.start(), m.end(), m.group()))
    out.sort(key=lambda f: f.start)
    return out


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Where a rules rewrite never edits: quoted speech, inline code, codes, placeholders."""
    spans = [(f.start, f.end) for f in extras(text)]
    spans += [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
    return sorted(spans)


def _has_code(upper: str, code: str) -> bool:
    return re.search(rf"(?<![A-Z0-9]){re.escape(code)}(?![A-Z0-9])", upper) is not None


def _kept_extra(f: Fact, rewrite: str, upper: str, flat: str) -> bool:
    if f.kind == "code":
        return _has_code(upper, f.value)
    if f.kind == "quote":
        return f.value in flat
    return f.value in rewrite


# ---- push: what findings ask to drop ---------------------------------------------------------

# Findings about a whole draft or something absent quote words that are not push.
_NOT_PUSH_METRICS = frozenset(
    {"length", "question", "reply_thanks", "reply_acknowledges", "name_repeats", "we_you_balance"}
)
_DROPPABLE_KINDS = frozenset({"number", "hashtag"})  # names are never push ("Follow Jane Doe")
_RELATIVE_DAYS = frozenset({"today", "tonight", "tomorrow"})
MAX_PUSH_DIGITS = 3  # "only 3 left", "tag 3 friends", "#1", "12 hours"
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")  # "10,000 likes": a count, written as one
_PENCE = re.compile(r"p(?![a-z])|ppm", re.IGNORECASE)


def _push_count(number: str, text: str, end: int) -> bool:
    """Whether a number can be a count that push states ("3", "12", "10,000"), not a
    phone number, a short code, a year or an amount in pence ("0207 153 9153", "88039",
    "2024", "60p"): those are facts wherever they stand."""
    if _PENCE.match(text, end):
        return False
    return (number.isdigit() and len(number) <= MAX_PUSH_DIGITS) or bool(_GROUPED.fullmatch(number))


_EXCLAIMS = re.compile(r"[^.?!\n]{0,40}!")
_KEYCAP = re.compile(r"\ufe0f?\u20e3")
_FAR = 1 << 62


_PUSH_RULES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def push_rules(compiled) -> frozenset[str]:
    """Ids of the rules whose findings ask to drop words: a rule whose swaps remove words
    (hard-sell, urgency, engagement bait, self-praise…), one about stuffing (hashtags,
    emoji, capitals), and a rule with no swaps under a principle such rules serve
    ("1 LIKE = 1 MEAL" under connection-over-fame). Not jargon, canned scripts, policy
    quoting or non-apologies: those ask for other words, not for fewer."""
    found = _PUSH_RULES.get(compiled)
    if found is None:
        removers = {r.id for r in compiled.rules if any(repl == "" for _k, repl in r.swap)}
        principles = {r.principle for r in compiled.rules if r.id in removers}
        stuffing = {"hashtags", "emoji", "caps_words", "exclamation_run"}
        found = frozenset(
            r.id
            for i, r in enumerate(compiled.rules)
            if r.id in removers
            or compiled.metric_kinds[i] & stuffing
            or (not r.swap and r.principle in principles)
        )
        _PUSH_RULES[compiled] = found
    return found


def push_spans(text: str, findings, playbook=None, compiled=None) -> list[tuple[int, int]]:
    """The spans of `text` whose findings ask to drop words (see the module docstring); a
    hashtag-stuffing span reaches back over the whole run of hashtags it ends. Give the
    playbook, or its compiled form."""
    compiled = compiled if compiled is not None else playbook.compiled
    pushy = push_rules(compiled)
    spans = []
    for f in findings:
        idx = compiled.index.get(f.rule)
        kinds = compiled.metric_kinds[idx] if idx is not None else frozenset()
        if kinds & _NOT_PUSH_METRICS or not (f.rule in pushy or f.replacement == ""):
            continue
        start = _hashtag_run_start(text, f.start) if "hashtags" in kinds else f.start
        spans.append((start, f.end))
    merged: list[tuple[int, int]] = []  # sorted and apart, for a bisect in droppable()
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _hashtag_run_start(text: str, pos: int) -> int:
    """Where the run of hashtags (and spaces) ending at `pos` starts; a backward scan."""
    i = pos
    while True:
        j = i
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        k = j
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
            k -= 1
        if k < j and k > 0 and text[k - 1] == "#":
            i = k - 1
            continue
        return i


def droppable(f: Fact, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether fact `f` of `text` is push: it may go, and the review says it went."""
    if f.kind == "number" and _KEYCAP.match(text, f.end):
        return True  # 1️⃣ 2️⃣: list markers, not a count
    if not (f.kind in _DROPPABLE_KINDS or (f.kind == "date" and f.value in _RELATIVE_DAYS)):
        return False
    if f.kind == "number" and not _push_count(f.text, text, f.end):
        return False  # a phone number, a short code, a year, a price in pence
    i = bisect_right(spans, (f.start, _FAR)) - 1  # spans: push_spans(), sorted and apart
    if i >= 0 and spans[i][0] <= f.start < spans[i][1]:
        return True
    # "Book a demo today!": a relative day in an exclamation is urgency, not a date.
    return f.kind == "date" and _EXCLAIMS.match(text, f.end) is not None


# ---- numbers keep what they count --------------------------------------------------------------

_COUNTED = re.compile(r"[ \t]([^\W\d_]{3,})")
_NEXT_WORDS = re.compile(r"[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?(?:[ \t]+([^\W\d_]+))?")
# fmt: off
_NOT_COUNTED = frozenset((
    "and", "or", "but", "the", "for", "of", "to", "in", "on", "at", "by", "with", "from",
    "per", "than", "more", "less", "new", "other", "extra", "happy", "am", "pm",
))
# fmt: on


def _counted(text: str, f: Fact) -> str | None:
    """The word a count counts ("likes" of "10,000 likes"); None for a number that counts
    nothing we can tell (a phone number, "09066… URGENT!", "5 and")."""
    if not (f.text.isdigit() and len(f.text) <= 6) and not _GROUPED.fullmatch(f.text):
        return None
    m = _COUNTED.match(text, f.end)
    if m is None or not m.group(1).islower():
        return None
    word = m.group(1)
    return None if word in _NOT_COUNTED else word


def _same_thing(a: str, b: str) -> bool:
    return a[:4] == b[:4] or a.rstrip("s") == b.rstrip("s")


_MOST_SAME = 20  # occurrences of one number looked at (a draft repeating it is not longer)


def recounted(draft: str, draft_facts, rewrite: str, rewrite_facts) -> list[Fact]:
    """Numbers of the draft that the rewrite keeps, but counting something else."""
    by_value: dict[str, list[Fact]] = {}
    for g in rewrite_facts:
        if g.kind == "number":
            by_value.setdefault(g.value, []).append(g)
    out = []
    for f in draft_facts:
        if f.kind != "number":
            continue
        unit = _counted(draft, f)
        if unit is None:
            continue
        same = by_value.get(f.value, [])[:_MOST_SAME]
        if not same:
            continue
        after = []
        for g in same:
            m = _NEXT_WORDS.match(rewrite, g.end)
            after.append([w.lower() for w in m.groups() if w] if m else [])
        if any(any(_same_thing(unit, w) for w in words) for words in after):
            continue
        firsts = [words[0] for words in after if words]
        if firsts and all(w not in _NOT_COUNTED for w in firsts):
            out.append(f)
    return out


# ---- added formatting ------------------------------------------------------------------------

_FORMATS = (
    ("bold", re.compile(r"(?<![\w*])\*\*?[^*\s][^*\n]{0,300}?\*\*?(?![\w*])")),
    ("italics", re.compile(r"(?<![\w_])_[^_\s][^_\n]{0,300}?_(?![\w_])")),
    ("strikethrough", re.compile(r"(?<![\w~])~[^~\s][^~\n]{0,300}?~(?![\w~])")),
    ("code", re.compile(r"`[^`\n]{1,500}`")),
    ("a Markdown link", re.compile(r"\[[^\]\n]{1,300}\]\([^)\s]{1,2000}\)")),
    ("a heading", re.compile(r"(?m)^#{1,6} ")),
    ("a quote block", re.compile(r"(?m)^> ")),
)


def added_formatting(draft: str, rewrite: str) -> list[str]:
    """The kinds of Slack/Markdown formatting the rewrite uses and the draft doesn't."""
    return [
        name for name, rx in _FORMATS if rx.search(rewrite) is not None and not rx.search(draft)
    ]


# ---- the check ---------------------------------------------------------------------------------

KIND_WORDS = {
    "url": "the link",
    "email": "the email address",
    "mention": "the mention",
    "channel": "the channel link",
    "special": "the Slack mention",
    "hashtag": "the hashtag",
    "price": "the price",
    "percent": "the percentage",
    "date": "the date",
    "time": "the time",
    "number": "the number",
    "code": "the code",
    "quote": "the quoted words",
    "placeholder": "the placeholder",
    "name": "the name",
}


@dataclass(frozen=True)
class Item:
    """One fact a check is about: its kind and its words as written."""

    kind: str
    text: str
    counts: str = ""  # for a recounted number: what it counted in the draft

    def describe(self) -> str:
        """ "the code SAVE40", "the number 10,000 (it counted likes)"."""
        if self.kind == "format":
            return f"formatting ({self.text})"
        said = f"{KIND_WORDS.get(self.kind, 'the fact')} {self.text}"
        return f"{said} (it counted {self.counts})" if self.counts else said


@dataclass(frozen=True)
class FactCheck:
    """What a rewrite lost, what it dropped on purpose (push) and what it added."""

    missing: tuple[Item, ...] = ()
    dropped: tuple[Item, ...] = ()
    added: tuple[Item, ...] = ()
    recounted: tuple[Item, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.missing or self.added or self.recounted)

    def problems(self) -> list[str]:
        """One phrase per problem, for the person and (in context) for the model."""
        out = [f"dropped {i.describe()}" for i in self.missing]
        out += [f"changed what {i.text} counts ({i.counts} in the draft)" for i in self.recounted]
        out += [f"added {i.describe()}" for i in self.added]
        return out


def _says_word(low: str, word: str) -> bool:
    return re.search(rf"(?<![\w#@]){re.escape(word)}(?!\w)", low) is not None


# fmt: off
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)
# fmt: on


def _said_as_word(value: str, low: str) -> bool:
    """Whether a small number ("5") is said as a word ("five") in lower-cased text."""
    return value.isdigit() and int(value) <= 20 and _says_word(low, _NUMBER_WORDS[int(value)])


def check(
    draft: str, rewrite: str, findings=(), playbook=None, comment: str | None = None
) -> FactCheck:
    """The fact check of `rewrite` against `draft`, push given by `findings` (the rules
    review of the draft) on `playbook`. A reply may also name what the `comment` it
    answers says ("since Monday"): that is not added."""
    spans = push_spans(draft, findings, playbook) if playbook is not None and findings else []
    d_facts = facts(draft)
    r_facts = facts(rewrite)
    low = rewrite.lower()
    flat = " ".join(rewrite.split())
    upper = rewrite.upper()
    missing: list[Item] = []
    dropped: list[Item] = []

    def sort(f: Fact) -> None:
        (dropped if droppable(f, draft, spans) else missing).append(Item(f.kind, f.text))

    for f in missing_facts(d_facts, rewrite):
        # A hashtag kept as a plain word ("#Planner" -> "Planner") is still said.
        if f.kind == "hashtag" and _says_word(low, f.value[1:]):
            continue
        if f.kind == "number" and _said_as_word(f.value, low):
            continue  # "5 years" -> "Five years"
        sort(f)
    # Keycaps are list markers even when the same digit is said elsewhere.
    for f in missing_names(draft, rewrite, d_facts):
        sort(f)
    for f in extras(draft):
        if not _kept_extra(f, rewrite, upper, flat):
            sort(f)
    counted = [
        Item("number", f.text, _counted(draft, f) or "")
        for f in recounted(draft, d_facts, rewrite, r_facts)
        if not droppable(f, draft, spans)
    ]
    return FactCheck(
        tuple(_unique(missing)),
        tuple(_unique(dropped)),
        tuple(
            added(f"{draft}\n{comment}", rewrite)
            if comment
            else added(draft, rewrite, d_facts, r_facts)
        ),
        tuple(counted),
    )


def added(draft: str, rewrite: str, draft_facts=None, rewrite_facts=None) -> list[Item]:
    """What `rewrite` states that `draft` doesn't: facts, codes, names, formatting."""
    d_facts = facts(draft) if draft_facts is None else draft_facts
    r_facts = facts(rewrite) if rewrite_facts is None else rewrite_facts
    keys = {(f.kind, f.value) for f in d_facts}
    numbers = stated_numbers(d_facts)
    d_low = draft.lower()
    out: list[Item] = []
    for f in r_facts:
        if (f.kind, f.value) in keys:
            continue
        if f.kind == "number" and (
            f.value in numbers or _KEYCAP.match(rewrite, f.end) or _said_as_word(f.value, d_low)
        ):
            continue
        if f.kind in ("date", "time") and _says_word(d_low, f.text.lower()):
            continue
        out.append(Item(f.kind, f.text))
    d_upper = draft.upper()
    for f in extras(rewrite):
        if f.kind == "quote":
            continue  # quoting the draft's own words is fine; their facts are checked above
        if f.kind == "code" and re.search(
            rf"(?<![A-Z0-9]){re.escape(f.value)}(?![A-Z0-9])", d_upper
        ):
            continue
        if f.kind == "placeholder" and f.value in draft:
            continue
        out.append(Item(f.kind, f.text))
    for f in names(rewrite, r_facts):
        if re.search(rf"(?<!\w){re.escape(f.value)}(?!\w)", d_low) is None:
            out.append(Item("name", f.text))
    out += [Item("format", kind) for kind in added_formatting(draft, rewrite)]
    return _unique(out)


def _unique(items: list[Item]) -> list[Item]:
    return list(dict.fromkeys(items))
