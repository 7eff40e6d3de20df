"""The rules engine's rewrite: the playbook's swaps and removals, calmer capitals and "!",
hashtags trimmed to the platform's norm, and a plain list of what changed. (A metric's own
edit, calming capitals, one "!" or trimming hashtags, is in its module under metrics/.)

How it edits, so the result reads as well as the draft:
- One edit per span. Findings that overlap are merged first: the longest span wins, and a
  shorter edit inside it is dropped (so "TODAY ONLY" is swapped once, not also calmed).
- A sentence made mostly of words the playbook would remove (engagement bait, orders to
  buy) goes whole, rather than leaving a fragment such as "to help us hit 10,000 likes".
- Removals are tidied: no glued words, doubled spaces, orphan "," or "!" at a sentence
  start, or " ," / " ."; a sentence start exposed by a removal gets its capital back.
- A swap that would leave the sentence broken ("sorry" + "this may have caused") is not
  made; the words stay and `changes` says what the person should do instead.

It never drops a fact silently: an edit that would remove or alter a fact (number, link,
date, price, mention...) is skipped and said so; the result is then fact-checked and the
review reports `facts_kept` / `facts_missing`. Hashtags trimmed on purpose, and the plain
numbers of a bait sentence removed whole, are named in the changes, not reported missing.
"""

from __future__ import annotations

import bisect
import re
import weakref

from bot.review.core.model import Finding, Rewrite, make_rewrite
from bot.review.rules.deferred import DeferredPattern
from bot.review.rules.fact_check import (
    Fact,
    droppable,
    facts,
    make_fact,
    missing_facts,
    names,
    names_lost_in_edits,
    protected_spans,
    push_rules,
    push_spans,
    surely_kept,
)
from bot.review.rules.metrics.capitals import is_title
from bot.review.rules.metrics.sentences import at_sentence_start
from bot.review.rules.spans import SpanIndex

_URLISH = DeferredPattern(r"(?:https?://|www\.|@|#|<)", re.IGNORECASE)
_KEEP_CASE_FACTS = frozenset({"date", "time"})  # lower-casing "TODAY" keeps the fact
_PRIORITY = {"sentence": 0, "swap": 1, "caps": 2, "bang": 3, "hashtags": 4}
_ASCII_ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_UPPER = DeferredPattern(r"[A-ZÀ-ÖØ-Þ]")
_MARK = "\ue000"  # where something was removed, until the join around it is tidied
_ONE_TOKEN = DeferredPattern(r"[^\s,;:.!?]+")
_LISTED_WORD = DeferredPattern(r"[ \t]+[a-z]")
_COMMA_END = DeferredPattern(r",[ \t]*\Z")
# `[.!?…]+["'”’)\]]*(?=\s|$)|\n`, written to start with one character class so the regex
# engine skips ahead to candidates instead of trying both branches at every position.
_SENTENCE_END = DeferredPattern(r"[.!?…\n](?:(?<=\n)|(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s|$))")
# A word before a "." that makes it an abbreviation, not a sentence end: an initial ("B."),
# dotted letters ("U.S.", "L.A."), or a title ("Mr.", "Dr.", "St.", "vs.", "etc.").
_ABBREVIATION = DeferredPattern(
    r"(?:(?<![\w.])[A-Z]|(?<![\w.])(?:[A-Za-z]\.)+[A-Za-z]"
    r"|(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|Inc|Ltd|Co|No|approx|e\.g|i\.e))\Z"
)
_SENTENCE_END_SPACED = DeferredPattern(rf"({_SENTENCE_END.pattern})[ \t]*")  # and the spaces after
_ENDS_SENTENCE = ".!?…\n"
_SOFT_LEADING = ",;:.!?…—–- \t"  # what a removal may leave dangling at a sentence start
_LEADING_JOINER = DeferredPattern(r"\A(?:and|or|but|&)\s+(?=\w)", re.IGNORECASE)
# Compiled once, on first use (deferred.py): the rewrite runs them per finding.
_HASHTAG = DeferredPattern(r"#\w+")
_LETTER = DeferredPattern(r"[^\W\d_]")
_WORD = DeferredPattern(r"[^\W\d_]+")
_WORD_BEFORE = DeferredPattern(r"([^\W\d_]+)[ \t]*\Z")
# Nouns a swap may drop ("any inconvenience") that a following clause can hang on
# ("...this may have caused"): if the sentence goes on, the swap would break it.
_HANGING_ENDS = frozenset(
    [
        "inconvenience",
        "inconveniences",
        "trouble",
        "troubles",
        "disruption",
        "disruptions",
        "confusion",
        "frustration",
        "frustrations",
        "issue",
        "issues",
        "problem",
        "problems",
        "delay",
        "delays",
        "caused",
    ]
)
_DROPPABLE_IN_SENTENCE = frozenset({"number"})  # facts a bait sentence may take with it
# The rewrite's facts are re-extracted only around the edits (fact_check.rewrite_facts)
# from this length on; below it, finding the unchanged stretches costs more than reading
# the rewrite afresh (measured: 0.53x at 280 characters, 0.96x at 600, 1.1x at 1,000).
PIECEWISE_FROM = 800
SENTENCE_COVER = 0.5  # share of a sentence's letters in removable findings to drop it whole


Edit = tuple  # (start, end, replacement, change note, kind, finding or None)


def rules_rewrite(text: str, findings, playbook) -> Rewrite:
    """Apply the safe edits the findings call for; list them; fact-check the result."""
    if not findings:
        return make_rewrite(text)
    compiled = playbook.compiled
    editors = compiled.editors
    index = compiled.index
    candidates: list[Edit] = []
    long = _LongDraft(text, findings)
    for f in findings:
        idx = index.get(f.rule)
        edit = _edit_for(text, f, editors[idx] if idx is not None else (), long)
        if edit is not None:
            candidates.append(edit)
    removers = _dropping_rules(compiled)
    if not candidates:
        # No edit of a phrase; a whole sentence of bait may still go (facts found lazily).
        found = None
        if any(f.rule in removers for f in findings):
            candidates, found = _bait_sentences(text, findings, [], None, compiled, removers)
        if not candidates:
            left = _left_notes(findings, _Spans(), compiled, absent=True)
            return make_rewrite(text, tuple(left))
        original_facts = found  # a sentence to drop was checked against them: found once
    else:
        original_facts = facts(text)
        candidates += _bait_sentences(
            text, findings, candidates, original_facts, compiled, removers
        )[0]
    fact_index = SpanIndex(original_facts)  # "which facts does this span touch?" in log time

    # Longest span first (then the playbook's own swap over a generic calm-down); an edit
    # is taken when it is safe and does not overlap one already taken.
    candidates.sort(key=lambda e: (-(e[1] - e[0]), _PRIORITY[e[4]], e[0]))
    taken: list[Edit] = []
    refused: list[tuple[Edit, str]] = []
    spans = _Spans()
    protected = _Spans(_protected(text))
    for edit in candidates:
        if spans.overlaps(edit[0], edit[1]):
            continue
        if protected.overlaps(edit[0], edit[1]):
            quote = text[edit[0] : edit[1]].strip()
            if edit[4] == "sentence":  # the sentence holds what must stay word for word
                note = f"kept “{quote}”: it holds a quotation, code or link that must stay"
            else:
                note = f"left “{quote}” as it is: it is inside a quotation, code or a Slack link"
            refused.append((edit, note))
            continue
        facts_here = fact_index.overlapping(edit[0], edit[1])
        problem = _unsafe(text, edit, facts_here) or _in_a_name(text, edit)
        if problem:
            refused.append((edit, problem))
            continue
        taken.append(edit)
        spans.add(edit[0], edit[1])
    taken.sort(key=lambda e: e[0])
    taken = _drop_hanging(text, taken, refused)
    spans = _Spans(taken)

    changes = [edit[3] for edit in taken]
    for edit, problem in refused:
        if not spans.overlaps(edit[0], edit[1]):
            changes.append(problem)
    # What the rewrite could not touch: said whatever else happens below.
    done = _Spans(taken + [r[0] for r in refused])
    if not taken:
        left = _left_notes(findings, done, compiled, absent=True)
        return make_rewrite(text, tuple(_dedupe(changes + left)))

    pieces = []
    pos = 0
    for s, e, repl, *_ in taken:
        before = text[pos:s]
        if not repl.strip() and _LISTED_WORD.match(text, e) and _ONE_TOKEN.fullmatch(text, s, e):
            # "our new, <best-in-class> platform": the comma listed the word that went.
            before = _COMMA_END.sub("", before)
        pieces.append(before)
        if not repl.strip():
            pieces.append(_MARK)
        else:  # a swap widened over kept words may start or end with a space
            lead = _MARK if repl[0].isspace() else ""
            trail = _MARK if repl[-1].isspace() else ""
            pieces.append(lead + repl.strip() + trail)
        pos = e
    pieces.append(text[pos:])
    new_text = _tidy("".join(pieces)).strip()
    if not any(ch.isalpha() for ch in new_text) and any(ch.isalpha() for ch in text):
        first = next((f for f in findings if f.replacement is not None), findings[0])
        return make_rewrite(
            text, (f"left it as it is: every word would go; say it afresh. {first.suggestion}",)
        )
    if new_text == text.strip():
        refusals = [c for c in changes if c.startswith(("kept", "left"))]
        left = _left_notes(findings, done, compiled, absent=True)
        return make_rewrite(text, tuple(_dedupe(refusals + left)))
    changes += _left_notes(findings, done, compiled)

    on_purpose: set[str] = set()
    dropped: list[str] = []
    for s, e, _repl, _note, kind, _f in taken:
        if kind == "hashtags":
            tags = _HASHTAG.findall(text, s, e)
            on_purpose.update(t.lower() for t in tags)
            if not _repl.strip():
                dropped += tags
        elif kind == "sentence":
            went = [f for f in fact_index.starting_in(s, e + 1) if s <= f.start and f.end <= e]
            on_purpose.update(f.value for f in went)
            dropped += [f.text for f in went]
    # Only facts that were not dropped on purpose can be missing: when the rewrite surely
    # keeps them all, it is not extracted at all (the same answer: ~5 µs, not ~17 µs, on
    # a 280-character draft).
    if on_purpose:
        kept = [f for f in original_facts if not _on_purpose(f, on_purpose)]
    else:
        kept = original_facts
    missing = []
    if not surely_kept(text, kept, new_text):
        piecewise = len(text) >= PIECEWISE_FROM  # the same answer, faster on a long draft
        lost = missing_facts(
            original_facts,
            new_text,
            original_text=text if piecewise else None,
            edits=[e[:2] for e in taken] if piecewise else None,
        )
        missing = [f.text for f in lost if not _on_purpose(f, on_purpose)]
    # A name can only go where an edit took a capital letter with it (calming only changes
    # case, and names are compared ignoring case).
    spans = [
        (s, e) for s, e, _r, _n, kind, _f in taken if kind != "caps" and _UPPER.search(text, s, e)
    ]
    if spans:
        missing += names_lost_in_edits(text, new_text, spans, original_facts)
    return make_rewrite(
        new_text, tuple(_dedupe(changes)), not missing, tuple(missing), tuple(_dedupe(dropped))
    )


def _on_purpose(fact: Fact, on_purpose: set[str]) -> bool:
    return fact.value in on_purpose or fact.value.lower() in on_purpose


_ENTITY = DeferredPattern(r"<[^<>\s][^<>\n]*>")


def _protected(text: str) -> list[tuple[int, int, None]]:
    """Where no edit goes: quoted speech, `code`, codes (SAVE40), placeholders and Slack
    entities (<@U1>, <#C1|name>, <https://…|label>), as (start, end, _) like an edit."""
    spans = protected_spans(text)  # its scans run only when their literals are there
    if "<" in text:
        spans += [(m.start(), m.end()) for m in _ENTITY.finditer(text)]
    return [(s, e, None) for s, e in spans]


class _Spans:
    """Non-overlapping (start, end) spans, sorted, answering "does [s, e) overlap one?"."""

    def __init__(self, edits=()):
        pairs = sorted((e[0], e[1]) for e in edits)
        merged: list[list[int]] = []
        for s, e in pairs:  # refusals may overlap edits: merge so the check stays exact
            if merged and s < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def add(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e)  # spans starting before e
        return i > 0 and self.ends[i - 1] > s


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---- which edit a finding asks for ---------------------------------------------------------


def _edit_for(text: str, f: Finding, editors: tuple, long=None) -> Edit | None:
    """The playbook's swap for the finding, else the first edit one of its rule's metrics
    makes of it (`editors`: their `edit` functions, bound when the playbook is compiled)."""
    quote = f.quote
    if f.replacement is not None:
        repl = _cased(text, f.start, quote, f.replacement)
        shown = repl.strip()
        note = f"removed “{quote}”" if not shown else f"“{quote}” → “{shown}”"
        return f.start, f.end, repl, note, "swap", f
    for edit in editors:
        got = edit(text, f, long)
        if got is not None:
            return got
    return None


def _cased(text: str, start: int, quote: str, replacement: str) -> str:
    """The replacement in the case its place needs: a capital at a sentence start, and
    never the shouting of an ALL-CAPS quote."""
    if not replacement:
        return replacement
    capital = at_sentence_start(text, start) or (quote[:1].isupper() and not quote.isupper())
    if capital and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# ---- long drafts: what the edits ask of the whole draft, answered once ----------------------

_NEWLINE = DeferredPattern("\n")
_LONG = 2_000  # characters: above this, _LongDraft answers instead of a scan per finding
# The hashtags edit's scan (metrics/hashtags.py), all at once: tags and links, or a letter.
_TAG_SCAN = DeferredPattern(r"#\w+|https?://\S+|www\.\S+|(?P<letter>[^\W\d_])")


class _LongDraft:
    """The questions an edit asks of the rest of the draft, each answered once for every
    finding (a pass per finding made a long draft quadratic): whether a Title Case run
    occurs elsewhere (capitals._titled_elsewhere, remembered per title; for a long draft
    its places found in one pass), and whether words follow a hashtag on its line
    (hashtags.edit, for a long draft). The answers are exactly those of the per-finding
    scans."""

    __slots__ = ("_eols", "_follow", "_titles", "findings", "is_long", "text", "titled")

    def __init__(self, text: str, findings):
        self.text = text
        self.findings = findings
        self.is_long = len(text) > _LONG
        self.titled: dict[str, bool] = {}  # _titled_elsewhere's answers, per title
        self._titles: dict[str, list[int]] | None = None
        self._eols: list[int] | None = None
        self._follow: dict[int, bool] = {}

    def finder(self, title: str):
        """A stand-in for text.find(title, start) over every title of the draft's caps runs."""
        if not self.is_long:
            return self.text.find
        if self._titles is None:
            self._titles = self._find_titles()
        where = self._titles.get(title)
        if where is None:
            return self.text.find

        def find(_title: str, start: int = 0) -> int:
            k = bisect.bisect_left(where, start)
            return where[k] if k < len(where) else -1

        return find

    def _find_titles(self) -> dict[str, list[int]]:
        import ahocorasick

        titles = {
            " ".join(w[:1] + w[1:].lower() for w in f.quote.split())
            for f in self.findings
            if f.quote.isupper()
        }
        titles.discard("")
        found: dict[str, list[int]] = {t: [] for t in titles}
        if titles:
            auto = ahocorasick.Automaton()
            for t in titles:
                auto.add_word(t, t)
            auto.make_automaton()
            for end, t in auto.iter(self.text):  # every occurrence, overlapping too
                found[t].append(end - len(t) + 1)
        for starts in found.values():
            starts.sort()
        return found

    def words_follow(self, start: int) -> bool:
        """Whether letters follow `start` on its line outside hashtags and links."""
        text = self.text
        if self._eols is None:
            self._eols = [m.start() for m in _NEWLINE.finditer(text)]
        k = bisect.bisect_left(self._eols, start)
        eol = self._eols[k] if k < len(self._eols) else len(text)
        memo = self._follow
        seen = []
        pos = start
        while True:
            if pos in memo:
                answer = memo[pos]
                break
            seen.append(pos)
            m = _TAG_SCAN.search(text, pos, eol)
            if m is None or m.lastgroup == "letter":
                answer = m is not None
                break
            pos = m.end()
        for p in seen:
            memo[p] = answer
        return answer


# ---- whole sentences of bait ---------------------------------------------------------------

_REMOVERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _removing_rules(compiled) -> frozenset[str]:
    """Ids of the rules whose playbook swaps remove words: their phrases are removable."""
    found = _REMOVERS.get(compiled)
    if found is None:
        found = frozenset(r.id for r in compiled.rules if any(repl == "" for _key, repl in r.swap))
        _REMOVERS[compiled] = found
    return found


_DROPPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _dropping_rules(compiled) -> frozenset[str]:
    """Rules whose phrases may go (fact_check.push_rules) that quote phrases, not measures,
    and are more than a note: their findings count towards dropping a sentence whole
    ("1 LIKE = 1 MEAL.")."""
    found = _DROPPERS.get(compiled)
    if found is None:
        kinds = compiled.metric_kinds
        severity = {r.id: r.severity for r in compiled.rules}
        found = frozenset(
            rule
            for rule in push_rules(compiled)
            if not kinds[compiled.index[rule]] and severity[rule] != "info"
        ) | _removing_rules(compiled)
        _DROPPERS[compiled] = found
    return found


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, its closing punctuation and trailing spaces included."""
    spans = []
    start = 0
    for m in _SENTENCE_END_SPACED.finditer(text):
        if m.group(1) == "." and _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()):
            continue  # "Mr. Bean", "L.A. Problems", "Michael B. Jordan": not an end
        end = m.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_NOT_PROSE = DeferredPattern(r"https?://\S+|www\.\S+|<[^<>\s]+>|[@#]\w+", re.IGNORECASE)
# `[@#<]|://|www\.` ignoring case, starting with one character class (as _SENTENCE_END).
_MAYBE_NOT_PROSE = DeferredPattern(r"[@#<:wW](?:(?<=[@#<])|(?<=:)//|(?<=[wW])[wW][wW]\.)")


def _prose(sentence: str) -> bool:
    """Whether a sentence has words of its own, outside links, mentions and hashtags."""
    if _LETTER.search(sentence) is None:
        return False
    if _MAYBE_NOT_PROSE.search(sentence) is None:
        return True  # no link, mention or tag: the usual case, one scan
    return _LETTER.search(_NOT_PROSE.sub(" ", sentence)) is not None


_NAME_LETTER = DeferredPattern(r"[^\W\d_a-z]|[a-z][A-Z]")  # where a name could start
MAX_PHRASE = 60  # a finding longer than this quotes a passage, not a phrase to drop


def _phrase(f: Finding) -> bool:
    """Whether a finding quotes a phrase (not a whole passage or a link) that may go."""
    return f.end - f.start <= MAX_PHRASE and "://" not in f.quote and "www." not in f.quote


def _alnum_count(text: str) -> int:
    """How many characters of `text` are letters or digits (str.isalnum, re's [^\\W_])."""
    if text.isascii():  # one C pass: what deleting them takes away
        return len(text) - len(text.encode().translate(None, _ASCII_ALNUM))
    return sum(map(str.isalnum, text))


def _bait_sentences(
    text, findings, candidates, original_facts, compiled, removers
) -> tuple[list[Edit], list[Fact] | None]:
    """Removals of whole sentences made mostly of removable words (see SENTENCE_COVER),
    and the draft's facts (`original_facts`, or those found here when a sentence needed
    them, so the caller does not extract them again). `removers`: _dropping_rules(compiled),
    looked up once by the caller."""
    kinds = compiled.metric_kinds
    index = compiled.index
    removal_spans = [(e[0], e[1]) for e in candidates if e[2] == "" and e[4] == "swap"]
    titles: dict[str, str] = {}
    for f in findings:
        idx = index.get(f.rule)
        if f.rule in removers and (idx is None or not kinds[idx]) and _phrase(f):
            # A rule whose swaps remove words asks for its phrases to go ("Comment below!"
            # has no swap of its own, but the sentence it makes can still go whole).
            removal_spans.append((f.start, f.end))
            titles.setdefault(f.rule, f.title or f.rule)
    if not removal_spans:
        return [], original_facts
    all_sentences = sentences(text)
    if len(all_sentences) < 2:
        return [], original_facts  # never remove the last sentence with words
    merged: list[list[int]] = []  # the removable spans, sorted and joined
    for s, e in sorted(removal_spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    removal_starts = sorted({s for s, _ in removal_spans})
    merged_ends = [e for _, e in merged]  # sorted too: the spans are apart
    # The sentences mostly made of removable words, found first: most drafts have none,
    # and then the prose test of every sentence below is not needed.
    mostly = set()
    for s0, e0 in all_sentences:
        i = bisect.bisect_left(removal_starts, s0)
        if i == len(removal_starts) or removal_starts[i] >= e0:
            continue
        letters = _alnum_count(text[s0:e0])
        j = bisect.bisect_right(merged_ends, s0)  # the removable spans this sentence meets
        covered = 0
        while j < len(merged) and merged[j][0] < e0:
            s, e = merged[j]
            covered += _alnum_count(text[max(s, s0) : min(e, e0)])
            j += 1
        if letters and covered >= SENTENCE_COVER * letters:
            mostly.add(s0)
    if not mostly:
        return [], original_facts
    wordy = [s for s in all_sentences if _prose(text[s[0] : s[1]])]
    if len(wordy) < 2:
        return [], original_facts  # never remove the last sentence with words
    fact_index = None if original_facts is None else SpanIndex(original_facts)
    finding_index = SpanIndex(findings)
    push = None
    out = []
    for s0, e0 in wordy:
        if len(wordy) - len(out) <= 1:
            break  # never remove the last sentence with words
        if s0 not in mostly:
            continue
        if fact_index is None:  # facts found lazily: only a sentence worth dropping needs them
            fact_index = SpanIndex(facts(text))
        inside = fact_index.overlapping(s0, e0)
        if any(f.kind not in _DROPPABLE_IN_SENTENCE for f in inside):
            continue
        # Only push may go with it (fact_check): "tag 3 friends", not "Call 0207 153 9153".
        if push is None:
            push = push_spans(text, findings, compiled=compiled)
        if inside and not all(droppable(f, text, push) for f in inside):
            continue
        if _NAME_LETTER.search(text, s0 + 1, e0) is not None:  # a capital past the first
            found = names(text[s0:e0])
            said = [make_fact(n.kind, n.value, n.start + s0, n.end + s0, n.text) for n in found]
            if any(not droppable(n, text, push) for n in said):
                continue  # a name that isn't push ("— Maya") keeps its sentence
        sentence = text[s0:e0].strip()
        rules = [
            t
            for f in finding_index.starting_in(s0, e0)
            if (t := f.title or f.rule) in titles.values()
        ]
        what = (rules[0] if rules else "words to remove").lower()
        note = f"removed “{sentence}”: the whole sentence is {what}"
        if inside:
            nums = ", ".join(f.text for f in inside)
            note += f" (its {nums} went with it on purpose; put back what must stay)"
        out.append((s0, e0, "", note, "sentence", None))
    return out, None if fact_index is None else fact_index.items


# ---- safety ----------------------------------------------------------------------------------


def _unsafe(text: str, edit: Edit, original_facts: list[Fact]) -> str:
    """Why an edit must not be made ("" when it is safe)."""
    s, e, repl, _note, kind, _finding = edit
    quote = text[s:e]
    if kind == "hashtags":
        return ""
    for fact in original_facts:
        if fact.end <= s or e <= fact.start:
            continue
        if kind == "sentence" and fact.kind in _DROPPABLE_IN_SENTENCE:
            continue
        if kind == "caps" and fact.kind in _KEEP_CASE_FACTS:
            continue  # calming changes case only: "MONDAY 3 MARCH" -> "Monday 3 March"
        inside = s <= fact.start and fact.end <= e
        if fact.kind in _KEEP_CASE_FACTS:
            kept = inside and fact.text.lower() in repl.lower()
        else:
            kept = inside and fact.text in repl
        if not kept:
            return f"kept “{quote}”: it carries a fact ({fact.text})"
    return ""


def _in_a_name(text: str, edit: Edit) -> str:
    """Why a swap must not be made inside a name ("Iran's Revolutionary Guard"): its
    words are capitalised mid-sentence ("" when they aren't)."""
    s, e, _repl, _note, kind, _finding = edit
    quote = text[s:e]
    if kind != "swap" or not is_title(quote.split()[0]) or at_sentence_start(text, s):
        return ""
    return f"left “{quote}” as it is: it reads as part of a name"


def _drop_hanging(text: str, taken: list[Edit], refused: list) -> list[Edit]:
    """Take back the swaps and removals that would strand the words after them."""
    while True:
        removed = {t[0]: t[1] for t in taken if t[2] == ""}
        memo: dict = {}  # shared by this round's edits: a chain of removals is walked once
        bad = [t for t in taken if t[4] == "swap" and _hangs(text, t, removed, memo)]
        if not bad:
            return taken
        gone = set(bad)  # a set: a list here was a scan of every bad edit per edit
        taken = [t for t in taken if t not in gone]
        for edit in bad:
            clause = _lead_clause(text, edit, taken)
            if clause is not None:
                taken.append(clause)
                continue
            quote = text[edit[0] : edit[1]]
            what = edit[5].suggestion if edit[5] is not None else ""
            refused.append(
                (edit, f"left “{quote}” as it is: a swap would break the sentence. {what}")
            )
        taken.sort(key=lambda t: t[0])


_CLAUSE_END = DeferredPattern(r":(?=\s)|;|[–—]|\s-\s")
_LEAD_IN = DeferredPattern(r"[^\w\n]*\Z")  # only emoji, bullets or spaces since the line start
_FACTISH = DeferredPattern(r"https?://|www\.|[@#$€£¥₹%\d]|“|\"|`", re.IGNORECASE)


def _lead_clause(text: str, edit: Edit, taken: list[Edit]) -> Edit | None:
    """A removal at the start of a sentence ("Shop now to strengthen…: <link>") widened
    to its whole lead clause, up to a colon, dash or semicolon, so what follows (the link)
    stays and no fragment hangs. None when the clause holds a fact, or ends the sentence,
    or the widened span would meet another edit."""
    s, e, repl, _note, kind, finding = edit
    if kind != "swap" or repl.strip() or not at_sentence_start(text, s):
        return None
    m = _CLAUSE_END.search(text, e)
    if m is None or _SENTENCE_END.search(text, e, m.start()) is not None:
        return None  # the sentence ends first: nothing after the clause to keep
    end = m.end()
    clause = text[s:end]
    rest = text[end:].split("\n", 1)[0]
    if _FACTISH.search(clause) or not rest.strip() or end - s > 200:
        return None
    if any(t[0] < end and s < t[1] for t in taken):
        return None
    quote = clause.rstrip(":;–—- ").strip()
    return s, end, "", f"removed “{quote}”: it leads with an order", "swap", finding


# Words that tie what follows to the words before them: after a removal they start a
# fragment ("Who needs this?"), after a dropped noun they hang ("sorry this may have caused").
_TIED = frozenset(
    [
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "if",
        "when",
        "whenever",
        "because",
        "so",
        "to",
        "on",
        "for",
        "with",
        "at",
        "by",
        "of",
        "in",
        "from",
        "this",
        "these",
        "those",
    ]
)


_JOINERS = frozenset(["and", "or", "so", "but"])

# Words that cannot end a phrase: "Last chance to <removed> —".
_NEEDS_OBJECT = frozenset(
    [
        "to",
        "a",
        "an",
        "the",
        "of",
        "for",
        "at",
        "with",
        "by",
        "from",
        "on",
        "in",
        "into",
        "our",
        "your",
        "my",
        "their",
        "his",
        "her",
        "its",
        "and",
        "or",
    ]
)


def _hangs(text: str, edit: Edit, removed: dict[int, int], memo: dict | None = None) -> bool:
    """Whether making `edit` strands the words around it (other removals skipped over)."""
    s, e, repl = edit[0], edit[1], edit[2]
    quote = text[s:e]
    kept_tail = repl.strip()
    if repl[:1].isspace() and kept_tail and quote.endswith(kept_tail):
        # A removal widened over the words after it: those words now follow the gap.
        e -= len(kept_tail)
        repl = ""
    words = quote.lower().split()
    drops_end = bool(words) and words[-1] in _HANGING_ENDS and words[-1] not in repl.lower()
    if repl and not drops_end:
        return False
    if memo is not None and s < e:  # then the walk never meets s: it depends on e alone
        pos = _past_removals(text, e, removed, memo)
    else:
        pos = e
        while True:
            p = pos
            while p < len(text) and text[p] in " \t,":
                p += 1
            nxt = removed.get(p)
            if nxt is None or p == s:
                break
            pos = nxt
        while pos < len(text) and text[pos] in " \t":
            pos += 1
    m = _WORD.match(text, pos)
    if drops_end:
        return m is not None
    if m is not None:
        return m.group().lower() in _TIED
    # Nothing follows but punctuation: the word before must not need what was removed.
    before = _WORD_BEFORE.search(text[max(0, s - 30) : s])
    if before is not None and before.group(1).lower() in _JOINERS:
        return False  # "…are here and <act now>!": the join drops the "and" too
    return before is not None and before.group(1).lower() in _NEEDS_OBJECT


def _past_removals(text: str, e: int, removed: dict[int, int], memo: dict) -> int:
    """Where the text goes on after `e`, past the removals that follow it (with only spaces,
    tabs and commas between) and the spaces after them: _hangs' walk, remembered per
    position in `memo` so a long chain of removals is walked once, not once per edit."""
    path = []
    pos = e
    while True:
        hit = memo.get(pos)
        if hit is not None:
            pos = hit
            break
        path.append(pos)
        p = pos
        while p < len(text) and text[p] in " \t,":
            p += 1
        nxt = removed.get(p)
        if nxt is None:
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            break
        pos = nxt
    for q in path:
        memo[q] = pos
    return pos


# ---- what the rewrite could not do -----------------------------------------------------------


_LEFT_SAID = frozenset({"problem", "warning"})  # severities the rewrite says it left


def _left_notes(findings, taken: _Spans, compiled, *, absent: bool = False) -> list[str]:
    """One line per problem or warning rule the rewrite did not fix: what to do instead, so
    a rewrite never leaves words to fix unsaid (notes, info, stay in the findings).
    A warning about something absent (no thanks, no question) quotes no words to fix: the
    finding itself says it — unless the rewrite changed nothing (`absent`), when its advice
    is the whole of what there is to change ("left it for you: Thank them…").
    """
    notes = []
    seen = set()
    for f in findings:
        if f.severity not in _LEFT_SAID or f.rule in seen:
            continue
        if taken.overlaps(f.start, f.end):
            continue
        idx = compiled.index.get(f.rule)
        missing = idx is not None and compiled.absent[idx]  # a finding of something absent
        if f.severity != "problem" and missing and not absent:
            continue
        seen.add(f.rule)
        suggest = compiled.rules[idx].suggest if idx is not None else f.suggestion
        if missing and f.severity != "problem":
            notes.append(f"left it for you: {suggest}")
        else:
            notes.append(f"left “{f.quote}” for you: {suggest}")
    return notes


# ---- joining the text around removals ------------------------------------------------------

_RUN_OF_MARKS = DeferredPattern(
    _MARK + r"(?:[ \t]*(?:[,;&/]|\band\b|\bor\b|[—–-])?[ \t]*" + _MARK + ")+"
)


def _tidy(joined: str) -> str:
    """Close each removal's gap: one space or none, no orphan punctuation, capitals back."""
    if _MARK not in joined:
        return joined
    joined = _RUN_OF_MARKS.sub(_MARK, joined)
    parts = joined.split(_MARK)
    # _join only ever strips " \t,;:—–-" off the end of its left side, and reads back from
    # there to the last letter, digit or sentence end. So the text up to the last other
    # character ("wall") is final: it is set aside, and a stub of it (that wall, and the
    # character _at_sentence_start would stop at) stands in for it in the next join.
    # Rejoining the whole text so far at every removal made a long draft quadratic.
    done: list[str] = []
    stub = ""
    out = parts[0]
    for right in parts[1:]:
        out = _join(stub + out, right)[len(stub) :]
        wall = len(out.rstrip(_STRIPPED))
        if wall:
            final = out[:wall]
            done.append(final)
            stub = _stub_of(final, stub)
            out = out[wall:]
    return "".join(done) + out


_STRIPPED = " \t,;:—–-"  # what _join may strip off its left side
_STOP = DeferredPattern(r"[\w.!?:\n…]")  # where _at_sentence_start stops reading back


def _stub_of(final: str, stub: str) -> str:
    """What _join needs of the text before: its last character, and before that the one
    _at_sentence_start stops at (or nothing, when it would read back to the start)."""
    m = _STOP.search(final[::-1])
    if m is None:  # reads on back into what came before: keep its stop, if it has one
        return (stub[0] if stub and _STOP.match(stub[0]) else "") + final[-1]
    stop = final[len(final) - 1 - m.start()]
    return stop if m.start() == 0 else stop + final[-1]


_TRAILING_JOINER = DeferredPattern(r"(?:[ \t,]*\b(?:and|or|so|but|&))+[ \t,]*\Z", re.IGNORECASE)
_ARTICLE_END = DeferredPattern(r"\b(an?|An?)[ \t]*\Z")
_FIRST_WORD = DeferredPattern(r"[^\W\d_]+")
_SOUNDS_CONSONANT = ("uni", "use", "usu", "uti", "one", "once", "eu", "ewe")
_SOUNDS_VOWEL = ("hour", "honest", "honour", "honor", "heir")


def _article(left: str, right: str) -> str:
    """ "a"/"an" before the word a removal brought next to it ("an tool" -> "a tool")."""
    m = _ARTICLE_END.search(left)
    if m is None:
        return left
    w = _FIRST_WORD.match(right)
    if w is None or w.group().isupper():
        return left  # an acronym, a number or a symbol: the draft's own choice stands
    word = w.group().lower()
    vowel = (word[0] in "aeiou" and not word.startswith(_SOUNDS_CONSONANT)) or word.startswith(
        _SOUNDS_VOWEL
    )
    article = m.group(1)
    wanted = ("An" if article[0] == "A" else "an") if vowel else article[0]
    return left[: m.start(1)] + wanted + left[m.end(1) :]


_TAIL = 60  # the end of the text before a gap that the join reads (linear in the draft)


def _on_tail(left: str, change) -> str:
    """`change` applied to the last _TAIL characters of `left` only: a regex anchored at
    the end (\\Z) would otherwise scan the whole text before every gap."""
    head, tail = left[:-_TAIL], left[-_TAIL:]
    changed = change(tail)
    return left if changed == tail else head + changed


def _join(left: str, right: str) -> str:
    """Join the text either side of a removal."""
    left = left.rstrip(" \t")
    right = right.lstrip(" \t")
    if left[-1:] in ("*", "_", "~"):  # "*<gap>!*": the markup around what went goes with it
        closed = re.match(rf"[!?.,…]*{re.escape(left[-1])}", right)
        if closed is not None:
            left, right = left[:-1].rstrip(" \t"), right[closed.end() :].lstrip(" \t")
    if right[:1] in (".", "!", "?", "…") and left[-1:] in (",", ";", ":", "—", "–", "-"):
        left = left[:-1].rstrip(" \t")  # "time: <gap>!" -> "time!"
    at_start = at_sentence_start(left, len(left))
    if at_start:
        right = _LEADING_JOINER.sub("", right.lstrip(_SOFT_LEADING), count=1)
    elif right[:1] in (",", ";", ":") and left[-1] in ",;:—–-(\n":
        right = right[1:].lstrip(" \t")
    if right == "" or right[:1] in ".!?…\n":
        # "…are here and <gap>!" / "…, so <gap>!": no joiner left dangling at the end.
        left = _on_tail(left, lambda tail: _TRAILING_JOINER.sub("", tail))
    if right == "" or right[:1] == "\n":
        left = left.rstrip(" ,;:—–-\t")
    left = _on_tail(left, lambda tail: _article(tail, right))
    if at_start and right[:1].islower() and not _URLISH.match(right):
        right = right[:1].upper() + right[1:]
    if left == "" or right == "" or left[-1] in "\n(“\"'‘" or right[0] in ".,!?;:)…\n”’":
        return left + right
    return left + " " + right
