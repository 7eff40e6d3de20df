"""Reading the customer's comment a reply answers, and what the reply gives back.

Deterministic, no AI: a reply is judged against what the person wrote. The comment is
read once as a complaint, a question, praise, thanks, abuse or other, with the things it
names ("order", "flight", "update") and whether it says they already did what support
usually asks for ("I did", "DM sent"). The reply is read for what it gives the person:
an apology, an action taken, a question back, words taken from the comment, or only stock
lines and a move to another channel. Signatures (`^AB`, `-Sam`, `/AY`, `*TMT`, `Kind
regards, Sam`) are found here too, so no finding ever quotes one as the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.review.rules.deferred import DeferredPattern

KINDS = ("complaint", "question", "praise", "thanks", "abuse", "other")
# The module's regexes compile on first use (deferred.py): a post's review reads no
# comment and most drafts have no sign-off to look for.


# ---- signatures --------------------------------------------------------------------------

# An agent's sign-off at the end of a reply, before any trailing links or "1/2" markers:
# "^JK", "^Madison", "-Becky", "- Matt", "— Ana", "/CH", "*TMT", "*RayButler",
# "Kind regards, Sam", "Thanks-Sha" (only "-Sha" is the signature there).
_TAIL = r"(?:\s*(?:\.{2,}|…)\s*\d/\d|\s+(?:https?://\S+|www\.\S+|\(?\d/\d\)?))*\s*$"
_SIGNATURE = DeferredPattern(
    r"(?:(?<=\s)|(?<=^)|(?<=[.!?,)\w]))"
    r"(?:\^[A-Za-z]{1,12}"
    r"|(?:(?<![\w-])|(?<=thanks)|(?<=thank you))[-–—~]{1,2}\s?[A-Z][A-Za-z.’']*"
    r"(?:\s[A-Z][A-Za-z.’']*)?"
    r"|(?<!\w)/[A-Z]{1,3}"
    r"|(?<!\w)\*[A-Z][A-Za-z]{0,15}"
    r"|(?<!\w)(?:kind regards|best regards|warm regards|regards|best wishes|cheers|sincerely"
    r"|warmly|all the best|best(?=,))[,.]?\s*[-–—]?\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)"
    r"\.?" + _TAIL,
    re.IGNORECASE,
)


# Where a sign-off can start: its mark, or a valediction's first word.
_SIGN_START = DeferredPattern(
    r"(?=[\^*/~\-–—kbwrcsa])"  # what the branches open with: spares them most positions
    r"(?:[\^*/~\-–—]|\b(?:kind|best|warm|regards|cheers|sincerely|warmly|all the best)\b)",
    re.I,
)


def signature_start(text: str) -> int:
    """Where the reply's sign-off (and any trailing links after it) starts; len(text) if none.

    Only the places a sign-off can start are tried (not every position of the tail)."""
    for start in _SIGN_START.finditer(text, max(0, len(text) - 160)):
        m = _SIGNATURE.match(text, start.start())
        if m is None:
            continue
        sig = [w for w in _LINK.sub(" ", m.group()).split() if any(c.isalpha() for c in w)]
        # A sign-off ends on a name ("- it works", "the best, really" are sentences);
        # "^mg" is an agent's initials whatever their case.
        if sig and (sig[0].startswith("^") or sig[-1].lstrip("-–—~/*")[:1].isupper()):
            return m.start()
    return len(text)


# ---- words -------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Grammar and the small words every reply has: never "something for the person".
GRAMMAR = _words(
    """a an the and or but so if then than to of in on at for with from by as into onto
    about over under up out off down again also too just only very really quite still even
    i me my mine myself we us our ours ourselves you your yours yourself u ur ya y'all yall
    he him his she her it its they them their this that these those there here
    is are was were be been being am do does did doing done have has had having
    will would can could should may might must shall wo ca 'll 've 're 'd 's 'm n't not no nor
    yes yep yeah ok okay oh hi hello hey dear please pls plz kindly thanks thank thx ty
    what which who whom whose how when where why any anything anyone anybody some something
    someone somebody all every everything each more most much many other another such own
    same now today soon right well sure let lets let's get got getting go going make made
    know see look take give way thing things bit lot one already actually maybe via"""
)

# Words too generic to count as "what the comment names".
_GENERIC = _words(
    """help helps helped helping assist assistance support service services customer
    customers issue issues problem problems question questions info information guys
    team thing things anyone someone lol tho though like love great good bad"""
)

_WORD = DeferredPattern(r"[a-z0-9]+(?:'[a-z]+)?")
_HANDLE = DeferredPattern(r"[.]?@\w+")
_EMAIL = DeferredPattern(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LINK = DeferredPattern(r"(?:https?://|www\.)\S+?(?=[.,!?;:)]*(?:\s|$))")
_CONTRACTION = DeferredPattern(r"'(?:ll|ve|re|d|s|m|t)$")


def _plain(text: str) -> str:
    """The text with entities, links, email addresses and @handles blanked, straight
    apostrophes: as long as `text`, so offsets hold."""
    if "&" in text:
        text = _ENTITY.sub(_blank, text)
    if "://" in text or "www." in text:
        text = _LINK.sub(_blank, text)
    if "@" in text:
        text = _EMAIL.sub(_blank, text)
        text = _HANDLE.sub(_blank, text)
    return text.replace("’", "'").replace("‘", "'")


_ENTITY = DeferredPattern(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def _clean(text: str) -> str:
    return _plain(text).lower()


def _blank(m: re.Match) -> str:
    return " " * len(m.group())


_SENTENCE_START = DeferredPattern(r"(?:^|[.!?:;]\s*|\n\s*)$")


def stem(word: str) -> str:
    """A crude stem, enough to match "charged" with "charges" and "phones" with "phone"."""
    word = _CONTRACTION.sub("", word)
    if word.endswith("n't"):
        word = word[:-3]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning: not grammar, handles or links."""
    plain = _plain(text)
    return _content(plain, _lower(plain), None)[0]


def _lower(plain: str) -> str:
    low = plain.lower()
    if len(low) != len(plain):  # a rare character lower-cases to two: keep offsets 1:1
        low = "".join(c.lower()[0] for c in plain)
    return low


def _content(
    plain: str, low: str, drop: re.Pattern | None
) -> tuple[list[str], list[tuple[str, int]]]:
    """(every content word, (word, offset) of the content words outside a span `drop`
    matches (stock lines, channel switches) that are not names): one pass. A name is a
    capitalised word inside a sentence ("Hi Jason", "part of Delta"): it is not yet
    something said to the person. `plain` is _plain(text), `low` its lower case."""
    kept = low if drop is None else drop.sub(_blank, low)
    every: list[str] = []
    own: list[tuple[str, int]] = []
    for m in _WORD.finditer(low):
        w = m.group()
        if w in GRAMMAR or len(w) < 2 or (w.isdigit() and len(w) < 3):
            continue
        if "'" in w:
            base = _CONTRACTION.sub("", w)
            if base in GRAMMAR or base.endswith("n't") or not base:
                continue
        every.append(w)
        at = m.start()
        if kept[at] == " ":
            continue  # inside a stock line or a channel switch
        before = plain[max(0, at - 3) : at]
        if plain[at].isupper() and before.strip() and not _SENTENCE_START.search(before):
            continue  # a name
        own.append((w, at))
    return every, own


def phrase_regex(phrases) -> re.Pattern | None:
    """One regex matching any of `phrases` on word boundaries in cleaned (lower-case) text."""
    forms = sorted({" ".join(_clean(p).split()) for p in phrases if p and p.strip()}, key=len)
    if not forms:
        return None
    alts = "|".join(re.escape(f).replace(r"\ ", r"[\s-]*") for f in reversed(forms))
    return re.compile(rf"(?<![\w'])(?:{alts})(?![\w'])")


# ---- the comment -------------------------------------------------------------------------

_ABUSE = DeferredPattern(
    r"\b(?:f+u+c*k+ (?:you|u|off)|screw (?:you|u)|go to hell|idiots?|morons?|imbeciles?"
    r"|clowns|scum|muppets|you(?:'re| are) (?:a |an |all )?(?:joke|idiots?|morons?|pathetic"
    r"|clowns|useless|liars?|thieves|crooks|scammers))\b"
)
_NOT = r"(?<!\bnot )(?<!\bno )(?<!n't )(?<!\bnever )"
_COMPLAINT = DeferredPattern(
    r"\b(?:ridiculous|broken|broke|unacceptable|angry|furious|hate|waste[ds]?|refund|scam"
    r"|bug(?:gy|s|fest)?|crash\w*|lost|lose|losing|ate my|charged|charging me|overcharged"
    r"|charged? (?:me|us|twice|again)"
    r"|still (?:has no|have no|not|no|waiting|haven't|hasn't|have not|has not|getting"
    r"|receiving|the same)"
    r"|never (?:again|arrived|came|showed|turned up|got|received|heard|answered|replied"
    r"|responded|works?|worked|delivered|fixed|sent|refunded|called|helped|offered)"
    r"|(?:doesn't|does not|didn't|did not|won't|can't|cant|cannot|isn't|not|wasn't|weren't)"
    r" (?:work|working|load|open|arrive|arrived|help|fix|happy|good enough|impressed|connect"
    r"|order|download|ready|say|get|find|access|log|sign|receive|received)"
    r"|(?<!\bback )(?<!\bcome )(?<!\bvisit )(?<!\border )(?<!\bbuy )(?<!\bsee you )"
    r"(?<!\bover )(?<!\bworking )(?<!\bworks )again"
    r"|keeps? (?:crashing|failing|freezing|timing out|dropping|logging|going down|breaking"
    r"|stopping|disconnecting|cutting out|buffering|declining)"
    r"|outages?|(?:is|are|was|been|went|goes|going) down|costing me|cost me|on hold"
    r"|(?:hours|days|weeks|months) (?:later|waiting|on hold)|waiting (?:for )?(?:hours|days|weeks)"
    r"|damaged|faulty|defective|dirty|leak\w*|stuck|frozen|declined|overdue|not received"
    r"|wrong (?:order|item|size|address)|rubbish|garbage|pathetic|shocking|disgrace\w*"
    r"|appalling|unreliable|shambles|nightmare|sort (?:it|this) out"
    r"|(?:second|third|fourth|\d+(?:st|nd|rd|th)) (?:\w+ )?(?:time|outage|call|email|attempt)"
    r"|no one|nobody|ignored|fed up|ugh|third time|second time|wtf|seriously|missing|hacked"
    r"|compromised|stolen|theft|runaround|excuse|incorrect|trouble|error|glitch|mess|bs|crap"
    r"|cancel\w*|stop it|suffocating|unhelpful|arrogant|crazy|unbelievable|not cool|bullshit"
    r"|fuck\w*|shit\w*|tf|rufkm|haven'?t (?:heard|received|got)|not getting|don'?t recommend"
    r"|dont (?:work|download|load)|no (?:info|results|answer|reply"
    r"|response|email|way|real)|sucks?|" + _NOT + r"(?:terrible|awful|worst|horrible|useless"
    r"|disappoint\w*|annoy\w*|frustrat\w*|rude|fail\w*|wrong|poor|bad|joke|complain\w*|unhappy"
    r"|slow|late|delay\w*))\b"
)
# A complaint that is more than a problem to solve: a "can you help?" about an error is a
# question; the same with "ridiculous", "again" or "!!" is a complaint.
_STRONG = DeferredPattern(
    r"!!|\b(?:ridiculous|unacceptable|angry|furious|hate|scam|worst|terrible|awful|horrible"
    r"|useless|rubbish|garbage|pathetic|shocking|disgrace\w*|appalling|nightmare|joke|rude"
    r"|disappoint\w*|frustrat\w*|fed up|third|second|again|never|nobody|no one|ignored|wtf"
    r"|fuck\w*|shit\w*|bs|seriously|crazy|unbelievable|sucks?|still|poor|bad|lost|stolen|hacked"
    r"|charged|refund\w*|cancel\w*|outages?|damaged|faulty|missing|late|delay\w*|waiting|hours"
    r"|days|weeks|months)\b"
)
_PRAISE = DeferredPattern(
    r"\b(?:love[ds]?|loving|great|awesome|amazing|brilliant|fantastic|excellent|helpful|nice"
    r"|best|perfect|wonderful|beautiful|kudos|well done|congrat\w*|shout ?out|favou?rite"
    r"|respect|rock|mvp|tradition|delicious|fun|capable|surpassed|legend|heroes?|superb"
    r"|impressed|glad|happy|excited|recommend)\b"
)
_THANKS = DeferredPattern(r"\b(?:thank(?:s| you)|thx|ty|appreciate\w*|grateful|cheers)\b")
_QUESTION_START = DeferredPattern(
    r"^\W*(?:hi|hey|hello)?\W*(?:who|what|when|where|why|how|which|is|are|can|could|will"
    r"|would|do|does|did|should|any (?:help|word|update|news|idea)|need|i (?:need|would like|'d"
    r" like|want) to (?:know|contact|speak|talk))\b"
)
_RESOLVED = DeferredPattern(r"\b(?:resolv\w*|fixed|sorted|helped|working again|works now)\b")
# They say they already did what support usually asks: sent the DM, the details, tried it.
_DONE = DeferredPattern(
    r"\b(?:dm(?:'?e?d)? (?:you|u|sent)|dm sent|sent (?:you |u )?(?:a |the |my )?(?:dm|pm|message"
    r"|details|email|info)|(?:messaged|emailed|dm'?e?d) (?:you|u)\b|already (?:sent|did|have|done"
    r"|dm|messaged|emailed|contacted|called|tried))"
)
_DONE_SHORT = DeferredPattern(r"\b(?:i did|i have|did that|done that|done)\b")


@dataclass(frozen=True, slots=True)
class Comment:
    """What the customer wrote, as the reply rules need it."""

    kind: str  # one of KINDS
    names: tuple[str, ...]  # the things it names, in order ("order", "flight", "update")
    stems: frozenset[str]  # the same, stemmed, to compare with a reply's words
    done: bool  # says they already sent the DM / details, or tried what is usually asked


@lru_cache(maxsize=256)
def read_comment(text: str) -> Comment:
    """Read the comment a reply answers (cached: a thread's comment is read once)."""
    low = _clean(text)
    words = content_words(text)
    names = tuple(dict.fromkeys(w for w in words if w not in _GENERIC and not w.isdigit()))
    return Comment(_kind(low), names, frozenset(map(stem, names)), _is_done(low, words))


def _kind(low: str) -> str:
    if _ABUSE.search(low):
        return "abuse"
    complaint = _COMPLAINT.search(low) is not None
    thanks = _THANKS.search(low) is not None
    praise = _PRAISE.search(low) is not None
    asks = "?" in low or _QUESTION_START.search(low) is not None
    if thanks and (not complaint or _RESOLVED.search(low)):
        return "praise" if praise and not low.lstrip(" .,!").startswith("thank") else "thanks"
    if complaint and (not asks or _STRONG.search(low)):
        return "complaint"
    if asks:
        return "question"
    if praise:
        return "praise"
    return "other"


def _is_done(low: str, words: list[str]) -> bool:
    if "?" in low:
        return False
    return _DONE.search(low) is not None or (not words and _DONE_SHORT.search(low) is not None)


# ---- the reply -----------------------------------------------------------------------------

# An action taken or promised by the person replying ("I've chased it", "we've turned it
# off", "we'll refer this", "just sent you a DM"), not a hope or an offer ("we'd like to").
_ACTION = DeferredPattern(
    r"\b(?:(?:i|we)(?:'ve| have)(?: just| already| now)?|(?:i|we)(?:'ll| will)(?: now)?"
    r"|just|i|we)\s+(?!be\b|get back\b|been\b|like\b|love\b|hope\b|appreciate\b|always\b"
    r"|want\b|understand\b|apologi[sz]e\b|would\b)"
    r"(?:sent|responded|replied|passed|let|fixed|refunded|credited|chased|turned|escalated|looped"
    r"|forwarded|shared|reset|updated|added|raised|logged|checked|made|reached|called|spoken"
    r"|flagged|reported|got|received|found|replying|responding|looking|checking|working"
    r"|moved|changed|booked|rebooked|cancell?ed|canceled|sorted|arranged|issued|processed|opened"
    r"|removed|restored|unlocked|waived|applied|requested|asked|emailed|messaged|dm'?e?d"
    r"|refer|check|look|send|pass|chase|fix|refund|credit|call|follow|reply"
    r"|respond|escalate|share|update|investigate|raise)\b"
)


# Asking the person for something ("DM us your order number", "could you send...",
# "I'll need your account email"); "please read our FAQ" asks for nothing.
_REQUEST = DeferredPattern(
    r"\b(?:could you|can you|would you|will you|dm (?:us|me)|send (?:us|me|over)"
    r"|(?:share|provide) (?:us|me|your|the|a|an|any|more|some|with)"
    r"|tell (?:us|me)|let (?:us|me) know|reply with|include|confirm|give (?:us|me)"
    r"|message (?:us|me)|drop (?:us|me)|(?:i|we)(?:'ll| will| would|'d) need"
    r"|need (?:your|some|more|additional|a photo|a screenshot|the))\b"
)


@dataclass(frozen=True, slots=True)
class Reply:
    """What a reply gives the person, against the comment it answers."""

    body_end: int  # where the signature starts (len(text) when unsigned)
    content: tuple[str, ...]  # words left once stock lines and channel switches are set aside
    channel: tuple[int, int] | None  # the first move to another channel (DM, link, form)
    takes_from_comment: bool  # uses a word the comment named
    acts: bool  # reports or promises an action
    asks_back: bool  # a question back (not a stock "how can we help?")
    asks_for: bool  # asks the person for something in particular ("DM us your order number")


def read_reply(
    text: str, comment: Comment, stock: re.Pattern | None, channels: re.Pattern | None
) -> Reply:
    """Read a reply for what it gives (`stock`, `channels`: the playbook's phrase regexes)."""
    end = signature_start(text)
    body = text[:end]
    plain = _plain(body)
    low = _lower(plain)
    drop = _either(stock, channels)
    every, own = _content(plain, low, drop)
    content = tuple(w for w, _ in own)
    channel = None
    if channels is not None:
        m = channels.search(normalised_for_match(text, end))
        channel = m.span() if m else None
    if channel is None:  # a link or an email address is a move elsewhere too
        m = _LINK.search(body) or _EMAIL.search(body)
        channel = m.span() if m else None
    stems = {stem(w) for w in every}
    asks_back = "?" in low and bool(content)
    return Reply(
        end,
        content,
        channel,
        len(stems & comment.stems) >= 2,
        _ACTION.search(low) is not None,
        asks_back,
        _asks_for(low, [at for _, at in own]),
    )


_SENTENCE_GAP = DeferredPattern(r"(?<=[.!?])\s+|\n+")


def _asks_for(low: str, own_at: list[int]) -> bool:
    """Whether one sentence asks the person for something and names what ("Please DM us a
    photo of the error", not "Please contact us for further help"). `low`: the reply body
    as _content read it; `own_at`: where its own words start."""
    if not own_at or _REQUEST.search(low) is None:
        return False
    start = 0
    for gap in (*_SENTENCE_GAP.finditer(low), None):
        stop = gap.start() if gap is not None else len(low)
        if _REQUEST.search(low[start:stop]) and any(start <= at < stop for at in own_at):
            return True
        if gap is not None:
            start = gap.end()
    return False


_EITHER: dict[tuple[int, int], tuple] = {}


def _either(first: re.Pattern | None, second: re.Pattern | None) -> re.Pattern | None:
    """One regex matching what either pattern matches (built once per pair; keyed by
    identity, since a pattern hashes its whole source)."""
    key = (id(first), id(second))
    got = _EITHER.get(key)
    if got is None or got[0] is not first or got[1] is not second:
        src = "|".join(p.pattern for p in (first, second) if p is not None)
        if len(_EITHER) > 64:  # playbooks reloaded many times: start afresh
            _EITHER.clear()
        got = _EITHER[key] = (first, second, re.compile(src) if src else None)
    return got[2]


def normalised_for_match(text: str, end: int) -> str:
    """`text[:end]` lower-cased, straight quotes, as long as the draft (offsets hold)."""
    return text[:end].lower().replace("’", "'").replace("‘", "'")
