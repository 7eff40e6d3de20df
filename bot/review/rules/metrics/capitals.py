"""ALL-CAPS words: which are shouting (ordinary words in capitals) and which are acronyms
or names, and how the rewrite calms a run of them. The `caps_words` metric and its
rewrite edit both read these lists, so what the check flags is what the rewrite calms.
"""

from __future__ import annotations

import re

from bot.review.rules.metrics.sentences import at_sentence_start

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


# ---- calming a run (the rewrite's edit) ---------------------------------------------------

# Names that keep their capital when calmed: weekdays and months, and their abbreviations
# that are not also words ("SAT", "SUN", "MAR" stay lower case). "MAY" only beside a number.
_PROPER = frozenset(
    word
    for line in (
        "MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY",
        "MON TUE TUES WED THU THUR THURS FRI",
        "JANUARY FEBRUARY MARCH APRIL JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER",
        "JAN FEB APR JUN JUL AUG SEP SEPT OCT NOV DEC",
    )
    for word in line.split()
)
_BESIDE_NUMBER = re.compile(r"\d[ \t]*\Z")
_NUMBER_NEXT = re.compile(r"[ \t]*\d")
_INTRODUCED = re.compile(r"(?<!\w)(?:meet|introducing|say hello to)[ \t]+\Z", re.IGNORECASE)
_SPACES = re.compile(r"(\s+)")


def calm(text: str, s: int, e: int, long=None) -> str:
    """The ALL-CAPS run text[s:e] calmed, predictably:

    - acronyms (ACRONYMS) stay as they are;
    - a name introduced ("Meet ZOOM MINI", "Introducing", "Say hello to"), or a run the
      draft also writes in Title Case elsewhere (not at a sentence start), is a product
      name: each word gets Title Case ("Zoom Mini");
    - weekday and month names get their capital ("FRIDAY" -> "Friday"; "MAY" only beside a
      number, "3 MAY": else it is the verb);
    - every other word goes lower case, the first one capitalised at a sentence start.
    Only the case changes, so a date or time the run touches ("3 MARCH") keeps its value.
    """
    words = text[s:e]
    before = text[max(0, s - 20) : s].lower()
    introduced = ("meet" in before or "introducing" in before or "hello to" in before) and (
        _INTRODUCED.search(text, max(0, s - 20), s) is not None
    )
    first = at_sentence_start(text, s)
    named = (
        introduced
        or _titled_elsewhere(text, words, long)
        or (not first and _looks_like_a_name(words))
    )
    out = []
    pos = s
    alone = _SPACES.search(words) is None
    for word in _SPACES.split(words):
        if word.isspace() or not word or word.upper() in ACRONYMS or _acronym(word):
            out.append(word)
        elif alone and _beside_a_name(text, s, e):
            out.append(word[:1] + word[1:].lower())  # "UPS STORE" -> "UPS Store": a name
        elif named or first or _proper(text, word, pos, pos + len(word)):
            out.append(word[:1] + word[1:].lower())
        else:
            out.append(word.lower())
        if word and not word.isspace():
            first = False
        pos += len(word)
    return "".join(out)


_ANY_VOWELS = frozenset("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")
_ONSETS = ("STR", "SCR", "SPR", "SPL", "THR", "CHR", "SCH", "SHR", "PHR", "SCHL")
# fmt: off
_SHORT_WORDS = frozenset((
    "A", "I", "AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT",
    "ME", "MY", "NO", "OF", "OH", "OK", "ON", "OR", "SO", "TO", "UP", "US", "WE", "YA", "YO",
    "ACT", "ADD", "AGO", "ALL", "AND", "ANY", "ARE", "ASK", "BAD", "BIG", "BUY", "CAN", "DAY",
    "DID", "EAT", "END", "FAN", "FEW", "FOR", "FUN", "GET", "GOT", "HAS", "HER", "HEY", "HIM",
    "HIS", "HOT", "HOW", "ITS", "JOY", "LET", "LOL", "LOT", "LOW", "MAN", "MAY", "NEW", "NOT",
    "NOW", "OFF", "OLD", "OMG", "ONE", "OUR", "OUT", "OWN", "PAY", "PUT", "RUN", "SAY", "SEE",
    "SET", "SHE", "TOP", "TRY", "TWO", "USE", "WAY", "WHO", "WHY", "WIN", "WON", "WOW", "YES",
    "YET", "YOU", "BUT", "HAD", "WAS", "THE", "TOO", "GOD", "AGE", "ART", "BOX", "CAR", "CUT",
    "EYE", "FAR", "FIT", "GAS", "GUY", "HIT", "ICE", "JOB", "KEY", "KID", "LAW", "LEG", "LIE",
    "MEN", "MIX", "NET", "ODD", "OIL", "PET", "RED", "SEA", "SIT", "SKY", "SON", "SUN", "TAX",
    "TEA", "TEN", "TIP", "VIA", "WAR", "WET", "ZIP", "EGG", "DOG", "CAT", "BED", "BAG", "ILL",
))
# fmt: on


# Words people shout: a run with one of them (or a short common word) is shouting, not a name.
# fmt: off
_SHOUTED = frozenset((
    "FREE", "NEW", "SALE", "HUGE", "BIG", "BEST", "NOW", "TODAY", "TONIGHT", "LIMITED",
    "OFFER", "OFFERS", "DEAL", "DEALS", "EXCLUSIVE", "AMAZING", "BONUS", "HURRY", "LAST",
    "CHANCE", "ONLY", "WIN", "WINNER", "WINNERS", "URGENT", "SHIPPING", "OFF", "SAVE",
    "GIFT", "PRIZE", "CLAIM", "CALL", "TEXT", "REPLY", "STOP", "BUY", "SHOP", "ORDER",
    "LIVE", "LAUNCHING", "LAUNCH", "GAME", "CHANGER", "NEWS", "ALERT", "WOW", "LOVE",
    "THANK", "THANKS", "PLEASE", "SUBSCRIBE", "FOLLOW", "LIKE", "SHARE", "CLICK", "HERE",
    "JOIN", "BOOK", "GET", "GRAB", "DON'T", "MISS", "OUT", "ENDS", "FINAL", "HOURS",
    "DAYS", "LEFT", "STOCK", "GUARANTEED", "CASH", "MONEY", "WINNING", "CONGRATULATIONS",
    "IMPORTANT", "ATTENTION", "REMINDER", "INCREDIBLE", "INSANE", "EPIC", "REALLY", "VERY",
    "SO", "MUST", "NEED", "WANT", "YOUR", "YOU", "WE", "OUR", "ALL", "EVERYTHING", "EVERY",
))
# fmt: on


def _looks_like_a_name(words: str) -> bool:
    """Whether an ALL-CAPS run of two or three words, mid-sentence, is a name ("said
    AARADHY SINGH"): none of its words is a short common word or one people shout. A name
    calmed to Title Case still reads as a name; a name lower-cased is broken."""
    parts = [w.strip(".,!?:;'’\"") for w in words.split()]
    if not 2 <= len(parts) <= 3:
        return False
    return not any(p in _SHORT_WORDS or p in _SHOUTED or len(p) < 2 for p in parts)


def _acronym(word: str) -> bool:
    """Whether an ALL-CAPS word reads as an acronym, not a shouted word: no vowel ("KPMG",
    "HMV"), a run of consonants no English word starts with ("MMMU", "CRTC"), or three
    letters or fewer that are not a common word ("UPS", "VLM")."""
    letters = word if word.isalpha() else "".join(filter(str.isalpha, word))
    if len(letters) < 2 or not letters.isupper():
        return False
    if _ANY_VOWELS.isdisjoint(letters):
        return True
    head = letters[:3]
    if len(letters) > 3 and _ANY_VOWELS.isdisjoint(head) and not letters.startswith(_ONSETS):
        return True
    return len(letters) <= 3 and letters not in _SHORT_WORDS


_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w'’]*)[ \t]+\Z")


def _beside_a_name(text: str, s: int, e: int) -> bool:
    """Whether a single ALL-CAPS word stands next to a capitalised word that is part of a
    name with it ("UPS Store", "DFB Pokal", "Madison WIND"), not a sentence start."""
    m = _NEXT_WORD.match(text, e)
    if m is not None and (is_title(m.group(1)) or _acronym(m.group(1))):
        return True
    m = _PREV_WORD.search(text, max(0, s - 40), s)
    if m is None:
        return False
    return _acronym(m.group(1)) or (is_title(m.group(1)) and not at_sentence_start(text, m.start()))


def is_title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _proper(text: str, word: str, s: int, e: int) -> bool:
    """Whether an ALL-CAPS word is a weekday or month name (see calm)."""
    if word in _PROPER:
        return True
    if word != "MAY":
        return False
    return bool(_BESIDE_NUMBER.search(text, max(0, s - 3), s) or _NUMBER_NEXT.match(text, e))


def _titled_elsewhere(text: str, words: str, long=None) -> bool:
    """Whether the draft writes this run in Title Case ("Zoom Mini", one space between
    words) somewhere not at a sentence start."""
    title = " ".join(w[:1] + w[1:].lower() for w in words.split())
    if long is not None and title in long.titled:
        return long.titled[title]  # the same run again: the answer can't have changed
    find = text.find if long is None else long.finder(title)
    i = find(title)
    found = False
    while i >= 0:
        j = i + len(title)
        before = text[i - 1] if i else " "
        after = text[j] if j < len(text) else " "
        if (
            not (before.isalnum() or before in "_@#")
            and not (after.isalnum() or after in "_'’")
            and not at_sentence_start(text, i)
        ):
            found = True
            break
        i = find(title, j)
    if long is not None:
        long.titled[title] = found
    return found
