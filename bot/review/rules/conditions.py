"""Context conditions: when a rule's words count, read from the words around them.

A phrase is not pushy everywhere: "urgent" inside someone's quotation is their word,
"prize" in a grant announcement is not a giveaway, "industry-leading" said of a partner is
praise of someone else, and "Learn more:" after a full description earns its link. A rule's
`context:` (playbooks/FORMAT.md) names the conditions under which its phrase and pattern
hits count; the rest are dropped before they become findings, so a comms lead can read in
the playbook why a rule is quiet.

Each condition is one cheap look at the draft around the hit; what several hits share
(the quoted passages, the word count) is worked out once per review.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import repeat

import ahocorasick

from bot.review.rules.deferred import DeferredPattern
from bot.review.rules.matcher import normalise

# The keys a rule's `context:` may hold, and the type of each (validated by the loader).
CONDITION_PARAMS: dict[str, type] = {
    "not_quoted": bool,
    "not_question": bool,
    "first_person": bool,
    "max_words": int,
    "described": int,
    "quote_clause": bool,
    "needs_words": list,
    "unless_words": list,
    "not_after": list,
    "per_platform": dict,
}
# The conditions `per_platform` may set differently on a platform: the whole numbers.
PER_PLATFORM_PARAMS = tuple(k for k, kind in CONDITION_PARAMS.items() if kind is int)

_QUOTED = DeferredPattern(
    r"(?=[“\"«'‘R])"  # what every branch opens with (spares them most positions): keep it so
    r'(?:“[^”\n]{1,400}”|"[^"\n]{1,400}"|«[^»\n]{1,400}»'
    # single quotes: 'urgent', ‘must-see’ (not the apostrophes of "don't" or "teams'")
    r"|(?<!\w)['‘](?=\S)[^'‘’\n]{1,80}(?<=\S)['’](?!\w)"
    # a retweet: "RT @name: ..." to the end of the line is the other account's words
    r"|(?-i:\bRT) @\w+[^\n]{1,400})"
)
_SENTENCE_END = DeferredPattern(r"[.!?…\n]")
# The writer speaking: I/me/my/we/our/us (not "US", the country).
_FIRST_PERSON = DeferredPattern(
    r"(?<![\w’'])(?:i|me|my|mine|myself|we|our|ours|ourselves|(?-i:us|Us))(?![\w])", re.I
)
# Someone else named in a sentence: a capitalised word after a lower-case word, comma or
# "by/with", a possessive name ("Tesla's"), or an @-mention.
_NAMES_SOMEONE = DeferredPattern(
    r"(?<=[a-z,;] )[A-Z][\w&.-]*[a-z]\w*|\b[A-Z]\w*['’]s\b|@\w+", re.ASCII
)
# A sentence whose subject is a name: "Rearticle is an innovative solution".
_NAME_SUBJECT = DeferredPattern(
    r"\s*(?!(?:The|This|That|These|Those|It|Its|Our|We|My|I|A|An|Your|Their|His|Her|Here"
    r"|There|What|Why|How|Who)\b)[A-Z][\w&.-]*[a-z][\w&.-]*(?: [A-Z][\w&.-]*)*"
    r" (?:is|are|was|were|has|have|[a-z]+s)\b"
)
_NOT_WORDS = ("http://", "https://", "www.", "#", "@", "hashtag#")


class _WordStarts:
    """Where a match of `_words_regex(words)` can start: at one of the words' first parts
    (each alternative opens with it, literally), found in one automaton pass; the regex
    is then tried there alone, not at every position of the draft."""

    __slots__ = ("auto",)

    def __init__(self, words: list[str]):
        firsts = [normalise(w).split()[:1] for w in words if w.strip()]
        auto = None
        if firsts and all(firsts):  # (a word of spaces alone would match anywhere)
            auto = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            for (first,) in firsts:
                auto.add_word(first)
            auto.make_automaton()
        self.auto = auto

    def search(self, words: re.Pattern, norm: str) -> bool:
        """words.search(norm) is not None."""
        if self.auto is None:
            return words.search(norm) is not None
        match = words.match
        return any(match(norm, end - size + 1) for end, size in self.auto.iter(norm))


def _words_regex(words: list[str]) -> re.Pattern:
    alts = sorted(
        (r"[\s-]*".join(map(re.escape, normalise(w).split())) for w in words if w.strip()),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


_LONG = 2_000  # characters: above this, Seen's indexes answer instead of scans


class Seen:
    """What the conditions work out once per draft (filled on first use)."""

    __slots__ = (
        "after",
        "ends",
        "first",
        "found",
        "names",
        "norm",
        "quoted",
        "sentences",
        "text",
        "tokens",
        "words",
    )

    def __init__(self, text: str):
        self.text = text
        self.norm: str | None = None
        self.quoted: list[tuple[int, int]] | None = None
        self.tokens: list[str] | None = None  # the draft split at whitespace
        self.words = -1  # own words (tokens less links, #tags and @names); -1 until counted
        self.ends: list[int] | None = None  # where _SENTENCE_END matches, in order
        self.first: list[tuple[int, int]] | None = None  # _FIRST_PERSON's matches
        self.found: dict[int, bool] = {}  # needs/unless word lists: in the draft or not
        self.names: _NameStarts | None = None
        self.sentences: dict[tuple[int, int], bool] = {}  # speaks_of_self with no I/we
        self.after: dict[int, _WordsBefore | None] = {}  # not_after's index, per word list

    def says(self, words: re.Pattern, starts: _WordStarts | None = None) -> bool:
        """Whether the draft says any of `words`, found once per draft (a search of the
        whole draft per hit made a long draft quadratic: 100,000 characters took 15 s);
        tried only where `starts` (the words' _WordStarts) says a match can start."""
        hit = self.found.get(id(words))
        if hit is None:
            norm = self.normalised()
            hit = starts.search(words, norm) if starts else words.search(norm) is not None
            self.found[id(words)] = hit
        return hit

    # Looked up by bisection, so each hit costs log time, not a scan of its sentence: a
    # long draft with no sentence end was quadratic (40,000 characters took 2.8 s).

    def sentence_ends(self) -> list[int]:
        if self.ends is None:
            self.ends = [m.start() for m in _SENTENCE_END.finditer(self.text)]
        return self.ends

    def last_first_person(self, ss: int, s: int):
        """(start, end) of the last _FIRST_PERSON match of finditer(text, ss, s), or None.
        Matches are whole words of at most 9 letters, so one ending before s - 10 is the
        same whether the scan stops at s or not; nearer s, the scan itself is run."""
        near = max(ss, s - 16)
        last = None
        for m in _FIRST_PERSON.finditer(self.text, near, s):
            last = m.span()
        if last is not None or near == ss:
            return last
        if self.first is None:
            self.first = [m.span() for m in _FIRST_PERSON.finditer(self.text)]
        i = bisect_left(self.first, (near, -1)) - 1  # the last one starting before `near`
        return self.first[i] if i >= 0 and self.first[i][0] >= ss else None

    def normalised(self) -> str:
        if self.norm is None:
            self.norm = normalise(self.text)
        return self.norm

    def quoted_spans(self) -> list[tuple[int, int]]:
        if self.quoted is None:
            text = self.text
            self.quoted = (
                # a retweet runs to its line's end, that end included (a last #tag is in it)
                [(m.start(), m.end() + (m.group()[0] == "R")) for m in _QUOTED.finditer(text)]
                if (
                    '"' in text
                    or "“" in text
                    or "«" in text
                    or "'" in text
                    or "‘" in text
                    or "RT @" in text
                )
                else []
            )
        return self.quoted

    def own_words_over(self, most: int) -> bool:
        """Whether the draft says more than `most` words itself: links, #tags and @names
        are not counted (a draft of at most `most` words of any kind needs no count)."""
        tokens = self.tokens
        if tokens is None:
            tokens = self.tokens = self.text.split()
        if len(tokens) <= most:
            return False
        if self.words < 0:
            self.words = len(tokens) - sum(map(str.startswith, tokens, repeat(_NOT_WORDS)))
        return self.words > most


def sentence_around(text: str, s: int, e: int, seen: Seen | None = None) -> tuple[int, int]:
    """The sentence (or line) holding text[s:e]."""
    if seen is not None:  # the same answer, by bisection (see Seen)
        ends = seen.sentence_ends()
        i = bisect_left(ends, s) - 1
        start = ends[i] + 1 if i >= 0 and ends[i] >= max(0, s - 600) else 0
        j = bisect_left(ends, e)
        return start, ends[j] + 1 if j < len(ends) else len(text)
    start = 0
    lo = max(0, s - 600)
    for m in _SENTENCE_END.finditer(text, lo, s):
        start = m.end()
    m = _SENTENCE_END.search(text, e)
    end = m.end() if m else len(text)
    return start, end


# A detail a reader can act on: a figure, price or date (3 March, £140, 2026), a day or
# month by name, a clock time, or a name mid-sentence (Leeds, Priya, The Engine Shed).
_WHEN = (
    r"\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June"
    r"|July|August|September|October|November|December|[Tt]oday|[Tt]omorrow|[Tt]onight)\b"
    r"|\b(?:is|are) (?:here|out|live)\b|\bout now\b|\bnow live\b|\b[Nn]ew episode\b"
    r"|\b\d{1,2}(?:[:.]\d\d)? ?(?:am|pm|[ap]\.m\.)|\b\d{1,2}:\d\d\b"
)
_DETAIL = DeferredPattern(
    r"(?=[\dA-Zainot])"  # what every branch opens with (spares them most positions): keep it so
    r"(?:(" + _WHEN + r")|\d+(?:[.,:]\d+)*%?|(?<=[a-z,] )[A-Z][a-z]+\b)"
)
# What every match of _WHEN holds: a weekday, month or "today" holds one of the words, a
# clock time ("10am", "6 p.m.", "10.30pm", "18:30") a match of _CLOCK. A draft with
# neither says no when, so it is not described: most drafts a `described` rule meets
# skip the slow scan of _DETAIL.
_WHEN_WORDS = (
    "day", "uary", "March", "April", "May", "June", "July", "August", "October", "ember",
    "omorrow", "onight", "is here", "is out", "is live", "are here", "are out", "are live",
    "out now", "now live", "ew episode",
)  # fmt: skip
_CLOCK = DeferredPattern(r"\d ?[ap]\.?m|\d:\d\d")


def _may_say_when(text: str) -> bool:
    """False only when _WHEN matches nowhere in `text`."""
    for word in _WHEN_WORDS:
        if word in text:
            return True
    return _CLOCK.search(text) is not None


def described(text: str, spans: list[tuple[int, int]], over: int) -> bool:
    """Whether the draft says what it invites to besides `spans` (a rule's hits): more
    than `over` words of its own, when it is, and one more detail (a figure, a place, a
    name), as an invitation or launch does ("Join us in Leeds on 3 March for a morning on
    accessible design, with talks from Priya and Tom. Save a seat:")."""
    if not _may_say_when(text) or words_besides(text, spans) <= over:
        return False
    found = when = 0
    for m in _DETAIL.finditer(text):
        if not any(s <= m.start() < e for s, e in spans) and not _in_link(text, m.start()):
            found += 1
            when = when or m.group(1) is not None
            if found >= 2 and when:
                return True
    return False


def _in_link(text: str, i: int) -> bool:
    start = text.rfind(" ", 0, i) + 1
    return text.startswith(_NOT_WORDS, start) or "/" in text[start:i]


def words_besides(text: str, spans: list[tuple[int, int]]) -> int:
    """Words of the draft's own outside `spans` (a rule's hits): what it says besides them.

    Links, #tags, @names and lone punctuation are not words."""
    pos = 0
    parts = []
    for s, e in sorted(spans):
        if s > pos:
            parts.append(text[pos:s])
        pos = max(pos, e)
    parts.append(text[pos:])
    worded = list(filter(_ALNUM.search, " ".join(parts).split()))
    return len(worded) - sum(map(str.startswith, worded, repeat(_NOT_WORDS)))


_ALNUM = DeferredPattern(r"[^\W_]")  # a character str.isalnum() accepts (re's \w is those and _)


class Conditions:
    """One rule's context conditions, ready to test hits against."""

    __slots__ = (
        "first_person",
        "max_other",
        "max_words",
        "needs",
        "needs_at",
        "not_after",
        "not_question",
        "not_quoted",
        "quote_clause",
        "unless",
        "unless_at",
    )

    def __init__(self, spec: dict):
        self.not_quoted = bool(spec.get("not_quoted"))
        self.not_question = bool(spec.get("not_question"))
        self.first_person = bool(spec.get("first_person"))
        self.max_words = spec.get("max_words")
        self.max_other = spec.get("described")
        self.quote_clause = bool(spec.get("quote_clause"))
        needs = spec.get("needs_words") or ()
        unless = spec.get("unless_words") or ()
        self.needs = _words_regex(list(needs)) if needs else None
        self.unless = _words_regex(list(unless)) if unless else None
        self.needs_at = _WordStarts(list(needs)) if needs else None
        self.unless_at = _WordStarts(list(unless)) if unless else None
        after = spec.get("not_after") or ()
        self.not_after = _words_regex(list(after)) if after else None

    def keep(self, seen: Seen, s: int, e: int) -> bool:
        """Whether a hit at [s, e) counts in this draft."""
        text = seen.text
        if self.not_after is not None:
            big = seen if len(text) > _LONG else None
            ss = sentence_around(text, s, e, big)[0]
            index = _WordsBefore.of(seen, self.not_after) if big is not None else None
            if index is not None:
                if index.any_between(ss, s):
                    return False
            elif self.not_after.search(normalise(text[ss:s])):
                return False
        if self.max_words is not None and seen.own_words_over(self.max_words):
            return False
        if self.needs is not None and not seen.says(self.needs, self.needs_at):
            return False
        if self.unless is not None and seen.says(self.unless, self.unless_at):
            return False
        if self.not_quoted:
            quoted = seen.quoted_spans()  # in order and apart: only the last one starting
            i = bisect_left(quoted, (s, -1)) - 1  # before s can hold the hit
            if i >= 0 and e < quoted[i][1]:
                return False
        if self.not_question or self.first_person:
            big = seen if len(text) > _LONG else None  # a short draft is scanned as it is
            ss, se = sentence_around(text, s, e, big)
            if self.not_question and text[ss:se].rstrip().endswith("?"):
                return False
            if self.first_person and not speaks_of_self(text, ss, s, big):
                return False
        return True


def speaks_of_self(text: str, ss: int, s: int, seen: Seen | None = None) -> bool:
    """Whether words at `s` (in the sentence starting at `ss`) are the writer's about
    themselves: the last I/we/our before them is not followed by someone else's name
    ("our partner Acme's industry-leading..."), and with no I/we/our the sentence names no
    one else ("A revolutionary approach" is ad copy; "Parkway's first robot" praises Parkway)."""
    if seen is not None:
        last = seen.last_first_person(ss, s)
    else:
        last = None
        for m in _FIRST_PERSON.finditer(text, ss, s):
            last = m.span()
    if last is None:
        end = sentence_around(text, s, s, seen)[1]
        if seen is not None and (ss, end) in seen.sentences:
            return seen.sentences[ss, end]  # the same sentence, another hit: same answer
        sentence = text[ss:end]
        said = _NAMES_SOMEONE.search(sentence) is None and _NAME_SUBJECT.match(sentence) is None
        if seen is not None:
            seen.sentences[ss, end] = said
        return said
    if seen is not None:
        if seen.names is None:
            seen.names = _NameStarts(text)
        return not seen.names.any_between(last[1], s)
    return _NAMES_SOMEONE.search(text, last[1], s) is None


class _WordsBefore:
    """words.search(normalise(text[ss:s])) for many (ss, s) of one long draft, each in log
    time (a search of the sentence up to each hit was quadratic in a long sentence).

    Found once: where each of the words can start in the normalised draft, with the least
    end at which it stands alone (no word character after it). A search of [ss, s) finds
    one of those ending by s, or one ending exactly at s (the cut then is its boundary),
    which a search of the last few characters before s finds."""

    _HEAD, _TAIL = r"(?<!\w)(?:", r")(?!\w)"

    @classmethod
    def of(cls, seen: Seen, words: re.Pattern) -> _WordsBefore | None:
        if id(words) not in seen.after:
            src, text = words.pattern, seen.text
            usable = src.startswith(cls._HEAD) and src.endswith(cls._TAIL) and "\\|" not in src
            # "Σ" lowers by its neighbours: a cut sentence may lower differently than the draft
            usable = usable and "Σ" not in text
            seen.after[id(words)] = cls(seen.normalised(), words) if usable else None
        return seen.after[id(words)]

    def __init__(self, norm: str, words: re.Pattern):
        self.norm, self.words = norm, words
        body = words.pattern[len(self._HEAD) : -len(self._TAIL)]
        alts = [re.compile(a) for a in body.split("|")]
        starts: list[tuple[int, int]] = []
        for m in re.finditer(r"(?<!\w)(?=(?:" + body + "))", norm):
            p = m.start()
            ends = [
                q
                for a in alts
                if (hit := a.match(norm, p)) is not None
                and ((q := hit.end()) == len(norm) or _WORD_CHAR.match(norm, q) is None)
            ]
            if ends:
                starts.append((p, min(ends)))
        self.starts = [p for p, _ in starts]
        self.least = [0] * len(starts)  # the least end among the starts from here on
        low = 1 << 62
        for i in range(len(starts) - 1, -1, -1):
            low = min(low, starts[i][1])
            self.least[i] = low
        longest_gap = max((len(g) for g in re.findall(r"[\s-]+", norm)), default=0)
        self.reach = max(len(a) + a.count("[\\s-]*") * longest_gap for a in body.split("|"))

    def any_between(self, ss: int, s: int) -> bool:
        i = bisect_left(self.starts, ss)
        if i < len(self.least) and self.least[i] <= s:
            return True
        return self.words.search(self.norm, max(ss, s - self.reach), s) is not None


_WORD_CHAR = DeferredPattern(r"\w")


# _NAMES_SOMEONE's three ways to match, each found once per draft with the least end a
# search must be allowed to reach for it to match (see _NameStarts).
_AFTER_LOWER = DeferredPattern(r"(?<=[a-z,;] )[A-Z]", re.ASCII)  # way 1 starts here
_TO_LOWER = DeferredPattern(r"[A-Z0-9_&.-]*[a-z]", re.ASCII)  # ...and ends at its first [a-z]
_WORD_CAPITAL = DeferredPattern(r"\b[A-Z]", re.ASCII)  # way 2: Acme's
_TO_APOSTROPHE_S = DeferredPattern(r"\w*['’]s", re.ASCII)
_AT_NAME = DeferredPattern(r"@\w", re.ASCII)  # way 3: @name
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class _NameStarts:
    """_NAMES_SOMEONE.search(text, a, s) is not None, for many (a, s) of one draft, each in
    log time (a search from the last I/we to each hit made a long draft quadratic).

    Where each way of matching can start, and the least `s` it needs: way 1 (a capital after
    a lower-case word) needs its first lower-case letter inside; way 2 (Acme's) its "s",
    and where a word character follows it, exactly that end (the search's end is then the
    word boundary); way 3 (@name) one word character. A match starting at or after `a`
    with its least end at most `s` is what the search would find."""

    def __init__(self, text: str):
        starts: list[tuple[int, int]] = []
        self.exact: dict[int, int] = {}  # end -> the latest start that needs exactly it
        for m in _AFTER_LOWER.finditer(text):
            low = _TO_LOWER.match(text, m.end())
            if low is not None:
                starts.append((m.start(), low.end()))
        for m in _WORD_CAPITAL.finditer(text):
            tail = _TO_APOSTROPHE_S.match(text, m.end())
            if tail is not None:
                end = tail.end()
                if end < len(text) and text[end] in _ASCII_WORD:
                    self.exact[end] = max(self.exact.get(end, -1), m.start())
                else:
                    starts.append((m.start(), end))
        starts += [(m.start(), m.end()) for m in _AT_NAME.finditer(text)]
        starts.sort()
        self.starts = [p for p, _ in starts]
        least = [0] * len(starts)  # the least end among the starts from here on
        low = 1 << 62
        for i in range(len(starts) - 1, -1, -1):
            low = min(low, starts[i][1])
            least[i] = low
        self.least = least

    def any_between(self, a: int, s: int) -> bool:
        i = bisect_left(self.starts, a)
        if i < len(self.least) and self.least[i] <= s:
            return True
        return self.exact.get(s, -1) >= a


def filter_hits(text: str, hits: list[tuple], conditions: dict) -> list[tuple]:
    """`hits` without those whose rule's conditions say they don't count here."""
    seen = Seen(text)
    kept = [h for h in hits if (c := conditions.get(h[2])) is None or c.keep(seen, h[0], h[1])]
    # `described`: what the draft says besides all of the rule's hits together
    # ("Join us in Leeds on 3 March… Save a seat:" says what, when and where: no bare call).
    # A call counts with its short object ("Read it here", "Join us"): up to four words.
    present = {h[2] for h in kept}
    wordy = {
        idx
        for idx in present
        if (c := conditions.get(idx)) is not None
        and c.max_other is not None
        and described(
            text,
            [_clause_end(text, h, 4) if c.quote_clause else h[:2] for h in kept if h[2] == idx],
            c.max_other,
        )
    }
    if wordy:
        kept = [h for h in kept if h[2] not in wordy]
        present -= wordy
    clause = {idx for idx in present if (c := conditions.get(idx)) is not None and c.quote_clause}
    if clause:
        kept = [
            (h[0], _clause_end(text, h, 20)[1], *h[2:]) if h[2] in clause and h[4] is None else h
            for h in kept
        ]
    return kept


# The rest of a clause after a hit: up to 4 or 20 more words, to the first , ; : . ! ?
# dash, line end or link ("Join" -> "Join us for a morning on design").
_A_LINK = r"https?:|www\.|[\w-]+\.(?:com|net|org|co|io|ly|uk|me|info|biz|us|app|dev)\b"
_CLAUSE_REST = {
    most: DeferredPattern(
        r"(?:[ \t]+(?!"
        + _A_LINK
        + r")[#@]?[\w'’&-]+){1,"
        + str(most)
        + r"}?(?=[ \t]*(?:[:.,;!?\n—–]|"
        + _A_LINK
        + r"|\Z))"
    )
    for most in (4, 20)
}


_LEADS_ON = DeferredPattern(r"[ \t]+(?:at|on|in|to|from|via|for|with|by|of|is|are)\Z", re.I)


def _clause_end(text: str, hit: tuple, most: int) -> tuple[int, int]:
    """`hit`'s span widened to the end of its clause when that is at most `most` words on
    (a call is quoted whole, not by its verb)."""
    m = _CLAUSE_REST[most].match(text, hit[1])
    end = m.end() if m else hit[1]
    # not ending on the word that led to the link ("Check out our range at")
    cut = _LEADS_ON.search(text, hit[0], end)
    return hit[0], cut.start() if cut and cut.start() > hit[0] else end
