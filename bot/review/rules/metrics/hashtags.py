"""`hashtags`: hashtags beyond the platform's norm (or `max`, or `per_platform`), keeping
the brand's own tags first; the rewrite drops the extra tags, or only their "#" when
words follow them on the line."""

from __future__ import annotations

import re
import unicodedata

from bot.review.rules.metrics.base import Context, Edit, Hit, Metric, merge_spans, platform_limit
from bot.review.rules.metrics.capitals import SHORT_ORDINARY
from bot.review.rules.metrics.measures import Measures


def check(p: dict, ms: Measures, ctx: Context) -> list[Hit]:
    norm = platform_limit(p, ctx, ctx.platform.hashtag_norm)
    n = len(ms.hashtags)
    if n <= norm:
        return []
    where = ctx.platform.label
    detail = f"{n} hashtags; {norm} is the norm on {where}"
    extra = _extra_tags(ms.hashtags, norm, ctx.text)
    return [(s, e, detail) for s, e in merge_spans(extra, ctx.text)]


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


_NOT_WORDS = re.compile(r"#\w+|https?://\S+|www\.\S+")
_LETTER = re.compile(r"[^\W\d_]")
_HASH_MARK = re.compile(r"#(\w)")


def edit(text: str, f, long=None) -> Edit | None:
    quote = f.quote
    if not quote.startswith("#"):
        return None
    if long is not None and long.is_long:
        words_follow = long.words_follow(f.end)
    else:
        words_follow = _LETTER.search(_NOT_WORDS.sub("", text[f.end :].split("\n", 1)[0]))
    if words_follow:
        # Hashtags mid-sentence: keep the words, drop the "#".
        plain = _HASH_MARK.sub(r"\1", quote)
        return f.start, f.end, plain, f"“{quote}” → “{plain}”", "hashtags", f
    return f.start, f.end, "", f"removed hashtags {quote.strip()}", "hashtags", f


METRIC = Metric(
    "hashtags",
    check,
    params={"max": int, "per_platform": dict},
    defaults={"max": None, "per_platform": {}},
    gate="hashtags",
    edit=edit,
    push="fewer",
)
