"""The rules engine: a draft and a playbook in, a Review out. Pure and deterministic.

One automaton pass finds every phrase (and the measures' words), one finds the literals
that decide which patterns run, and the character measures are one cheap look each, skipped
when their trigger is absent; findings come back sorted by position.

Findings read right to a person: a quote starts and ends on word boundaries ("40% OFF",
not "% OFF"; no trailing space) with offsets still exact; overlapping hits of one rule
become one finding ("is pleased to announce the launch of"); a finding about something
absent quotes the last sentence that has words, not a trailing emoji.

The score is explainable: each finding carries the penalty actually charged, and
human_score = max(0, 100 - their sum). A rule's penalty is its playbook `penalty:` (by
default info 4, warning 10, problem 16; the default playbook weighs the ad-defining rules,
hard-sell and likes-for-charity, at 30). Diminishing returns: the 1st finding of a rule (in
draft order) costs the rule's full penalty, the 2nd half of it, the 3rd a quarter (integer
division), any more cost 0 — so one habit repeated can't sink a draft alone, yet every
occurrence is still shown. Verdicts: 80+ "Ready to post", 50-79 "A few touches", below 50
"Reads like an ad" (model.verdict_for).
"""

from __future__ import annotations

import re
from functools import cache

from bot.review.core.model import make_finding, make_review, verdict_for
from bot.review.core.platforms import PLATFORMS, get_platform
from bot.review.rules.blank import is_blank
from bot.review.rules.comment import read_comment, signature_start
from bot.review.rules.conditions import filter_hits
from bot.review.rules.folding import fold
from bot.review.rules.language import reading_notes
from bot.review.rules.metrics.base import Context
from bot.review.rules.metrics.measures import LINK, Measures, measure
from bot.review.rules.metrics.sentences import SentencesBefore, last_sentence
from bot.review.rules.rewrite import rules_rewrite
from bot.review.rules.strengths import strengths

ENGINE = "rules"
REPEAT_SHIFT = (0, 1, 2)  # 1st: full, 2nd: half, 3rd: quarter; beyond: nothing
_GENERIC = PLATFORMS["generic"]


def repeat_penalty(base: int, nth: int) -> int:
    """The penalty charged for the `nth` (0-based) finding of one rule."""
    return base >> REPEAT_SHIFT[nth] if nth < len(REPEAT_SHIFT) else 0


def _hits(text: str, compiled, active, ctx: Context, ms: Measures, slow=None) -> list[tuple]:
    """(start, end, rule index, detail, replacement) for every active check that fired.

    Also fills `ms` with the measures the checks read, and `slow` with the (rule index,
    pattern) of each pattern its time limit cut short.
    """
    hits = compiled.scan(text, active, ms, slow)
    measure(text, ms, compiled.needs, compiled.names_over)
    for idx, check, params, gate in compiled.metric_rules:
        if active[idx] and (gate is None or getattr(ms, gate)):
            for s, e, detail in check(params, ms, ctx):
                hits.append((s, e, idx, detail, None))
    if hits and compiled.conditions:
        on = compiled.conditions_on
        conditions = on.get(ctx.platform.id, compiled.conditions) if on else compiled.conditions
        hits = filter_hits(text, hits, conditions)
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0], -h[1], h[2]))
    return hits


def _merged(text: str, hits: list[tuple]) -> list[list]:
    """Hits in draft order with overlapping hits of one rule made one: [s, e, idx, repl, detail].

    A hit inside a longer one of the same rule is dropped; one that overlaps and runs on
    ("is pleased to announce" + "announce the launch of") widens it into one finding, and
    the swap widens with it (the longer hit's swap wins) so the rewrite can still make it.
    """
    out: list[list] = []
    last: dict[int, list] = {}  # rule index -> its latest merged hit
    for s, e, idx, detail, repl in hits:
        prev = last.get(idx)
        if prev is not None and s < prev[1]:
            if e <= prev[1]:
                continue
            prev[3] = _widened_swap(text, prev, s, e, repl)
            prev[1] = e
            continue
        item = [s, e, idx, repl, detail]
        out.append(item)
        last[idx] = item
    return out


def _widened_swap(text: str, prev: list, s: int, e: int, repl: str | None) -> str | None:
    """The swap for prev's span widened to end at `e` by an overlapping hit [s, e)."""
    ps, pe, prepl = prev[0], prev[1], prev[3]
    if (prepl == "" and repl in (None, "")) or (repl == "" and prepl is None):
        # A removal running into more words of the same rule ("Like and share" + "share
        # this post") removes them all, rather than keeping " this post" as its "swap".
        return ""
    if repl is not None and (prepl is None or e - s >= pe - ps):
        return text[ps:s] + repl
    if prepl is not None:
        return prepl + text[pe:e]
    return None


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _snap(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding spaces, widened to whole tokens ("% OFF" -> "40% OFF")."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e <= s:
        return s, e
    if s > 0 and _wordish(text[s - 1]) and (_wordish(text[s]) or text[s] in "%‰'’.,"):
        while s > 0 and _wordish(text[s - 1]):
            s -= 1
    n = len(text)
    if e < n and _wordish(text[e]) and (_wordish(text[e - 1]) or text[e - 1] in "$£€#@"):
        while e < n and _wordish(text[e]):
            e += 1
    return s, e


# What carries no words of the draft's own: links, #tags and @names, a sign-off ("— Maya").
_NOT_PROSE = re.compile(
    LINK + r"|[#@]\w+|(?:^|\s)(?:[—–~-]{1,2}\s?[A-Z][\w.’']*(?:\s[A-Z][\w.’']*)?|\^[A-Z]{1,3})\s*$"
)

_MAYBE_NOT_PROSE = re.compile(r"[#@—–~^*/-]|://|www\.")


def _wordy_sentence(text: str, s: int, e: int) -> tuple[int, int]:
    """For a finding about something absent: the last sentence that has words in it, not
    a trailing emoji, link, line of hashtags or signature ("— Maya"), when one before it
    has; else the last with any letters, as before."""
    s2, e2 = s, e
    before = None  # the sentence ends, found once if the walk back is needed
    while not _prose(text[s2:e2]):
        if s2 <= 0:
            break
        before = before or SentencesBefore(text)
        s2, e2 = before.last(s2)  # last_sentence(text[:s2])
        if e2 <= s2:
            break
    else:
        return s2, e2
    while not any(ch.isalpha() for ch in text[s:e]) and s > 0:
        before = before or SentencesBefore(text)
        s2, e2 = before.last(s)  # last_sentence(text[:s])
        if e2 <= s2:
            break
        s, e = s2, e2
    return s, e


def _absences_apart(text: str, spans: list[tuple], absent) -> list[tuple]:
    """An absence note ("nothing to answer") quotes an earlier sentence when its own is
    one another finding already quotes: one quote, one point. With no such sentence it
    keeps its quote; the score is the same either way."""
    taken = [(s, e) for s, e, idx, *_ in spans if not absent[idx]]
    if not taken or all(not absent[sp[2]] for sp in spans):
        return spans

    def shares_words(s: int, e: int) -> bool:  # "!!" or an emoji quoted is not words
        return any(_has_word(text[max(a, s) : min(b, e)]) for a, b in taken if a < e and s < b)

    before = None
    out = []
    for sp in spans:
        s, e = sp[0], sp[1]
        if absent[sp[2]] and shares_words(s, e):
            before = before or SentencesBefore(text)
            s2, e2 = before.last(s)
            while e2 > s2:
                if _prose(text[s2:e2]) and not shares_words(s2, e2):
                    s3, e3 = _without_tail(text, s2, e2)
                    if e3 > s3:
                        sp = (s3, e3, *sp[2:])
                        break
                s2, e2 = before.last(s2)
        out.append(sp)
    return out


def _has_word(quote: str) -> bool:
    return any(ch.isalnum() for ch in quote)


def _prose(sentence: str) -> bool:
    """Whether a sentence has letters outside links, tags, mentions and a signature."""
    if not any(ch.isalpha() for ch in sentence):
        return False
    if not _MAYBE_NOT_PROSE.search(sentence):
        return True  # nothing of a link, tag, mention or signature: the usual case
    sentence = sentence[: signature_start(sentence)]  # "-Sam", "/AY", "*TMT", "Kind regards, Sam"
    return any(ch.isalpha() for ch in _NOT_PROSE.sub(" ", sentence))


def _in_order(items: list[list]) -> list[list]:
    """Findings in draft order (longer first at one start), each (span, rule) once."""
    items.sort(key=_finding_order)
    out = [items[0]]
    for item in items[1:]:
        last = out[-1]
        if item[0] != last[0] or item[1] != last[1] or item[2] != last[2]:
            out.append(item)
    return out


def _finding_order(item: list) -> tuple[int, int, int]:
    return item[0], -item[1], item[2]


def _assemble(text: str, items: list[list], rules) -> tuple[tuple, int]:
    """Findings with the penalty actually charged (see the module's diminishing returns),
    and the sum of those penalties."""
    counts: dict[int, int] = {}
    findings = []
    total = 0
    for s, e, idx, detail, repl in items:
        nth = counts.get(idx, 0)
        counts[idx] = nth + 1
        rule = rules[idx]
        penalty = repeat_penalty(rule.penalty, nth)
        total += penalty
        findings.append(
            make_finding(
                rule.id,
                rule.severity,
                s,
                e,
                text[s:e],
                rule.why,
                f"{rule.suggest} ({detail})" if detail else rule.suggest,
                penalty,
                rule.principle,
                rule.title,
                repl,
            )
        )
    return tuple(findings), total


def review(text: str, playbook, *, platform: str | None = None, in_reply_to: str | None = None):
    """Review `text` on `playbook` (for `platform`, as a reply to `in_reply_to` if given)."""
    if not isinstance(text, str):
        raise TypeError("the draft must be text")
    plat = _GENERIC if platform is None else get_platform(platform)
    comment = in_reply_to if in_reply_to and in_reply_to.strip() else None
    compiled = playbook.compiled
    # A reply's rules depend on what the comment is (complaint, question, praise...).
    active = (
        compiled.active_post if comment is None else compiled.active_for[read_comment(comment).kind]
    )
    ms = Measures()
    rules = compiled.rules
    # The rules read the draft folded (styled letters, hidden characters, entities); every
    # span found is mapped back into the draft as given before it is quoted.
    folded = fold(text)
    read = text if folded is None else folded.text

    findings = ()
    total = 0
    slow: list[tuple[int, str]] = []
    hits = _hits(read, compiled, active, Context(read, plat, comment), ms, slow)
    if hits:
        snap, absent = compiled.snap, compiled.absent  # per rule, from its metrics' kinds
        spans = []
        for s, e, idx, repl, detail in _merged(read, hits):
            if snap[idx]:
                s, e = _snap(read, s, e)
            if absent[idx]:
                s, e = _without_tail(read, *_not_signed(read, *_wordy_sentence(read, s, e)))
            if e > s:
                spans.append((s, e, idx, repl, detail))
        if len(spans) > 1:
            spans = _absences_apart(read, spans, absent)
        items = []
        for s, e, idx, repl, detail in spans:
            if folded is not None:
                s, e, cut = folded.clean(s, e)
                if cut:
                    repl = None
                if e <= s:
                    continue
            items.append([s, e, idx, detail, repl])
        if len(items) > 1:  # snapping may have moved a start, or met another finding
            items = _in_order(items)
        findings, total = _assemble(text, items, rules)
    score = 100 - total if total < 100 else 0
    notes = ()
    blank = is_blank(read)
    if blank or (plat.fold is not None and len(read) > plat.fold):
        notes = _notes(read, plat, blank)
    notes = (*notes, *reading_notes(read, bool(ms.you or ms.we)))
    if slow:
        notes = (*notes, *_slow_notes(slow, rules))
    return make_review(
        score,
        verdict_for(score, findings, bool(ms.congrats)),
        findings,
        strengths(read, ms, plat, score),
        rules_rewrite(text, findings, playbook),
        ENGINE,
        playbook.id,
        playbook.version,
        plat.id,
        _summary(score, total, len(findings)),
        notes,
    )


def _notes(text: str, plat, blank: bool) -> tuple[str, ...]:
    notes = []
    if plat.fold is not None and len(text) > plat.fold:
        notes.append(f"{plat.label} shows about {plat.fold} characters before “See more”.")
    if blank:
        notes.append("The draft is empty.")
    return tuple(notes)


def _slow_notes(slow: list[tuple[int, str]], rules) -> tuple[str, ...]:
    """One line per rule whose pattern ran out of time on this draft (its matches so far
    still count): the team can see which rule to fix, and the review still came back."""
    seen = dict.fromkeys(idx for idx, _ in slow)
    return tuple(
        f"Rule “{rules[idx].id}” was cut short: a pattern of it took too long on this draft "
        f"({rules[idx].source}; `socialway playbook check` shows which)."
        for idx in seen
    )


def _summary(score: int, total: int, n: int) -> str:
    if n == 0:
        return "100: nothing to flag."
    return f"{score} = 100 − {total} from {n} finding{'s' if n != 1 else ''}."


# Links, #tags and @names ending a sentence, with the colon or dash that led to them.
_TAIL = re.compile(
    r"(?:[\s:;,.—–-]*(?:"
    + LINK
    + r"|[#@]\w+|(?:at |on |via )?[\w-]+\.(?:com|net|org|co|io|uk|app|dev)(?:/\S*)?))+"
    r"[\s:;,.—–-]*\Z"
)


# A whitespace-free token a tail could cover whole: its items and punctuation, then maybe
# the "at"/"on"/"via" before a site in the next token (a superset of what _TAIL covers).
_TAIL_TOKEN = re.compile(
    r"(?:[:;,.—–-]|"
    + LINK
    + r"|[#@]\w+|[\w-]+\.(?:com|net|org|co|io|uk|app|dev)(?:/\S*)?)*(?:at|on|via)?"
)
_TAIL_TOKEN_MAX = 200  # a longer token ends the walk back: search the whole window


def _tail_from(text: str, lo: int, e: int) -> int:
    """Where the search for a tail in text[lo:e] may start: the start of the last token
    (split at whitespace, which no tail item holds) that a tail could not cover whole. A
    tail starting earlier would cover that token, so the search finds the same match
    without trying the positions before it."""
    window = text[lo:e]
    tokens = window.split()  # str.split's whitespace is `re`'s \s (both str.isspace)
    k = 0
    for token in reversed(tokens):
        if len(token) > _TAIL_TOKEN_MAX:
            return lo
        if _TAIL_TOKEN.fullmatch(token):
            k += 1
            continue
        head = window.rsplit(None, k)[0] if k else window.rstrip()
        return lo + len(head) - len(token)
    return lo


def _without_tail(text: str, s: int, e: int) -> tuple[int, int]:
    """An absence quote without the links and tags ending it ("Read how we built it", not
    "Read how we built it: https://… #SaaS"): the words are what the note is about."""
    lo = max(s, e - 400)  # a tail, so bounded: linear in the draft
    m = _TAIL.search(text, _tail_from(text, lo, e), e)
    if m is None or m.start() <= s or not any(ch.isalpha() for ch in text[s : m.start()]):
        return s, e
    return s, m.start()


@cache
def _sign_off() -> re.Pattern:
    """A sign-off line ending a post: "— The Fable team", "- Sam", "Sam, Founder", "Jo & the
    team". Compiled on first use: its classes with "’" cost `re` ~4 ms to build, which a
    start-up need not pay for a check few drafts reach."""
    return re.compile(
        r"(?:[—–~-]{1,2} ?(?:[Tt]he )?[A-Z][\w.’'&-]*(?: [\w.’'&-]+){0,3}"
        r"|[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+)?,? (?:[A-Z][\w.’'-]+|& the team|and the team)"
        r"(?: [\w.’'&-]+){0,3})"
        r"\s*\Z"
    )


def _not_signed(text: str, s: int, e: int) -> tuple[int, int]:
    """An absence quote that landed on the sign-off line ending a post moves to the
    sentence before it: a signature is never what a note is about."""
    if s > 0 and text[s - 1] == "\n" and e - s <= 60 and _sign_off().match(text, s, e):
        s2, e2 = last_sentence(text[:s])
        if e2 > s2 and any(ch.isalpha() for ch in text[s2:e2]):
            return s2, e2
    return s, e
