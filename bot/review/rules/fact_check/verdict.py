"""The fact check of a rewrite, for both engines: what it lost, what it dropped on purpose
(push), what it added, and which numbers now count something else.

`check` is the one fact model both engines use: facts kept in their case and spelling,
push may go (push.py), codes, quotes and placeholders said again (verbatim.py), numbers
still counting what they counted (counts.py), and nothing added: no link, mention, hashtag,
email, phone, price, percentage, number, date, code, name, placeholder or Slack/Markdown
formatting the draft lacks. `check_facts` is the strict check a rules rewrite must pass:
every fact and name, push included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.review.rules.fact_check.counts import recounted, what_it_counts
from bot.review.rules.fact_check.extract import Fact, facts, stated_numbers
from bot.review.rules.fact_check.piecewise import missing_facts
from bot.review.rules.fact_check.proper_names import missing_names, names
from bot.review.rules.fact_check.push import KEYCAP, droppable, push_spans
from bot.review.rules.fact_check.verbatim import extras, kept_verbatim

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
        if not kept_verbatim(f, rewrite, upper, flat):
            sort(f)
    counted = [
        Item("number", f.text, what_it_counts(draft, f) or "")
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
            f.value in numbers or KEYCAP.match(rewrite, f.end) or _said_as_word(f.value, d_low)
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


def check_facts(
    original: str, rewrite: str, *, original_facts: list[Fact] | None = None, edits=None
) -> list[str]:
    """The facts of `original` missing from `rewrite`, as written in the original, and then
    its names (products, places, people: proper_names.py) that the rewrite no longer says.

    `original_facts` (facts(original), when already at hand) and `edits` (the (start, end)
    spans of `original` the rewrite changed) only make it faster: the answer is the same.
    """
    if original_facts is None:
        original_facts = facts(original)
    return [
        f.text for f in missing_facts(original_facts, rewrite, original_text=original, edits=edits)
    ] + [f.text for f in missing_names(original, rewrite, original_facts)]
