"""Checking a playbook file's raw YAML against FORMAT.md, one readable line per problem.

Every problem names the file, the rule (or principle) and the field, so a comms lead can
fix the YAML without reading Python. All problems are collected, not just the first.
"""

from __future__ import annotations

import re

from bot.review.core.model import SEVERITIES
from bot.review.core.platforms import PLATFORMS
from bot.review.rules.comment import KINDS as COMMENT_KINDS
from bot.review.rules.conditions import CONDITION_PARAMS, PER_PLATFORM_PARAMS
from bot.review.rules.matcher import phrase_form
from bot.review.rules.metrics import METRICS

TOP_KEYS = ("id", "name", "version", "description", "extends", "principles", "rules", "lists")
TOP_REQUIRED = ("id", "name", "version", "description")
PRINCIPLE_KEYS = ("id", "title", "why")
RULE_KEYS = (
    "id",
    "principle",
    "title",
    "why",
    "severity",
    "penalty",
    "suggest",
    "applies_to",
    "phrases",
    "patterns",
    "swap",
    "metrics",
    "examples",
    "disabled",
    "comment",
    "context",
)
RULE_REQUIRED = ("principle", "title", "why", "severity", "suggest")
CHECK_KINDS = ("phrases", "patterns", "swap", "metrics")
APPLIES_TO = ("any", "post", "reply")
EXAMPLE_KEYS = ("text", "in_reply_to", "platform")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

try:  # Python 3.11+
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse


def _is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_top(data: dict, where: str) -> list[str]:
    """Problems with the playbook's own fields (not its rules)."""
    problems = [
        f"{where}: {key}: unknown key (known: {', '.join(TOP_KEYS)})"
        for key in data
        if key not in TOP_KEYS
    ]
    for key in TOP_REQUIRED:
        if key not in data or data[key] is None:
            problems.append(f"{where}: {key}: missing")
        elif not isinstance(data[key], str):
            hint = " (put it in quotes)" if key == "version" else ""
            problems.append(f"{where}: {key}: must be text{hint}")
        elif not data[key].strip():
            problems.append(f"{where}: {key}: empty")
    pid = data.get("id")
    if isinstance(pid, str) and pid and not ID_RE.match(pid):
        problems.append(f"{where}: id: '{pid}' must use lowercase letters, digits and '-'")
    ext = data.get("extends")
    if ext is not None and not _is_text(ext):
        problems.append(f"{where}: extends: must be a playbook id")
    for key in ("principles", "rules"):
        if data.get(key) is not None and not isinstance(data[key], list):
            problems.append(f"{where}: {key}: must be a list")
    return problems


def check_principle(p, n: int, where: str) -> tuple[str | None, list[str]]:
    """(principle id or None, problems) for one item of `principles`."""
    if not isinstance(p, dict):
        return None, [f"{where}: principle #{n}: must be a mapping with id, title, why"]
    pid = p.get("id")
    label = f"principle {pid}" if _is_text(pid) else f"principle #{n}"
    problems = [
        f"{where}: {label}: {k}: unknown key (known: {', '.join(PRINCIPLE_KEYS)})"
        for k in p
        if k not in PRINCIPLE_KEYS
    ]
    for key in PRINCIPLE_KEYS:
        if not _is_text(p.get(key)):
            problems.append(f"{where}: {label}: {key}: missing")
    return (pid if _is_text(pid) else None), problems


def _check_list_of_text(value, label: str, field: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{label}: {field}: must be a list"]
    return [
        f"{label}: {field}: item {i + 1} must be non-empty text"
        for i, item in enumerate(value)
        if not _is_text(item)
    ]


def _check_phrases(value, label: str) -> list[str]:
    problems = _check_list_of_text(value, label, "phrases")
    if not problems:
        problems += [
            f"{label}: phrases: {ph!r} has no letters or digits to match"
            for ph in value
            if not any(c.isalnum() for c in phrase_form(ph))
        ]
    return problems


def _check_patterns(value, label: str) -> list[str]:
    problems = _check_list_of_text(value, label, "patterns")
    if problems:
        return problems
    for src in value:
        # Parsed, not compiled: the engine compiles each pattern once, with the regex module
        # (matcher.compile_pattern), when the playbook is compiled; parsing is 5x cheaper.
        try:
            parsed = _sre_parse.parse(src, re.IGNORECASE)
        except (re.error, ValueError, OverflowError, RecursionError) as err:
            problems.append(f"{label}: patterns: bad regex {src!r}: {err}")
            continue
        if parsed.getwidth()[0] == 0:
            problems.append(f"{label}: patterns: {src!r} matches empty text")
        # Runaway patterns are refused when the playbook is compiled (compiled.py): a warm
        # compiled cache means they were probed already.
    return problems


def _check_swap(value, label: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{label}: swap: must be a mapping of phrase -> gentler phrase"]
    problems = []
    for key, repl in value.items():
        if not _is_text(key) or not any(c.isalnum() for c in phrase_form(key)):
            problems.append(f"{label}: swap: key {key!r} must be a phrase with letters or digits")
        if repl is not None and not isinstance(repl, str):
            problems.append(f'{label}: swap: value for {key!r} must be text ("" removes it)')
        elif isinstance(repl, str) and len(repl) > MAX_SWAP:
            # Each finding's swap goes into the rewrite: a long one, many times, would
            # make a rewrite far longer than any draft.
            problems.append(
                f"{label}: swap: value for {key!r} is {len(repl):,} characters; a swap is a "
                f"gentler phrase, {MAX_SWAP} characters at most"
            )
    return problems


MAX_SWAP = 200  # characters in a swap's replacement


def _param_ok(value, kind) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is dict:  # per_platform: platform id -> a whole number
        return isinstance(value, dict) and all(
            k in PLATFORMS and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in value.items()
        )
    if kind is bool:
        return False  # handled above: only true/false reach here as bool
    if kind is int:
        return isinstance(value, int) and value >= 0
    return isinstance(value, kind) and value > 0


def _check_metrics(value, label: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{label}: metrics: must be a mapping of metric -> parameters"]
    problems = []
    known = ", ".join(METRICS)
    for name, params in value.items():
        if name not in METRICS:
            problems.append(f"{label}: metrics: unknown metric {name!r} (known: {known})")
            continue
        if params is None or params is True:
            continue
        if not isinstance(params, dict):
            problems.append(f"{label}: metrics.{name}: must be a mapping of parameters")
            continue
        spec = METRICS[name].params
        for pname, pval in params.items():
            if pname not in spec:
                allowed = ", ".join(spec) or "none"
                problems.append(
                    f"{label}: metrics.{name}: unknown parameter {pname!r} (known: {allowed})"
                )
            elif not _param_ok(pval, spec[pname]):
                want = {
                    int: "a whole number >= 0",
                    list: "a list of words",
                    bool: "true or false",
                    dict: "a mapping of platform -> whole number "
                    f"(platforms: {', '.join(PLATFORMS)})",
                }.get(spec[pname], "a number > 0")
                problems.append(f"{label}: metrics.{name}.{pname}: must be {want}")
    return problems


def _check_context(value, label: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{label}: context: must be a mapping of condition -> value"]
    problems = []
    known = ", ".join(CONDITION_PARAMS)
    for name, val in value.items():
        kind = CONDITION_PARAMS.get(name)
        if kind is None:
            problems.append(f"{label}: context: unknown condition {name!r} (known: {known})")
        elif name == "per_platform":
            problems += _check_context_per_platform(val, label)
        elif kind is bool and not isinstance(val, bool):
            problems.append(f"{label}: context.{name}: must be true or false")
        elif kind is int and not _param_ok(val, int):
            problems.append(f"{label}: context.{name}: must be a whole number >= 0")
        elif kind is list and (
            not isinstance(val, list) or not val or not all(_is_text(v) for v in val)
        ):
            problems.append(f"{label}: context.{name}: must be a list of words or phrases")
    return problems


def _check_context_per_platform(value, label: str) -> list[str]:
    """`per_platform: {x: {max_words: 10}}`: a platform's own whole-number conditions."""
    where = f"{label}: context.per_platform"
    if not isinstance(value, dict):
        return [f"{where}: must be a mapping of platform -> conditions"]
    numbers = ", ".join(PER_PLATFORM_PARAMS)
    problems = []
    for plat, conds in value.items():
        if plat not in PLATFORMS:
            known = ", ".join(PLATFORMS)
            problems.append(f"{where}: unknown platform {plat!r} (platforms: {known})")
        elif not isinstance(conds, dict) or not conds:
            problems.append(f"{where}.{plat}: must be a mapping of condition -> number")
        else:
            for name, val in conds.items():
                if name not in PER_PLATFORM_PARAMS:
                    problems.append(
                        f"{where}.{plat}: {name!r} can't differ per platform (only {numbers})"
                    )
                elif not _param_ok(val, int):
                    problems.append(f"{where}.{plat}.{name}: must be a whole number >= 0")
    return problems


def _check_examples(value, label: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{label}: examples: must be a mapping with fail and pass lists"]
    problems = [
        f"{label}: examples: unknown key {k!r} (known: fail, pass)"
        for k in value
        if k not in ("fail", "pass")
    ]
    for kind in ("fail", "pass"):
        items = value.get(kind) or []
        if not isinstance(items, list):
            problems.append(f"{label}: examples.{kind}: must be a list")
            continue
        for i, ex in enumerate(items, 1):
            where = f"{label}: examples.{kind}[{i}]"
            if isinstance(ex, str):
                if not ex.strip():
                    problems.append(f"{where}: empty text")
                continue
            if not isinstance(ex, dict):
                problems.append(f"{where}: must be text or a mapping with text")
                continue
            problems += [
                f"{where}: unknown key {k!r} (known: {', '.join(EXAMPLE_KEYS)})"
                for k in ex
                if k not in EXAMPLE_KEYS
            ]
            if not _is_text(ex.get("text")):
                problems.append(f"{where}: text: missing")
            if ex.get("in_reply_to") is not None and not _is_text(ex.get("in_reply_to")):
                problems.append(f"{where}: in_reply_to: must be text")
            plat = ex.get("platform")
            if plat is not None and plat not in PLATFORMS:
                problems.append(
                    f"{where}: platform: unknown {plat!r} (known: {', '.join(PLATFORMS)})"
                )
    return problems


def _check_comment(value, applies_to, label: str) -> list[str]:
    known = ", ".join(COMMENT_KINDS)
    if not isinstance(value, list) or not value:
        return [f"{label}: comment: must be a list of comment kinds ({known})"]
    problems = [
        f"{label}: comment: unknown kind {kind!r} (known: {known})"
        for kind in value
        if kind not in COMMENT_KINDS
    ]
    if applies_to == "post":
        problems.append(f"{label}: comment: only a reply answers a comment (applies_to is post)")
    return problems


def check_rule_fields(rule: dict, label: str) -> list[str]:
    """Problems with the fields a rule gives (complete or an override)."""
    problems = [
        f"{label}: {k}: unknown key (known: {', '.join(RULE_KEYS)})"
        for k in rule
        if k not in RULE_KEYS
    ]
    for key in ("principle", "title", "why", "suggest"):
        if key in rule and not _is_text(rule[key]):
            problems.append(f"{label}: {key}: must be non-empty text")
    if "severity" in rule and rule["severity"] not in SEVERITIES:
        problems.append(
            f"{label}: severity: {rule['severity']!r} is not one of {', '.join(SEVERITIES)}"
        )
    if "penalty" in rule and (
        isinstance(rule["penalty"], bool)
        or not isinstance(rule["penalty"], int)
        or not 0 <= rule["penalty"] <= 100
    ):
        problems.append(f"{label}: penalty: must be a whole number from 0 to 100")
    if "applies_to" in rule and rule["applies_to"] not in APPLIES_TO:
        problems.append(f"{label}: applies_to: must be one of {', '.join(APPLIES_TO)}")
    if rule.get("comment") is not None:
        problems += _check_comment(rule["comment"], rule.get("applies_to"), label)
    if "disabled" in rule and not isinstance(rule["disabled"], bool):
        problems.append(f"{label}: disabled: must be true or false")
    checkers = {
        "phrases": _check_phrases,
        "patterns": _check_patterns,
        "swap": _check_swap,
        "metrics": _check_metrics,
        "examples": _check_examples,
        "context": _check_context,
    }
    for key, check in checkers.items():
        if key in rule and rule[key] is not None:
            problems += check(rule[key], label)
    return problems


def check_rule_complete(rule: dict, label: str, principles: set[str]) -> list[str]:
    """Problems with a rule as it finally stands (after inheritance)."""
    problems = []
    for key in RULE_REQUIRED:
        if rule.get(key) is None:
            hint = " (the principle behind the rule, in a sentence or two)" if key == "why" else ""
            problems.append(f"{label}: {key}: missing{hint}")
    if not any(rule.get(k) for k in CHECK_KINDS):
        problems.append(f"{label}: checks: none given (add phrases, patterns, swap or metrics)")
    pid = rule.get("principle")
    if _is_text(pid) and pid not in principles:
        known = ", ".join(sorted(principles)) or "none declared"
        problems.append(f"{label}: principle: {pid!r} is not declared (known: {known})")
    return problems
