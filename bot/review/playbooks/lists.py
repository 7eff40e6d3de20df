"""Long lists out of a rule's way, so a comms lead reads each rule on one screen.

A rule may name a list instead of spelling it out: `phrases: from lists.hard-sell`. The list
itself sits under `lists:` at the end of the same file (one file stays the whole playbook,
as FORMAT.md promises; nothing else to ship, copy or watch for edits). Any of a rule's
phrases, patterns, swap, a metric's word list (`channels: from lists.channels`) or a
context word list can be named this way; a list can serve several rules. Lists are
replaced before the rule is checked, so a loaded playbook is exactly the one with the
lists written inline, and a problem with a list's items is the rule's problem, said with
the list it came from. A list no rule names is a problem too (a leftover or a typo).
"""

from __future__ import annotations

import difflib
import re

from bot.review.playbooks.schema import ID_RE

_REFERENCE = re.compile(r"from lists\.([a-z0-9][a-z0-9-]*)")
_LOOKS_LIKE_REFERENCE = re.compile(r"\s*from\s+lists?\b", re.IGNORECASE)
# Where a rule may name a list: its own fields, and one level down in metrics and context.
_RULE_FIELDS = ("phrases", "patterns", "swap")
_NESTED_FIELDS = ("metrics", "context")


def read_lists(data: dict, where: str) -> tuple[dict[str, object], list[str]]:
    """(the file's `lists:` by name, problems with its shape)."""
    raw = data.get("lists")
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [f"{where}: lists: must be a mapping of list name -> list"]
    found, problems = {}, []
    for name, items in raw.items():
        if not isinstance(name, str) or not ID_RE.match(name):
            problems.append(
                f"{where}: lists: {name!r}: a list's name uses lowercase letters, digits and '-'"
            )
        elif not isinstance(items, (list, dict)):
            problems.append(f"{where}: lists.{name}: must be a list (or, for a swap, a mapping)")
        else:
            found[name] = items
    return found, problems


def resolve_rule(
    rule: dict, lists: dict[str, object], label: str, used: set[str]
) -> tuple[dict, dict[str, str], list[str]]:
    """(the rule with each `from lists.NAME` replaced by that list, {field: list name},
    problems with the references). The rule given is not changed; names found go in `used`."""
    out = dict(rule)
    sources: dict[str, str] = {}
    problems: list[str] = []

    def take(value, field: str):
        if not isinstance(value, str) or not _LOOKS_LIKE_REFERENCE.match(value):
            return value
        m = _REFERENCE.fullmatch(value.strip())
        if m is None:
            problems.append(
                f"{label}: {field}: {value!r} is not a list's name (write 'from lists.NAME')"
            )
            return None
        name = m.group(1)
        if name not in lists:
            problems.append(f"{label}: {field}: {_missing(name, lists)}")
            return None
        used.add(name)
        sources[field] = name
        return lists[name]

    for field in _RULE_FIELDS:
        if field in out:
            out[field] = take(out[field], field)
    for field in _NESTED_FIELDS:
        if isinstance(out.get(field), dict):
            out[field] = {k: _nested(v, f"{field}.{k}", take) for k, v in out[field].items()}
    return out, sources, problems


def _nested(value, field: str, take):
    if isinstance(value, dict):  # a metric's parameters
        return {k: take(v, f"{field}.{k}") for k, v in value.items()}
    return take(value, field)  # a context condition's value


def _missing(name: str, lists: dict) -> str:
    if not lists:
        return f"from lists.{name}: this file has no lists: section"
    close = difflib.get_close_matches(name, list(lists), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"from lists.{name}: no list {name!r} under lists:{hint}"


def with_sources(problems: list[str], label: str, sources: dict[str, str]) -> list[str]:
    """The rule's problems, each about a field that came from a list saying which list."""
    if not sources:
        return problems
    out = []
    for line in problems:
        for field, name in sources.items():
            head = f"{label}: {field}:"
            if line.startswith(head):
                line = f"{label}: {field} (from lists.{name}):{line[len(head) :]}"
                break
        out.append(line)
    return out


def unused(lists: dict[str, object], used: set[str], where: str) -> list[str]:
    """One problem per list no rule of the file names."""
    return [
        f"{where}: lists.{name}: no rule names it (write 'from lists.{name}' in a rule, or "
        "delete the list)"
        for name in lists
        if name not in used
    ]
