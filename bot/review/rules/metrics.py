"""The built-in measures of a draft, taken in ONE pass, and the metric checks on them.

One combined regex tokenises only what the measures need (links, hashtags, "!", "?",
emoji, ALL-CAPS words, we/you words, thanks, invitations, owning a mistake, offers of
help, and capitalised names when a playbook asks for them); every rule's thresholds are
then checked against that one result, so adding rules never adds passes over the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

from bot.review.rules.comment import Comment, Reply, phrase_regex, read_comment, read_reply
from bot.review.rules.sentence_words import NOT_NAMES

_EMOJI_CHAR = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55"
    "\u231a\u231b\u23e9-\u23fa\u203c\u2049\u3030\u303d\u3297\u3299"
)
_EMOJI_MOD = "[\ufe0f\U0001f3fb-\U0001f3ff]*"  # variation selector, skin tones
_EMOJI = f"[{_EMOJI_CHAR}]{_EMOJI_MOD}(?:\u200d[{_EMOJI_CHAR}]{_EMOJI_MOD})*"

LINK = r"<https?://[^>\s]*>|https?://[^\s<>]+|www\.[^\s<>]+"
_LINK = re.compile(LINK)
_HTTP = re.compile(r"https?://[^\s<>]+")
_WWW = re.compile(r"www\.[^\s<>]+")
_SLACK_LINK = re.compile(r"<https?://[^>\s]*>")
_BANGS = re.compile(r"!+")
_HASHTAG = re.compile(r"#\w*[^\W\d_]\w*")
_EMOJI_RE = re.compile(_EMOJI)
_HIGH = re.compile("[\u203c-\U0010ffff]")  # every emoji character is in this range
# Slack sends emoji as shortcodes (":fire:", ":+1:", ":skin-tone-2:"); they count as emoji.
# (Written to start with ":" so the regex engine jumps from colon to colon.)
SHORTCODE = re.compile(r":(?<!\w:)(?=[a-z0-9_+-]*[a-z])[a-z0-9][a-z0-9_+-]*:(?!\w)")
_SHORTCODE_OR_EMOJI = re.compile(f"{SHORTCODE.pattern}|{_EMOJI}")
# The first [A-Z] is consumed before the look-behind so the regex engine can skip ahead
# to capitals quickly.
# An ALL-CAPS word, hyphenated ones whole ("GAME-CHANGER", not "GAME" and "CHANGER").
_CAPS = re.compile(
    r"[A-Z](?<![\w@#$&'’-][A-Z])[A-Z'’]*[A-Z](?:-[A-Z][A-Z'’]*[A-Z])*(?![\w'’]|-[A-Z])"
)
_NAME = re.compile(r"[A-Z](?<![\w@#$&'’][A-Z])[a-z]+(?:['’][a-z]+)?(?!\w)")
# Found from its "@" (a literal the regex engine jumps to), not tried at every position.
_EMAIL = re.compile(r"@(?<=[\w.+-]@)[\w-]+\.[\w.-]+")
# Capitals, as bytes: an ALL-CAPS word needs two in a row (or one and an apostrophe).
_CAPITALS = bytes(
    ord("U") if 65 <= c <= 90 else ord("Q") if c in (39, 63) else 32 for c in range(256)
)

# Plain words and phrases the measures count. They are matched by the playbook's own
# phrase matcher (one trie scan for rules and measures alike), so they cost no extra pass.
LEXICON: dict[str, tuple[str, ...]] = {
    "we": ("we", "our", "ours", "ourselves", "us"),
    "you": ("you", "your", "yours", "yourself", "yourselves", "ya", "u", "ur"),
    # An order to buy is not speaking to the reader: each takes its "yours" back.
    "order-yours": (
        "get yours",
        "grab yours",
        "order yours",
        "buy yours",
        "claim yours",
        "book yours",
        "reserve yours",
        "snag yours",
        "secure yours",
        "pre-order yours",
        "preorder yours",
    ),
    "thanks": (
        "thank",
        "thanks",
        "thank you",
        "thx",
        "ty",
        "appreciate",
        "appreciated",
        "appreciates",
        "appreciation",
        "grateful",
        "kudos",
        "shout out",
        "shoutout",
    ),
    # Canned lines that start like thanks but thank no one for anything they gave: a
    # "thanks" inside one (a longer phrase at the same start) is not counted.
    "canned-thanks": (
        "thanks for your patience",
        "thank you for your patience",
        "thanks for your understanding",
        "thank you for your understanding",
        "thanks for your continued patience",
        "thank you for your continued patience",
    ),
    "invite": (
        "let us know",
        "let me know",
        "tell us",
        "tell me",
        "what do you think",
        "what would you",
        "what's your",
        "what is your",
        "how do you",
        "how would you",
        "which one",
        "which do you",
        "which would you",
        "share your",
        "we'd love to hear",
        "we would love to hear",
        "i'd love to hear",
        "love to hear from",
        "love to hear what",
        "love to hear how",
        "reply with",
        "reply below",
        "drop us a",
        "drop me a",
        "send us your",
        "come say hi",
        "your thoughts",
        "hit reply",
        "we want to hear",
    ),
    "own": (
        "sorry",  # a plain "Sorry, that's a long wait." owns it; "sorry if" below does not
        "you're right",
        "you are right",
        "fair point",
        "that's on us",
        "that is on us",
        "that's on me",
        "our fault",
        "my fault",
        "our mistake",
        "my mistake",
        "our bad",
        "we messed up",
        "i messed up",
        "we got this wrong",
        "we got that wrong",
        "we got it wrong",
        "we dropped the ball",
        "we made a mistake",
        "i made a mistake",
        "we were wrong",
        "i was wrong",
        "we should have",
        "i should have",
        "we should've",
        "that shouldn't have happened",
        "this shouldn't have happened",
        "that should not have happened",
        "not okay",
        "not ok",
        "i'm sorry",
        "im sorry",
        "i am sorry",
        "we're sorry",
        "we are sorry",
        "so sorry",
        "really sorry",
        "truly sorry",
        "very sorry",
        "sorry that",
        "sorry this",
        "sorry we",
        "sorry i",
        "sorry about",
        "sorry for the",
        "sorry for losing",
        "sorry for missing",
        "sorry for our",
        "sorry for my",
        "apologize for the",
        "apologise for the",
        "apologize for losing",
        "apologise for losing",
        "is ours",
        "we're fixing",
        "we are fixing",
        "we've fixed",
        "we have fixed",
        "that's on our side",
        "my apologies",
        "our apologies",
        "sincere apologies",
        "sincerest apologies",
        "apologies for the",
        "apologies for all",
    ),
    # Congratulating someone is already talking with them (like thanks, it needs no question).
    "congrats": (
        "congrats",
        "congratulations",
        "congratulation",
        "congratulate",
        "congratulates",
        "congratulated",
        "congratulating",
        "well done",
        "great job",
        "great work",
        "good job",
        "good work",
        "good luck",
        # A spotlight on a customer, partner or colleague is about their success.
        "spotlight",
        "spotlighting",
        "hats off",
    ),
    # Longer non-apologies win over the "sorry" above at the same place: not owning.
    "not-own": (
        "i'm sorry if",
        "i'm sorry you feel",
        "we're sorry if",
        "we're sorry you feel",
        "so sorry if",
        "sorry if",
        "sorry you feel",
        "sorry for any",
        "we are sorry if",
        "we are sorry you feel",
        "sorry you feel that way",
        "sorry for any inconvenience",
        "sorry to hear you feel",
        "we're sorry to hear you feel",
        "we are sorry to hear you feel",
    ),
    "help": (
        "dm us",
        "dm me",
        "message us",
        "message me",
        "reach out",
        "contact us",
        "contact support",
        "contact me",
        "get in touch",
        "email us",
        "email me",
        "call us",
        "call me",
        "support team",
        "help center",
        "help centre",
        "we're here to help",
        "we are here to help",
        "i'm here to help",
        "happy to help",
        "we can help",
        "i can help",
        "let us help",
        "let me help",
    ),
}


class Measures:
    """What one pass over a draft found: spans (start, end) per kind, and counts."""

    __slots__ = (
        "bangs",
        "caps",
        "congrats",
        "emoji",
        "hashtags",
        "help",
        "invites",
        "links",
        "names",
        "owns",
        "questions",
        "thanks",
        "thanks_at",
        "we",
        "words",
        "you",
    )

    def __init__(self) -> None:
        self.we: list[tuple[int, int]] = []
        self.you = self.invites = self.thanks = self.owns = self.help = self.congrats = 0
        self.thanks_at = 1 << 62  # where the first thanks word starts
        self.names: dict[str, int] = {}
        self.words = -1  # whitespace-separated words, up to WORDS_CAP; -1 until counted

    def word_count(self, text: str) -> int:
        """How many words `text` has, counted once and only up to WORDS_CAP."""
        if self.words < 0:
            self.words = len(text.split(None, WORDS_CAP))
        return self.words


WORDS_CAP = 64  # the metrics and strengths only ask "fewer than 12?" and "at most 50?"


def link_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the links in `text` (as LINK finds them), each regex starting from a literal."""
    if "://" not in text and "www." not in text:
        return []
    found = []
    for m in _HTTP.finditer(text):
        s = m.start()
        slack = _SLACK_LINK.match(text, s - 1) if s and text[s - 1] == "<" else None
        found.append(slack.span() if slack is not None else m.span())
    if "www." in text:
        found += [m.span() for m in _WWW.finditer(text)]
        found.sort()
    spans: list[tuple[int, int]] = []
    for s, e in found:
        if not spans or s >= spans[-1][1]:
            spans.append((s, e))
    return spans


def bang_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of "!" in `text`."""
    return [m.span() for m in _BANGS.finditer(text)] if "!" in text else []


def name_counts(text: str, more_than: int = 0) -> dict[str, int]:
    """How often each capitalised word that may be a name occurs (sentence words left out),
    for the words said more than `more_than` times: only those can break a `name_repeats`
    limit, and most drafts repeat no word that often, so most counts are never made."""
    found = _NAME.findall(text)
    if len(found) - len(set(found)) < more_than:  # too few repeats for any word to pass
        return {}
    counts: dict[str, int] = {}
    for word in found:
        counts[word] = counts.get(word, 0) + 1
    return {w: n for w, n in counts.items() if n > more_than and w not in NOT_NAMES}


def measure(
    text: str, ms: Measures, needs: frozenset[str] = frozenset(), names_over: int = 0
) -> Measures:
    """The character-level measures; each scan is skipped when its trigger is absent.

    `needs` names the optional measures a playbook's metrics read ("bangs", "names"); the
    strengths take "!" runs on demand. `names_over`: only names said more often than this
    are counted (the lowest `name_repeats` max of the playbook).
    """
    ms.questions = text.count("?")
    ms.bangs = bang_spans(text) if "bangs" in needs else None
    caps = text.encode("ascii", "replace").translate(_CAPITALS)  # "?" stands for "’"
    ms.caps = [m.span() for m in _CAPS.finditer(text)] if b"UU" in caps or b"UQ" in caps else []
    ms.links = link_spans(text)
    if ms.questions and ms.links:  # "?season=spring" in a link asks nothing
        ms.questions -= sum(text.count("?", s, e) for s, e in ms.links)
    ms.hashtags = (
        [
            m.span()
            for m in _HASHTAG.finditer(text)
            if m.start() == 0
            or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_&/#")
        ]
        if "#" in text
        else []
    )
    # Every emoji character is at or above U+203C: most non-ASCII drafts (curly quotes,
    # dashes, accents) skip the scan.
    if ":" in text and SHORTCODE.search(text):
        ms.emoji = _spans(_SHORTCODE_OR_EMOJI, text)
    else:
        ms.emoji = [] if text.isascii() or not _HIGH.search(text) else _spans(_EMOJI_RE, text)
    if "@" in text and _EMAIL.search(text):
        ms.help += 1
    if "names" in needs:
        ms.names = name_counts(text, names_over)
    return ms


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


# `[.!?…]+["')\]]*\s+|\n+`, written to start with one character class so the regex
# engine skips ahead to candidates instead of trying both branches at every position.
_SENTENCE_END = re.compile(r"[.!?…\n](?:(?<=\n)\n*|(?<=[.!?…])[.!?…]*[\"')\]]*\s+)")


def last_sentence(text: str) -> tuple[int, int]:
    """Span of the draft's last sentence (non-empty when the text is), for absence findings."""
    end = len(text.rstrip())
    if end == 0:
        return 0, 0
    start = 0
    # Look in the last few hundred characters first; a sentence end found there is the
    # last one (a run cut by the window still ends where it ends). Else scan it all.
    for lo in (max(0, end - 300), 0) if end > 300 else (0,):
        for m in _SENTENCE_END.finditer(text, lo, end):
            if m.end() < end:
                start = m.end()
        if start:
            break
    while start < end and text[start].isspace():
        start += 1
    return start, end


class SentencesBefore:
    """last_sentence(text[:limit]) for many limits of one text, each in log time: the
    sentence ends are found once. (A match of _SENTENCE_END that ends before `limit` is
    the same whether the text is cut there or not, and one cut by it can't end before
    it.) Walking back sentence by sentence through a long draft stays linear."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def last(self, limit: int) -> tuple[int, int]:
        text = self.text
        end = limit
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end == 0:
            return 0, 0
        i = bisect_left(self.ends, end)
        start = self.ends[i - 1] if i else 0
        while start < end and text[start].isspace():
            start += 1
        return start, end


def whole_stripped(text: str) -> tuple[int, int]:
    """Span of the text without its surrounding whitespace."""
    stripped = text.strip()
    if not stripped:
        return 0, 0
    start = len(text) - len(text.lstrip())
    return start, start + len(stripped)


def comment_is_complaint(comment: str) -> bool:
    """Whether the comment being answered is negative: a complaint or a problem report."""
    return read_comment(comment).kind in ("complaint", "abuse")


# ---- metric parameters (validated by the playbook loader) --------------------------------

METRIC_PARAMS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "exclamation_run": {"min": int},
    "exclamations": {"max": int},
    "caps_words": {"min_length": int, "max": int, "allow": list},
    "hashtags": {"max": int, "per_platform": dict},
    "emoji": {"max": int, "per_platform": dict, "bullets": bool},
    "links": {"max": int},
    "we_you_balance": {"min_we": int, "ratio": (int, float)},
    "question": {"min_words": int},
    "length": {},
    "reply_thanks": {"accept": list, "warm": list, "channels": list, "stock": list},
    "reply_acknowledges": {"accept": list, "channels": list, "stock": list},
    "name_repeats": {"max": int},
    "reply_deflects": {"channels": list, "stock": list},
    "reply_canned": {"channels": list, "stock": list},
    "reply_asks_again": {"channels": list},
}
METRIC_DEFAULTS: dict[str, dict] = {
    "exclamation_run": {"min": 2},
    "exclamations": {"max": 3},
    "caps_words": {"min_length": 3, "max": 0, "allow": []},
    "hashtags": {"max": None, "per_platform": {}},
    "emoji": {"max": 3, "per_platform": {}, "bullets": True},
    "links": {"max": 2},
    "we_you_balance": {"min_we": 3, "ratio": 3.0},
    "question": {"min_words": 12},
    "name_repeats": {"max": 2},
}

# Acronyms that are not shouting, on top of a rule's own `allow` list.
ACRONYMS = frozenset(
    [
        "AI",
        "API",
        "ASAP",
        "ATM",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "DIY",
        "DM",
        "DMS",
        "EU",
        "FAQ",
        "FAQS",
        "FYI",
        "GIF",
        "HR",
        "ID",
        "IT",
        "IOS",
        "KPI",
        "LGBTQ",
        "NASA",
        "NBA",
        "NFL",
        "NGO",
        "NHS",
        "OK",
        "PC",
        "PDF",
        "PR",
        "Q&A",
        "QA",
        "RSVP",
        "SEO",
        "SMS",
        "TV",
        "UK",
        "UN",
        "UNESCO",
        "US",
        "USA",
        "USB",
        "UX",
        "UI",
        "VIP",
        "WHO",
        "AM",
        "PM",
        "EST",
        "PST",
        "GMT",
        "UTC",
        "CSV",
        "HTML",
        "CSS",
        "SQL",
        "URL",
        "USD",
        "EUR",
        "GBP",
    ]
)


# ---- the checks: one function per metric, all reading the same Measures -------------------


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join spans separated only by whitespace, so "FLASH SALE" or "#a #b #c" is one quote."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and (s == out[-1][1] or text[out[-1][1] : s].isspace()):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class Context:
    """What the checks need besides the measures: the draft, platform and reply state."""

    __slots__ = ("_replies", "comment", "platform", "text")

    def __init__(self, text: str, platform, comment: str | None):
        self.text = text
        self.platform = platform
        self.comment = comment
        self._replies: dict | None = None

    @property
    def read(self) -> Comment:
        """The comment being answered, read once (comment.read_comment is cached)."""
        return read_comment(self.comment)

    def reply(self, p: dict) -> Reply:
        """The draft read as a reply, with the rule's stock and channel phrases (once per set)."""
        stock, channels = p.get("_stock"), p.get("_channels")
        key = (id(stock), id(channels))  # a pattern hashes its whole source: ids are cheap
        if self._replies is None:
            self._replies = {}
        got = self._replies.get(key)
        if got is None:
            got = self._replies[key] = read_reply(self.text, self.read, stock, channels)
        return got


Hit = tuple[int, int, str]  # start, end, detail ("" when the rule's own words say it all)


def _exclamation_run(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    least = p["min"]
    return [(s, e, "") for s, e in ms.bangs if e - s >= least]


def _exclamations(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    total = 0
    for s, e in ms.bangs:
        total += e - s
        if total > p["max"]:
            n = sum(b - a for a, b in ms.bangs)
            return [(s, e, f"{n} exclamation marks")]
    return []


def _caps_words(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Each run of ALL-CAPS words (one space or tab apart; acronyms break it) that holds a
    shouting word past the first `max`, quoted whole: "HUGE SALE", not "SALE", so the
    quote is the very words the rewrite calms. Words shorter than `min_length` ("SO") join
    a run but never count as shouting on their own."""
    if not ms.caps:
        return []
    text = ctx.text
    allow = p["_allow"]
    least = p["min_length"]
    most = p["max"]
    hits: list[Hit] = []
    seen = 0  # shouting words so far: the first `most` of them are let be
    run_s = run_e = -1
    flagged = False
    for s, e in ms.caps:
        word = text[s:e]
        # An acronym or a name breaks the run (the rewrite leaves it as it is): None.
        acronym = word in ACRONYMS or word.replace("’", "'") in allow or not ordinary_caps(word)
        shouts = None if acronym else e - s >= least
        if shouts is not None and run_e >= 0 and _RUN_GAP.fullmatch(text, run_e, s):
            run_e = e  # "HUGE" + "SALE", "WE'RE" + "HIRING": one run, quoted whole
        else:
            if flagged:
                hits.append((run_s, run_e, ""))
            run_s, run_e, flagged = (s, e, False) if shouts is not None else (-1, -1, False)
        if shouts:
            seen += 1
            flagged = flagged or seen > most
    if flagged:
        hits.append((run_s, run_e, ""))
    return hits


_RUN_GAP = re.compile(r"[ \t]+")  # what may stand between two words of one ALL-CAPS run

# Shouting is ordinary words in capitals ("HUGE SALE"), not acronyms and names in capitals
# (KPMG, UPS, NASA, CLIP, VRAM, a "NEXT-GEN" certificate). A word of five letters or more
# with a vowel is taken as ordinary; a shorter one only when it is a common word people
# shout, since most short all-capital words are acronyms.
SHORT_ORDINARY = frozenset(
    [
        "A", "I", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME",
        "MY", "NO", "OF", "OK", "ON", "OR", "SO", "TO", "UP", "US", "WE", "ACT", "ADD", "AGE",
        "AGO", "AIR", "ALL", "AND", "ANY", "ARE", "ART", "ASK", "ATE", "BAD", "BAG", "BED",
        "BET", "BIG", "BIT", "BOX", "BOY", "BUS", "BUT", "BUY", "CAN", "CAR", "CUP", "CUT",
        "DAY", "DID", "DOG", "DRY", "DUE", "EAT", "EGG", "END", "EYE", "FAN", "FAR", "FEW",
        "FIT", "FIX", "FLY", "FOR", "FUN", "GET", "GOD", "GOT", "GUY", "HAD", "HAS", "HAT",
        "HER", "HEY", "HIM", "HIS", "HIT", "HOT", "HOW", "ITS", "JOB", "JOY", "KEY", "KID",
        "LAW", "LET", "LIE", "LOT", "LOW", "MAN", "MAP", "MAX", "MEN", "MIX", "NEW", "NOR",
        "NOT", "NOW", "NUT", "ODD", "OFF", "OIL", "OLD", "ONE", "OUR", "OUT", "OWN", "PAY",
        "PEN", "PET", "PIE", "PUT", "RAN", "RED", "RUN", "SAD", "SAT", "SAW", "SAY", "SEA",
        "SEE", "SET", "SHE", "SIT", "SIX", "SKY", "SON", "SUN", "TAX", "TEA", "TEN", "THE",
        "TIE", "TOO", "TOP", "TOY", "TRY", "TWO", "USE", "WAR", "WAS", "WAY", "WET", "WHO",
        "WHY", "WIN", "WON", "WOW", "YES", "YET", "YOU", "ZERO", "ALSO", "AREA", "ARMY", "AWAY",
        "BABY", "BACK", "BALL", "BAND", "BANK", "BASE", "BEAT", "BEEN", "BEER", "BELL", "BEST",
        "BIKE", "BILL", "BIRD", "BLUE", "BOAT", "BODY", "BOLD", "BONE", "BOOK", "BOOM", "BORN",
        "BOSS", "BOTH", "BUSY", "CAKE", "CALL", "CALM", "CAME", "CAMP", "CARD", "CARE", "CASE",
        "CASH", "CITY", "CLUB", "COLD", "COME", "COOK", "COOL", "COPY", "CORE", "COST", "CREW",
        "DARK", "DATA", "DATE", "DEAD", "DEAL", "DEAR", "DEEP", "DESK", "DIET", "DOES", "DONE",
        "DONT", "DOOR", "DOWN", "DRAW", "DROP", "DRUG", "EACH", "EARN", "EAST", "EASY", "EDGE",
        "ELSE", "EPIC", "EVEN", "EVER", "EXIT", "FACE", "FACT", "FAIL", "FAIR", "FALL", "FARM",
        "FAST", "FEAR", "FEED", "FEEL", "FEET", "FELL", "FELT", "FILE", "FILL", "FILM", "FIND",
        "FINE", "FIRE", "FIRM", "FISH", "FIVE", "FLAT", "FLOW", "FOOD", "FOOT", "FORM", "FOUR",
        "FREE", "FROM", "FULL", "FUND", "GAME", "GAVE", "GEAR", "GIFT", "GIRL", "GIVE", "GLAD",
        "GOAL", "GOES", "GOLD", "GONE", "GOOD", "GROW", "HAIR", "HALF", "HALL", "HAND", "HANG",
        "HARD", "HATE", "HAVE", "HEAD", "HEAR", "HEAT", "HELD", "HELL", "HELP", "HERE", "HERO",
        "HIGH", "HILL", "HIRE", "HOLD", "HOLE", "HOME", "HOPE", "HOST", "HOUR", "HUGE", "HUNT",
        "HURT", "IDEA", "INTO", "IRON", "ITEM", "JOIN", "JUMP", "JUNE", "JULY", "JUST", "KEEP",
        "KEPT", "KICK", "KIND", "KING", "KNEW", "KNOW", "LACK", "LADY", "LAID", "LAKE", "LAND",
        "LANE", "LAST", "LATE", "LEAD", "LEFT", "LESS", "LIFE", "LIFT", "LIKE", "LINE", "LINK",
        "LIST", "LIVE", "LOAN", "LOCK", "LONG", "LOOK", "LORD", "LOSE", "LOSS", "LOST", "LOTS",
        "LOUD", "LOVE", "LUCK", "MADE", "MAIL", "MAIN", "MAKE", "MALE", "MANY", "MARK", "MASS",
        "MEAL", "MEAN", "MEAT", "MEET", "MEGA", "MENU", "MILD", "MILE", "MILK", "MIND", "MINE",
        "MISS", "MODE", "MOOD", "MOON", "MORE", "MOST", "MOVE", "MUCH", "MUST", "NAME", "NEAR",
        "NECK", "NEED", "NEWS", "NEXT", "NICE", "NINE", "NONE", "NOSE", "NOTE", "OKAY", "ONCE",
        "ONLY", "ONTO", "OPEN", "OVER", "PACE", "PACK", "PAGE", "PAID", "PAIN", "PAIR", "PARK",
        "PART", "PASS", "PAST", "PATH", "PEAK", "PICK", "PINK", "PLAN", "PLAY", "PLUS", "POLL",
        "POOL", "POOR", "PORT", "POST", "PULL", "PURE", "PUSH", "RACE", "RAIN", "RARE", "RATE",
        "READ", "REAL", "RELY", "REST", "RICH", "RIDE", "RING", "RISE", "RISK", "ROAD", "ROCK",
        "ROLE", "ROOF", "ROOM", "ROOT", "ROSE", "RULE", "RUSH", "SAFE", "SAID", "SAKE", "SALE",
        "SALT", "SAME", "SAND", "SAVE", "SEAT", "SEED", "SEEK", "SEEM", "SEEN", "SELF", "SELL",
        "SEND", "SENT", "SHIP", "SHOE", "SHOP", "SHOT", "SHOW", "SHUT", "SICK", "SIDE", "SIGN",
        "SING", "SITE", "SIZE", "SKIN", "SLOW", "SNOW", "SOFT", "SOIL", "SOLD", "SOME", "SONG",
        "SOON", "SORT", "SOUL", "SPOT", "STAR", "STAY", "STEP", "STOP", "SUCH", "SUIT", "SURE",
        "TAKE", "TALE", "TALK", "TALL", "TANK", "TAPE", "TASK", "TEAM", "TECH", "TELL", "TERM",
        "TEST", "TEXT", "THAN", "THAT", "THEM", "THEN", "THEY", "THIN", "THIS", "THUS", "TIME",
        "TINY", "TOLD", "TONE", "TOOK", "TOOL", "TOUR", "TOWN", "TREE", "TRIP", "TRUE", "TUNE",
        "TURN", "TYPE", "UNIT", "UPON", "USED", "USER", "VAST", "VERY", "VIEW", "VOTE", "WAIT",
        "WAKE", "WALK", "WALL", "WANT", "WARM", "WASH", "WAVE", "WEAR", "WEEK", "WELL", "WENT",
        "WERE", "WEST", "WHAT", "WHEN", "WHOM", "WIDE", "WIFE", "WILD", "WILL", "WIND", "WINE",
        "WING", "WISE", "WISH", "WITH", "WOOD", "WORD", "WORE", "WORK", "YARD", "YEAH", "YEAR",
        "YOUR", "ZONE", "CAN'T", "DON'T", "WON'T", "I'M", "WE'RE", "YOU'RE", "IT'S", "LET'S",
        "ISN'T", "MAY", "ZOOM", "MINI", "GLOW", "LAMP", "SOUP", "COAT", "BEAN", "LOOP", "FAME",
        "DUTY", "SEXY", "HOLY", "DAMN", "SUPER",
    ]
)  # fmt: skip
_VOWELS = frozenset("AEIOUY")


def ordinary_caps(word: str) -> bool:
    """Whether an ALL-CAPS word is an ordinary word shouted, not an acronym or a name."""
    word = word.replace("’", "'")
    if "-" in word:
        return all(ordinary_caps(part) for part in word.split("-"))
    letters = word.replace("'", "")
    if len(letters) <= 4:
        return word in SHORT_ORDINARY
    return not _VOWELS.isdisjoint(letters)


def _limit(p: dict, ctx: Context, default: int) -> int:
    """A metric's `max` for this platform: `per_platform` first, then `max`, then `default`."""
    per = p.get("per_platform") or {}
    got = per.get(ctx.platform.id)
    if got is None:
        got = p["max"]
    return default if got is None else got


def _hashtags(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    norm = _limit(p, ctx, ctx.platform.hashtag_norm)
    n = len(ms.hashtags)
    if n <= norm:
        return []
    where = ctx.platform.label
    detail = f"{n} hashtags; {norm} is the norm on {where}"
    return [(s, e, detail) for s, e in _merge(_extra_tags(ms.hashtags, norm, ctx.text), ctx.text)]


def _extra_tags(tags: list[tuple[int, int]], norm: int, text: str) -> list[tuple[int, int]]:
    """The tags past the norm, keeping the brand's own: a tag naming something the draft
    also says in its words (#Pixis beside "Pixis") stays before the others, then the first."""
    if norm <= 0:
        return tags
    said = _said_names(text, tags)
    is_said = _said_test(said)
    own = [t for t in tags if is_said(text[t[0] + 1 : t[1]])][:norm]
    keep = set(own)
    for t in tags:
        if len(keep) >= norm:
            break
        keep.add(t)
    return [t for t in tags if t not in keep]


def _said_names(text: str, tags: list[tuple[int, int]]) -> set[str]:
    prose = []
    pos = 0
    for s, e in tags:
        prose.append(text[pos:s])
        pos = e
    prose.append(text[pos:])
    # A common short word opening a sentence ("New trainers…") is no name: not "#newin".
    return {
        _plain(w)
        for m in _NAME_WORD.finditer(" ".join(prose))
        if (w := m.group()).isupper() or w.upper() not in SHORT_ORDINARY
    }


def _plain(word: str) -> str:
    """Lower case without accents or marks: "Estée" -> "estee", to compare with a tag."""
    low = word.lower()
    if low.isascii():
        return low
    return "".join(c for c in unicodedata.normalize("NFKD", low) if c.isalnum())


_NAME_WORD = re.compile(r"(?<![\w@#])[A-Z][\w’'&-]{2,}")


def _said_test(said: set[str]):
    """_tag_is_said(tag, said) as a function of the tag, each call in time of the tag's
    length (a loop over every name per tag was quadratic in a long draft): a name starts
    the tag when one of the tag's first letters is a name; the tag starts a name when it
    is one of the names' beginnings."""
    names = {name for name in said if len(name) >= 3}
    starts = {name[:k] for name in names for k in range(len(name) + 1)}
    longest = max(map(len, names), default=0)

    def is_said(tag: str) -> bool:
        low = _plain(tag)
        return low in starts or any(low[:k] in names for k in range(3, min(len(low), longest) + 1))

    return is_said


def _tag_is_said(tag: str, said: set[str]) -> bool:
    low = _plain(tag)
    return any(low.startswith(name) or name.startswith(low) for name in said if len(name) >= 3)


def _emoji(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    most = _limit(p, ctx, 3)
    emoji = ms.emoji
    if len(emoji) <= most:
        return []
    if p.get("bullets", True):
        emoji = _not_bullets(emoji, ctx.text)
        if len(emoji) <= most:
            return []
    detail = f"{len(emoji)} emoji"
    return [(s, e, detail) for s, e in _merge(emoji[most:], ctx.text)]


def _not_bullets(emoji: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The emoji that are not list markers. A marker opens a line (✅ Fast setup), or is
    one of three or more of the same emoji each followed by a word (✔️ Instrumental ...
    ✔️ Curious ...): a list written with emoji is still a list, not a row of emoji."""
    starts = [s for s, _ in emoji if _opens_line(text, s)]
    same: dict[str, int] = {}
    for s, e in emoji:
        if _followed_by_word(text, e):
            key = text[s:e].rstrip("\ufe0f")
            same[key] = same.get(key, 0) + 1
    markers = set(starts) if len(starts) >= 2 else set()
    for s, e in emoji:
        key = text[s:e].rstrip("\ufe0f")
        if same.get(key, 0) >= 3 and _followed_by_word(text, e):
            markers.add(s)
    return [(s, e) for s, e in emoji if s not in markers] if markers else emoji


def _opens_line(text: str, s: int) -> bool:
    i = s
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _followed_by_word(text: str, e: int) -> bool:
    i = e
    while i < len(text) and text[i] in " \t\ufe0f":
        i += 1
    return i < len(text) and text[i].isalnum() and i > e


def _links(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    n = len(ms.links)
    return [(s, e, f"{n} links") for s, e in ms.links[p["max"] :]]


def _we_you_balance(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    we = len(ms.we)
    if we >= p["min_we"] and we >= p["ratio"] * ms.you:
        s, e = _most_about_us(ctx.text, ms.we)
        return [(s, e, f"{we} we/our/us, {ms.you} you/your")]
    return []


_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_NEXT_WORD = re.compile(r"[ \t]+[\w'’-]+")


def _most_about_us(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The quote for "all about us": in the sentence saying we/our/us most often (the
    first such), from its first to its last we/our/us and the word after it ("We moved our
    search from Elasticsearch to Postgres and cut our bill"), not a lone "We"."""
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for span in spans:
        if run and _SENTENCE_BREAK.search(text, run[-1][1], span[0]):
            best = run if len(run) > len(best) else best
            run = []
        run.append(span)
    best = run if len(run) > len(best) else best
    s, e = best[0][0], best[-1][1]
    m = _NEXT_WORD.match(text, e)
    return s, m.end() if m else e


def _question(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    # A reply is already a conversation: answering a comment, an @-reply, a draft that
    # opens by thanking someone, or congratulates someone, needs no question to invite one.
    # (A "thanks" signing off an ask, "please subscribe. thanks", still does.)
    if ctx.comment is not None or ms.questions or ms.invites or ms.congrats:
        return []
    opening = _OPENING.match(ctx.text)
    if opening.group(1) or ms.thanks_at <= opening.end() + THANKS_OPENING:
        return []
    least = p["min_words"]
    words = ms.word_count(ctx.text) if least <= WORDS_CAP else len(ctx.text.split())
    if words < least:
        return []
    s, e = last_sentence(ctx.text)
    return [(s, e, "")] if e > s else []


# Leading space and greeting words, then @-names (".@name" makes a tweet reply public).
_OPENING = re.compile(r"\s*(?:(?:hi|hey|hello|dear)\b[\s,]*)?(\.?@\w+[\s,:;.!-]*)*", re.I)
THANKS_OPENING = 12  # a thank-you that opens the draft ("Many thanks", "Thank you")


def _length(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    from bot.review.core.platforms import overflow_start, weighted_length

    cut = overflow_start(ctx.text, ctx.platform)
    if cut is None:
        return []
    text = ctx.text
    while cut > 0 and text[cut - 1].isalnum() and text[cut].isalnum():
        cut -= 1  # quote whole words: from the first word that doesn't fit
    end = len(text.rstrip())
    if end <= cut:
        end = len(text)
    n = weighted_length(text, ctx.platform)
    return [(cut, end, f"{n} characters; {ctx.platform.label} allows {ctx.platform.limit}")]


def _absence(text: str) -> list[Hit]:
    s, e = last_sentence(text)
    if e <= s:
        s, e = whole_stripped(text)
    return [(s, e, "")] if e > s else []


# What a reply to feedback, praise or a complaint may do instead of the words "thank you"
# or "sorry": apologise, act, ask back (mid-troubleshooting), or say one of the rule's
# `accept` phrases ("that doesn't look right"), or, to praise, one of its `warm` ones
# ("glad you enjoyed it").
def _answers_in_kind(p: dict, ms: Measures, ctx: Context) -> bool:
    if ms.owns:
        return True
    said = _lowered(ctx.text)
    for accept in (p.get("_accept"), p.get("_warm") if ctx.read.kind == "praise" else None):
        if accept is not None and accept.search(said):
            return True
    reply = ctx.reply(p)
    # Mid-troubleshooting: a question back, or a request for something in particular
    # ("DM us a photo of the error", "let us know the results").
    if reply.acts or reply.asks_back:
        return True
    return reply.asks_for


def _lowered(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _reply_thanks(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    if ctx.comment is None or ms.thanks or ctx.read.kind not in ("complaint", "praise"):
        return []
    if _answers_in_kind(p, ms, ctx):
        return []
    return _reply_absence(ctx, ctx.reply(p))


def _reply_acknowledges(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    if ctx.comment is None or ms.owns or ctx.read.kind != "complaint":
        return []
    if _answers_in_kind(p, ms, ctx) or ctx.reply(p).takes_from_comment:
        return []
    return _reply_absence(ctx, ctx.reply(p))


def _reply_absence(ctx: Context, reply: Reply) -> list[Hit]:
    """An absence finding in a reply quotes its last sentence with words: never the
    signature, nor the @-names it opens with."""
    hits = _absence(ctx.text[: reply.body_end])
    if hits:
        s, e, _ = hits[0]
        m = _LEADING_HANDLE.match(ctx.text, s, e)
        if m is not None and m.end() < e:
            s = m.end()
        hits = [(s, e, "")]
    return hits


def _gives_nothing(p: dict, ms: Measures, reply: Reply) -> bool:
    """Only stock lines and channel switches: no apology, action, or word of its own."""
    return not (ms.owns or reply.acts or reply.content or reply.takes_from_comment)


def _reply_deflects(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """A move to another channel (DM, a link, a form) and nothing for the person."""
    if ctx.comment is None or ctx.read.kind not in ("complaint", "question"):
        return []
    reply = ctx.reply(p)
    if reply.channel is None or not _gives_nothing(p, ms, reply):
        return []
    return [(*_sentence_around(ctx.text, reply.channel, reply.body_end), "")]


def _sentence_around(text: str, span: tuple[int, int], end: int) -> tuple[int, int]:
    """The sentence of the reply body holding `span` ("Please send us a DM!"), without the
    @-names it opens with; the span itself when it runs past the body. A "." inside a link
    ("example.com") ends no sentence."""
    s, e = span
    if e > end:
        return span
    start = s
    while start > 0 and not _ends_sentence(text, start - 1, end):
        start -= 1
    stop = e
    while stop < end and not _ends_sentence(text, stop, end):
        stop += 1
    stop = min(end, stop + 1) if stop < end and text[stop] != "\n" else stop
    while start < s and text[start].isspace():
        start += 1
    lead = _LEADING_HANDLE.match(text, start, s)
    if lead is not None:
        start = lead.end()
    return start, stop


def _ends_sentence(text: str, i: int, end: int) -> bool:
    ch = text[i]
    return ch == "\n" or (ch in ".!?" and (i + 1 >= end or text[i + 1].isspace()))


def _reply_canned(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Stock lines that could answer anyone, and nothing taken from the comment."""
    if ctx.comment is None or ctx.read.kind not in ("complaint", "question"):
        return []
    reply = ctx.reply(p)
    if reply.channel is not None or not _gives_nothing(p, ms, reply):
        return []
    s, e = whole_stripped(ctx.text[: reply.body_end])
    while s < e and ctx.text[s] in "@.":  # the @-names a reply opens with are not the script
        m = _LEADING_HANDLE.match(ctx.text, s, e)
        if m is None:
            break
        s = m.end()
    return [(s, e, "")] if e > s and any(c.isalpha() for c in ctx.text[s:e]) else []


_LEADING_HANDLE = re.compile(r"(?:\.?@\w+[\s,:]*)+")


def _reply_asks_again(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    """Asking for a DM or details the person says they already sent."""
    if ctx.comment is None or not ctx.read.done:
        return []
    reply = ctx.reply(p)
    if reply.channel is None or reply.acts:
        return []
    return [(*_sentence_around(ctx.text, reply.channel, reply.body_end), "")]


def _name_repeats(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    most = p["max"]
    hits = []
    over = {name for name, n in ms.names.items() if n > most}
    if not over:
        return hits
    # One pass for every name over the limit (a pass per name was quadratic on long drafts).
    seen: dict[str, int] = {}
    at: dict[str, tuple[int, int]] = {}
    for m in _NAME.finditer(ctx.text):
        name = m.group()
        if name in over and name not in at:
            k = seen.get(name, 0)
            if k == most:
                at[name] = m.span()
            seen[name] = k + 1
    for name, n in ms.names.items():
        if n > most:
            hits.append((*at[name], f"“{name}” {n} times"))
    return hits


CHECKS = {
    "exclamation_run": _exclamation_run,
    "exclamations": _exclamations,
    "caps_words": _caps_words,
    "hashtags": _hashtags,
    "emoji": _emoji,
    "links": _links,
    "we_you_balance": _we_you_balance,
    "question": _question,
    "length": _length,
    "reply_thanks": _reply_thanks,
    "reply_acknowledges": _reply_acknowledges,
    "name_repeats": _name_repeats,
    "reply_deflects": _reply_deflects,
    "reply_canned": _reply_canned,
    "reply_asks_again": _reply_asks_again,
}


# The measure a metric needs non-empty before its check can find anything (None: always run).
GATES: dict[str, str | None] = {
    "exclamation_run": "bangs",
    "exclamations": "bangs",
    "caps_words": "caps",
    "hashtags": "hashtags",
    "emoji": "emoji",
    "links": "links",
    "we_you_balance": "we",
    "question": None,
    "length": None,
    "reply_thanks": None,
    "reply_acknowledges": None,
    "name_repeats": "names",
    "reply_deflects": None,
    "reply_canned": None,
    "reply_asks_again": None,
}


def resolve_params(metric: str, given: dict | None) -> dict:
    """A metric's parameters with defaults filled in (and the allow list ready to test)."""
    params = dict(METRIC_DEFAULTS.get(metric, {}))
    params.update(given or {})
    if "per_platform" in params:
        params["per_platform"] = dict(params["per_platform"] or ())
    if metric == "caps_words":
        params["_allow"] = frozenset(str(a).upper().replace("’", "'") for a in params["allow"])
    for name in ("accept", "warm", "stock", "channels"):  # reply phrase lists: one regex each
        if name in params:
            params["_" + name] = phrase_regex(params[name])
    return params
