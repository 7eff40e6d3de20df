"""The facts a text states, found without an AI: what a reader would act on or a team would
be embarrassed to lose.

Links (also Slack's <https://x|label>), @mentions and Slack mentions (<@U123>, <#C1|name>,
<!here>), #hashtags, emails, numbers, prices, percentages, dates and times. Each fact has a
normalised value, so facts compare by what they say: "$1,299.00" is kept by "$1299", "5pm"
by "17:00", and "#Planner" by "#planner". Names, codes, quotes and placeholders are facts
too, found elsewhere (proper_names.py, verbatim.py): they need words around them, so they
stay out of facts() and its piecewise re-extraction (piecewise.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import ahocorasick

from bot.review.rules.matcher import skeleton


@dataclass(frozen=True)
class Fact:
    kind: str  # url, email, mention, channel, special, hashtag, price, percent, date, time, number
    value: str  # normalised, for comparison
    start: int
    end: int
    text: str  # exactly as written in the draft


_new = object.__new__
_set_dict = object.__setattr__


def _make(kind: str, value: str, start: int, end: int, text: str) -> Fact:
    """Fact(...) without the frozen dataclass's per-field __setattr__ (hot path)."""
    f = _new(Fact)
    _set_dict(
        f, "__dict__", {"kind": kind, "value": value, "start": start, "end": end, "text": text}
    )
    return f


make_fact = _make  # for the other kinds of fact (names, codes, quotes, placeholders)

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAYS = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)(?:day|s|r|rs|nesday|sday|urday)?"
_ORD = r"(?:st|nd|rd|th)?"
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "cad": "CAD",
    "aud": "AUD",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

# The four costliest scans are compiled on first use (_scans), not at import.
_SLACK = (
    r"<(?:(?P<slack_link>(?:https?|mailto):[^|>\s]+)|(?P<slack_user>@[UW][A-Z0-9]+)"
    r"|(?P<slack_channel>#C[A-Z0-9]+)|(?P<slack_special>!(?:here|channel|everyone|subteam\^[A-Z0-9]+)))"
    r"(?:\|[^>]*)?>"
)
_URL_RE = re.compile(r"(?:https?://|www\.|HTTPS?://|WWW\.)[^\s<>\"]+")
_AT = re.compile(r"@\w[\w-]*(?:\.[\w-]+)*")
_HASHTAG_RE = re.compile(r"#\w*[^\W\d_]\w*")
# Where a number can start: a digit (or a currency sign then a digit) not glued to a word,
# a decimal point, a separator or a currency sign before it.
# (Written to start with a character class so the regex engine skips ahead to candidates.)
_NUMBER_START = r"[\d$€£¥₹](?<![\w.,:/-][\d$€£¥₹])(?:(?<=\d)(?<![$€£¥₹]\d)|(?<=[$€£¥₹])(?=\d))"
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_DATE_SEP = re.compile(r"[/-]")
_NON_DIGITS = re.compile(r"\D")
_DAY_WORD = re.compile(r"\d{1,2}(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"\d{4}")
_AMOUNT_WORD = re.compile(rf"({_NUM})\s?(\w+)")
_MULT_TAIL = re.compile(r"(k|m|bn)$", re.IGNORECASE)
_NUM_RE = re.compile(_NUM)
_HANDLE = re.compile(r"\w{1,30}")
_NUMERIC = "|".join(
    f"(?P<{name}>{rx})"
    for name, rx in (
        (
            "price",
            rf"[$€£¥₹]\s?(?:{_NUM})(?:\s?(?:k|m|bn)\b)?"
            rf"|(?:{_NUM})\s?(?:usd|eur|gbp|cad|aud|dollars?|euros?|pounds)\b",
        ),
        ("percent", rf"(?:{_NUM})\s?(?:%|percent\b|per cent\b)"),
        (
            "date",
            r"\d{4}-\d{1,2}-\d{1,2}(?!\w)|\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\w/])"
            rf"|\d{{1,2}}{_ORD}\s(?:of\s)?{_MONTH}(?:,?\s\d{{4}})?(?!\w)",
        ),
        (
            "time",
            r"\d{1,2}(?::[0-5]\d)?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
            r"|(?:[01]?\d|2[0-3]):[0-5]\d(?![\w:])",
        ),
        ("number", rf"(?:{_NUM})(?:k\b)?"),
    )
)
# Every word a word-date can start with, found by one automaton pass over the skeleton
# (whole words only); the date regex then runs anchored at each, not over the whole text.
_MONTH_WORDS = (
    *("jan", "january", "feb", "february", "mar", "march", "apr", "april", "may"),
    *("jun", "june", "jul", "july", "aug", "august", "sep", "sept", "sepember", "september"),
    *("oct", "october", "nov", "november", "dec", "december"),
)
_WEEKDAY_WORDS = [
    d + end
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for end in ("", "day", "s", "r", "rs", "nesday", "sday", "urday")
]
_DATE_WORDS = ahocorasick.Automaton()
for _word in (
    *_MONTH_WORDS,
    *_WEEKDAY_WORDS,
    *("today", "tonight", "tomorrow", "yesterday", "noon", "midnight"),
):
    _DATE_WORDS.add_word(f" {_word} ", len(_word))
_DATE_WORDS.make_automaton()
_WORD_DATE = (
    rf"\b{_MONTH}\s\d{{1,2}}{_ORD}(?:,?\s\d{{4}})?(?!\w)"
    rf"|\b{_WEEKDAY}\b|\b(?:today|tonight|tomorrow|yesterday)\b"
    r"|\b(?:january|february|march|april|june|july|august|september|october"
    r"|november|december)\b|(?P<time>\b(?:noon|midnight)\b)"
)


@functools.cache
def _scans() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """The Slack, number-start, numeric and word-date scans, compiled once on first use:
    about 2 ms a process start need not pay when no facts are extracted (`review "hi"`)."""
    return (
        re.compile(_SLACK),
        re.compile(_NUMBER_START),
        re.compile(_NUMERIC, re.IGNORECASE),
        re.compile(_WORD_DATE, re.IGNORECASE),
    )


_PRIORITY = {"slack": 0, "url": 1, "at": 2, "hashtag": 3, "word": 4, "numeric": 5}
_TRAILING = ".,;:!?'\"*"


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets off the end of a URL."""
    while url:
        last = url[-1]
        if (
            last in _TRAILING
            or (last == ")" and url.count("(") < url.count(")"))
            or (last == "]" and url.count("[") < url.count("]"))
        ):
            url = url[:-1]
        else:
            break
    return url


def _url_value(url: str) -> str:
    url = _URL_PREFIX.sub("", url, count=1)
    host, sep, rest = url.partition("/")
    return (host.lower() + sep + rest).rstrip("/")


def _num_value(raw: str) -> str:
    if raw.isdigit() and raw.isascii():
        return str(int(raw))  # the common case, without Decimal
    from decimal import Decimal, InvalidOperation  # here: ~1 ms of every start, for a few drafts

    raw = raw.replace(",", "").strip()
    mult = 1
    if raw[-1:].lower() == "k":
        raw, mult = raw[:-1], 1000
    try:
        d = Decimal(raw) * mult
    except InvalidOperation:
        return raw
    return format(d.normalize(), "f")


def _time_value(raw: str) -> str:
    low = raw.lower().replace(".", "").replace(" ", "")
    if low == "noon":
        return "12:00"
    if low == "midnight":
        return "00:00"
    suffix = low[-2:] if low.endswith(("am", "pm")) else ""
    core = low[: -len(suffix)] if suffix else low
    hours, _, minutes = core.partition(":")
    h = int(hours)
    if suffix == "pm" and h < 12:
        h += 12
    if suffix == "am" and h == 12:
        h = 0
    return f"{h:02d}:{minutes or '00'}"


def _date_value(raw: str) -> str:
    low = raw.lower().replace(",", " ").replace(".", " ")
    words = low.split()
    if not words:
        return low
    if "/" in low or _ISO_DATE.fullmatch(low.strip()):
        parts = _DATE_SEP.split(low.strip())
        return "/".join(str(int(p)) for p in parts)
    first = words[0]
    if first in _DAYS or (first.endswith("day") and first[:3] in _DAYS):
        return _DAYS.get(first, first)
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    day = next((int(_NON_DIGITS.sub("", w)) for w in words if _DAY_WORD.match(w)), None)
    year = next((w for w in words if _YEAR.fullmatch(w)), None)
    if month is None:
        return low.strip()
    return "-".join(str(x) for x in (year, month, day) if x is not None)


def _price_value(raw: str) -> str:
    sign = raw[0]
    if sign in _CURRENCY_SIGNS:
        cur, amount = _CURRENCY_SIGNS[sign], raw[1:].strip()
    else:
        m = _AMOUNT_WORD.match(raw)
        amount, cur = m.group(1), _CURRENCY_WORDS.get(m.group(2).lower(), m.group(2).upper())
    mult = {"k": 1000, "m": 1_000_000, "bn": 1_000_000_000}
    tail = _MULT_TAIL.search(amount)
    factor = 1
    if tail:
        factor = mult[tail.group(1).lower()]
        amount = amount[: tail.start()].strip()
    value = _num_value(amount)
    if factor != 1:
        from decimal import Decimal

        value = format((Decimal(value) * factor).normalize(), "f")
    return f"{cur} {value}"


def _fact(kind: str, raw: str, start: int) -> Fact | None:
    end = start + len(raw)
    if kind == "number":  # the commonest, first
        return _make("number", _num_value(raw), start, end, raw)
    if kind == "slack_link":
        target = raw[1:-1].split("|", 1)[0]
        return _make("url", _url_value(target), start, end, raw)
    if kind == "url":
        url = _trim_url(raw)
        if len(url) < 5:
            return None
        return _make("url", _url_value(url), start, start + len(url), url)
    if kind == "slack_user":
        return _make("mention", raw[2:-1].split("|", 1)[0].lower(), start, end, raw)
    if kind == "slack_channel":
        return _make("channel", raw[2:-1].split("|", 1)[0].lower(), start, end, raw)
    if kind == "slack_special":
        return _make("special", raw[2:-1].split("|", 1)[0].lower(), start, end, raw)
    if kind == "mention":
        return _make("mention", raw[1:].lower(), start, end, raw)
    if kind in ("email", "hashtag"):
        return _make(kind, raw.lower(), start, end, raw)
    if kind == "price":
        return _make("price", _price_value(raw), start, end, raw)
    if kind == "percent":
        return _make("percent", _num_value(_NUM_RE.match(raw).group()) + "%", start, end, raw)
    if kind == "date":
        return _make("date", _date_value(raw), start, end, raw)
    return _make("time", _time_value(raw), start, end, raw)  # the last kind


def _candidates(text: str) -> list[tuple[int, int, str, str]]:
    """(start, priority, kind, raw) for every possible fact; each scan only if triggered."""
    slack, number_start, numeric, word_date = _scans()
    found = []
    add = found.append
    if "<" in text:
        for m in slack.finditer(text):
            add((m.start(), 0, m.lastgroup, m.group()))
    if "://" in text or "www." in text or "WWW." in text:
        for m in _URL_RE.finditer(text):
            if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "@"):
                add((m.start(), 1, "url", m.group()))
    if "@" in text:
        for m in _AT.finditer(text):
            at = m.start()
            begin = at
            while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "_.+-"):
                begin -= 1  # the local part of an email, scanned back by hand (linear)
            if begin < at and "." in m.group():
                email = text[begin : m.end()].rstrip(".-")
                add((begin, 2, "email", email))
            elif at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_.@"):
                add((at, 2, "mention", "@" + _HANDLE.match(m.group(), 1).group()))
    if "#" in text:
        for m in _HASHTAG_RE.finditer(text):
            s = m.start()
            if s == 0 or not (text[s - 1].isalnum() or text[s - 1] in "_&/#"):
                add((s, 3, "hashtag", m.group()))
    last = -1
    for end, size in _DATE_WORDS.iter(" " + skeleton(text) + " "):
        s = end - size - 1
        if s < last:
            continue
        m = word_date.match(text, s)
        if m is not None:
            last = m.end()
            add((s, 4, "time" if m.lastgroup == "time" else "date", m.group()))
    last = -1
    for m in number_start.finditer(text):
        s = m.start()
        if s < last:
            continue
        raw = _plain_number(text, s)
        if raw is not None:  # most numbers: no need to try the whole alternation
            last = s + len(raw)
            add((s, 5, "number", raw))
            continue
        n = numeric.match(text, s)
        if n is not None:
            last = n.end()
            add((s, 5, n.lastgroup, n.group()))
    return found


# What one space and a word after a number can make of it ("5 usd", "5 euros", "5 pounds",
# "5 percent", "5 per cent", "5 of March", "5 March", "5 pm", "5 a.m."): the words' first
# two letters.
# fmt: off
_UNIT_STARTS = frozenset((
    "us", "eu", "gb", "ca", "au", "do", "po", "pe", "of", "ja", "fe", "ma", "ap", "ju", "se",
    "oc", "no", "de", "am", "pm", "a.", "p.",
))
# fmt: on


def _plain_number(text: str, start: int) -> str | None:
    """The number at `start` when _NUMERIC could only match its "number" branch there, else
    None (then the whole alternation decides). Its other branches all go on from the digits
    with a letter, "%", "-", "/" or ":", or with one space and then "%" or a word of
    _UNIT_STARTS; anything not ASCII (which IGNORECASE may fold to a letter) is left to it."""
    m = _NUM_RE.match(text, start)
    if m is None:  # a currency sign: a price, maybe
        return None
    end = m.end()
    if end < len(text):
        after = text[end]
        if not after.isascii() or after.isalpha() or after in "%-/:":
            return None
        if after.isspace():
            word = text[end + 1 : end + 3]
            if not word.isascii() or word[:1] == "%" or word.lower() in _UNIT_STARTS:
                return None
    return m.group()


def facts(text: str) -> list[Fact]:
    """Every fact in `text`, in order, with offsets into `text` as given."""
    out: list[Fact] = []
    last_end = -1
    # (start, priority) is unique per candidate, so plain tuple order is (start, priority).
    found = _candidates(text)
    found.sort()
    for start, _prio, kind, raw in found:
        if start < last_end:
            continue
        fact = _fact(kind, raw, start)
        if fact is not None:
            out.append(fact)
            last_end = fact.end if kind != "url" else start + len(raw)
    return out


def stated_numbers(found: list[Fact]) -> set[str]:
    """Every numeric value a text states, whatever it is attached to."""
    values = set()
    for f in found:
        if f.kind == "number":
            values.add(f.value)
        elif f.kind == "price":
            values.add(f.value.split(" ", 1)[1])
        elif f.kind == "percent":
            values.add(f.value[:-1])
    return values
