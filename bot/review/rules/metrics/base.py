"""What every metric module gives (a Metric) and what its check is handed (the Measures of
the draft and a Context), so the engine, the playbook schema, the rewrite and the
compiled-playbook cache read every kind of metric the same way, from the registry
(metrics/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.review.rules.comment import Comment, Reply, read_comment, read_reply
from bot.review.rules.metrics.measures import Measures

Hit = tuple[int, int, str]  # start, end, detail ("" when the rule's own words say it all)
Check = Callable[[dict, Measures, "Context"], list[Hit]]
# An edit of the rewrite: (start, end, replacement, change note, kind, finding or None).
Edit = tuple


@dataclass(frozen=True)
class Metric:
    """One kind of metric, everything about it in its own module:

    - `params`: the parameters a playbook may set, each with the type it must have
      (validated by playbooks/schema.py; listed in playbooks/FORMAT.md, which a test
      checks against this);
    - `defaults`: the value of each parameter a rule leaves out;
    - `check(params, measures, context)`: the hits, (start, end, detail) each;
    - `gate`: the Measures attribute that must be non-empty for the check to find
      anything (None: always run), so most checks cost nothing on most drafts;
    - `prepare(params)`: fills in derived parameters once, when the playbook is compiled
      (a phrase list made one regex);
    - `edit(text, finding, long)`: the rewrite's edit for a finding of a rule with this
      metric, or None (tried in the registry's order; `long` answers questions about the
      rest of a long draft, rewrite._LongDraft);
    - `absence`: it flags something missing (no question, no thanks), so its finding
      quotes the last sentence with words in it, not a signature or a link;
    - `exact_span`: its quote is kept as found, not widened to whole words;
    - `push`: what its findings say of the words they quote, for the fact check
      (fact_check/push.py): "fewer" (stuffing: a rule with it asks to drop words, so the
      small facts inside may go), "never" (a whole draft or something absent: its quote is
      never words to drop), or None (as the rule's swaps say).
    """

    name: str
    check: Check
    params: Mapping[str, type | tuple[type, ...]] = field(default_factory=dict)
    defaults: Mapping[str, object] = field(default_factory=dict)
    gate: str | None = None
    prepare: Callable[[dict], None] | None = None
    edit: Callable[..., Edit | None] | None = None
    absence: bool = False
    exact_span: bool = False
    push: str | None = None


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


def merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join spans separated only by whitespace, so "FLASH SALE" or "#a #b #c" is one quote."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and (s == out[-1][1] or text[out[-1][1] : s].isspace()):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def platform_limit(p: dict, ctx: Context, default: int) -> int:
    """A metric's `max` for this platform: `per_platform` first, then `max`, then `default`."""
    per = p.get("per_platform") or {}
    got = per.get(ctx.platform.id)
    if got is None:
        got = p["max"]
    return default if got is None else got
