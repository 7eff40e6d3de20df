"""The plain words and phrases the measures count (we/you, thanks, invitations, owning a
mistake, offers of help, congratulations), and how their hits are counted.

They are matched by the playbook's own phrase matcher (one trie scan for rules and
measures alike, compiled.py), so they cost no extra pass over the draft.
"""

from __future__ import annotations

from bot.review.rules.metrics.measures import Measures

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


def count_words(found, text: str, ms: Measures) -> None:
    """Count the measures' words among the phrase matcher's hits `found` ((start, end,
    (owning rules, category)) each, category None for a rule's phrase only) into `ms`."""
    we = ms.we
    you = invites = helps = congrats = 0
    owns = thanks = None
    canned = False
    for s, e, (_owned, category) in found:
        if category is None:
            continue
        if category == "we":
            if text[s:e] != "US":  # the country
                we.append((s, e))
        elif category == "you":
            you += 1
        elif category == "order-yours":
            you -= 1  # "grab yours": its "yours" was counted as speaking to the reader
        elif category == "thanks":
            thanks = thanks or []
            thanks.append((s, e))
        elif category == "canned-thanks":
            canned = True
        elif category == "invite":
            invites += 1
        elif category == "help":
            helps += 1
        elif category == "congrats":
            congrats += 1
        elif category == "own":
            owns = owns or []
            owns.append((s, e))
    ms.you = you
    ms.invites = invites
    ms.help = helps
    ms.congrats = congrats
    if thanks and not canned:
        ms.thanks = len(thanks)
        ms.thanks_at = min(s for s, _ in thanks)
    if owns or (thanks and canned):
        # Owning and thanking words count unless a longer phrase starts at the same
        # place: "sorry" inside "sorry if" is not owning it, "thanks" inside "thanks for
        # your patience" thanks no one.
        longest: dict[int, int] = {}
        for s, e, _ in found:
            if e > longest.get(s, -1):
                longest[s] = e
        if owns:
            ms.owns = sum(1 for s, e in owns if longest[s] == e)
        if thanks and canned:
            kept = [s for s, e in thanks if longest[s] == e]
            ms.thanks = len(kept)
            if kept:
                ms.thanks_at = min(kept)
