"""Playbooks: loading, validating, inheriting (`extends`) and caching rule packs.

A playbook is a YAML file a comms lead edits (see playbooks/FORMAT.md); its long lists may
sit at its end, named from the rules (lists.py). Loading checks everything and raises one
PlaybookError listing every problem, one line each, naming the file, the rule and the
field. A loaded playbook is compiled once (one phrase matcher, one pattern set, one
metric scanner) and cached by path and modification time in memory, and by the files'
bytes in the user's cache directory (stored.py: a warm start reads no YAML; the compiled
matchers alone are cached too, see compiled.compile_rules).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.review.core.resources import shipped_dir
from bot.review.playbooks import stored
from bot.review.rules.compiled import CompiledPlaybook, RunawayPatterns, compile_rules
from bot.review.rules.matcher import PatternError

SEVERITY_PENALTY = {"info": 4, "warning": 10, "problem": 16}
DEFAULT_ID = "rules-of-engagement"


class PlaybookError(ValueError):
    """A playbook could not be loaded; `.problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# Each dataclass has a docstring: without one, @dataclass writes the signature in its place
# (inspect.signature, ~0.2 ms a class at every start).


@dataclass(frozen=True)
class Principle:
    """A value the playbook's rules serve ("respect"), and why it matters."""

    id: str
    title: str
    why: str


@dataclass(frozen=True)
class Example:
    """A draft a rule must flag (`fail`) or leave alone (`pass`)."""

    text: str
    in_reply_to: str | None = None
    platform: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule of a playbook, as FORMAT.md describes its fields."""

    id: str
    principle: str
    title: str
    why: str
    severity: str
    penalty: int
    suggest: str
    applies_to: str = "any"
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    swap: tuple[tuple[str, str], ...] = ()
    metrics: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    fail: tuple[Example, ...] = ()
    passes: tuple[Example, ...] = ()
    source: str = ""  # the file that last defined or changed this rule
    comment: tuple[str, ...] = ()  # reply rules: only when the comment reads as one of these
    context: tuple[tuple[str, object], ...] = ()  # when its words count (conditions.py)

    def metric_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.metrics)


@dataclass(frozen=True, eq=False)
class Playbook:
    """A loaded playbook: its rules (parents' merged in) and their compiled tables."""

    id: str
    name: str
    version: str
    description: str
    path: str
    principles: tuple[Principle, ...]
    rules: tuple[Rule, ...]
    extends: str | None = None
    disabled: tuple[str, ...] = ()  # inherited rule ids this playbook turns off
    compiled: CompiledPlaybook = field(default=None, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def principle(self, principle_id: str) -> Principle | None:
        return next((p for p in self.principles if p.id == principle_id), None)


def default_playbook_dir() -> Path:
    """The playbooks that ship with Social Way (package data; see resources.shipped_dir)."""
    return shipped_dir("playbooks")


# ---- reading files ------------------------------------------------------------------------


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _read_yaml(path: Path, where: str):
    import yaml  # ~10 ms: a warm start (stored.py) never parses YAML

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlaybookError([f"{where}: no such file"]) from None
    except UnicodeDecodeError:
        raise PlaybookError([f"{where}: not UTF-8 text"]) from None
    except OSError as err:
        raise PlaybookError([f"{where}: cannot read: {err.strerror or err}"]) from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark is not None else ""
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise PlaybookError([f"{where}:{line} invalid YAML: {what}"]) from None
    if data is None:
        raise PlaybookError([f"{where}: empty file (expected id, name, version, rules)"])
    if not isinstance(data, dict):
        raise PlaybookError([f"{where}: must be a mapping with id, name, version, rules"])
    return data


_ID_CACHE: dict[Path, tuple[int, str | None, tuple[str, ...]]] = {}
_PEEKED: dict[Path, tuple[int, dict]] = {}  # the YAML a peek read, for the load that follows


def _peek(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """(the `id` a playbook file declares or None, why it can't be read), cached by mtime
    in memory and by the file's bytes on disk."""
    mtime = _mtime(path)
    hit = _ID_CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1], hit[2]
    digest = stored.file_digest(path)
    kept = stored.peeked(path, digest) if digest is not None else None
    if kept is not None:
        _ID_CACHE[path] = (mtime, *kept)
        return kept
    problems: tuple[str, ...] = ()
    try:
        data = _read_yaml(path, str(path))
        _PEEKED[path] = (mtime, data)
        pid = data.get("id") if isinstance(data.get("id"), str) else None
        if pid is None:
            problems = (f"{path}: id: missing (every playbook needs an id to be picked by)",)
    except PlaybookError as err:
        pid, problems = None, tuple(err.problems)
    _ID_CACHE[path] = (mtime, pid, problems)
    if digest is not None:
        stored.save_peek(path, digest, (pid, problems))
    return pid, problems


def _peek_id(path: Path) -> str | None:
    """The `id` a playbook file declares, or None when it cannot be read (cached)."""
    return _peek(path)[0]


def _playbook_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p.resolve() for p in directory.iterdir() if p.suffix in (".yml", ".yaml"))


def _find_by_id(pid: str, dirs: list[Path]) -> Path | None:
    for d in dirs:
        for name in (f"{pid}.yml", f"{pid}.yaml"):
            cand = (d / name).resolve()
            if cand.is_file() and _peek_id(cand) == pid:
                return cand
        for cand in _playbook_files(d):
            if _peek_id(cand) == pid:
                return cand
    return None


# ---- building a playbook from its file (and its parent's) --------------------------------


def _example(ex) -> Example:
    if isinstance(ex, str):
        return Example(ex)
    return Example(ex["text"], ex.get("in_reply_to"), ex.get("platform"))


def _freeze_rule(d: dict) -> Rule:
    examples = d.get("examples") or {}
    metrics = d.get("metrics") or {}
    return Rule(
        id=d["id"],
        principle=d["principle"],
        title=d["title"].strip(),
        why=d["why"].strip(),
        severity=d["severity"],
        penalty=d["penalty"] if d.get("penalty") is not None else SEVERITY_PENALTY[d["severity"]],
        suggest=d["suggest"].strip(),
        applies_to=d.get("applies_to") or "any",
        phrases=tuple(d.get("phrases") or ()),
        patterns=tuple(d.get("patterns") or ()),
        swap=tuple((k, v or "") for k, v in (d.get("swap") or {}).items()),
        metrics=tuple(
            (
                name,
                tuple(
                    (k, tuple(sorted(v.items())) if isinstance(v, dict) else v)
                    for k, v in sorted((p if isinstance(p, dict) else {}).items())
                ),
            )
            for name, p in metrics.items()
        ),
        fail=tuple(_example(e) for e in examples.get("fail") or ()),
        passes=tuple(_example(e) for e in examples.get("pass") or ()),
        source=d["_source"],
        comment=tuple(d.get("comment") or ()),
        context=tuple(
            (k, tuple(v) if isinstance(v, list) else _frozen(v) if isinstance(v, dict) else v)
            for k, v in sorted((d.get("context") or {}).items())
        ),
    )


def _rule_dict(rule: Rule) -> dict:
    """An inherited rule back as a mutable mapping, so a child can override field by field."""
    return {
        "id": rule.id,
        "principle": rule.principle,
        "title": rule.title,
        "why": rule.why,
        "severity": rule.severity,
        "penalty": rule.penalty if rule.penalty != SEVERITY_PENALTY[rule.severity] else None,
        "suggest": rule.suggest,
        "applies_to": rule.applies_to,
        "phrases": list(rule.phrases),
        "patterns": list(rule.patterns),
        "swap": dict(rule.swap),
        "metrics": {n: dict(p) for n, p in rule.metrics},
        "examples": {
            "fail": [vars(e) for e in rule.fail],
            "pass": [vars(e) for e in rule.passes],
        },
        "_source": rule.source,
        "comment": list(rule.comment),
        "context": {k: _thawed(k, v) for k, v in rule.context},
    }


def _frozen(per_platform: dict) -> tuple:
    """`per_platform: {x: {max_words: 10}}` as sorted tuples, so a Rule stays hashable."""
    return tuple((p, tuple(sorted(c.items()))) for p, c in sorted(per_platform.items()))


def _thawed(name: str, value):
    """A context value as the playbook wrote it (lists and `per_platform`'s mappings)."""
    if name == "per_platform":
        return {p: dict(c) for p, c in value}
    return list(value) if isinstance(value, tuple) else value


def _build(path: Path, where: str, search_dirs: tuple[Path, ...], chain: tuple[str, ...]):
    from bot.review.playbooks import lists, schema  # a warm start (stored.py) needs neither

    peeked = _PEEKED.pop(path, None)  # parsed a moment ago to find its id: not parsed again
    data = peeked[1] if peeked and peeked[0] == _mtime(path) else _read_yaml(path, where)
    problems = schema.check_top(data, where)
    own_id = data.get("id") if isinstance(data.get("id"), str) else None

    parent: Playbook | None = None
    deps: list[tuple[Path, int]] = [(path, _mtime(path))]
    ext = data.get("extends")
    if isinstance(ext, str) and ext.strip():
        if ext == own_id or ext in chain:
            loop = " -> ".join((*chain, own_id or where, ext))
            problems.append(f"{where}: extends: cycle {loop}")
        else:
            dirs = [path.parent, *search_dirs, default_playbook_dir()]
            ppath = _find_by_id(ext, dirs)
            if ppath is None:
                known = sorted({i for d in dirs for p in _playbook_files(d) if (i := _peek_id(p))})
                names = ", ".join(known) or "none"
                problems.append(f"{where}: extends: unknown playbook {ext!r} (known: {names})")
            else:
                try:
                    parent, pdeps = _load(ppath, str(ppath), search_dirs, (*chain, own_id or where))
                    deps += pdeps
                except PlaybookError as err:
                    problems.append(f"{where}: extends: parent {ext!r} has problems:")
                    problems += ["  " + p for p in err.problems]

    # Principles: inherited, then this file's (same id replaces).
    principles: dict[str, Principle] = {p.id: p for p in parent.principles} if parent else {}
    for n, raw in enumerate(data.get("principles") or [], 1):
        pid, probs = schema.check_principle(raw, n, where)
        problems += probs
        if pid and not probs:
            principles[pid] = Principle(pid, raw["title"].strip(), raw["why"].strip())

    # Rules: inherited ones first (in their order), overridden field by field, then new ones.
    merged: dict[str, dict] = {r.id: _rule_dict(r) for r in parent.rules} if parent else {}
    disabled: list[str] = []
    named_lists, list_problems = lists.read_lists(data, where)  # long lists, at the end
    problems += list_problems
    used: set[str] = set()
    seen: set[str] = set()
    raw_rules = data.get("rules") if isinstance(data.get("rules"), list) else []
    for n, raw in enumerate(raw_rules, 1):
        if not isinstance(raw, dict):
            problems.append(f"{where}: rule #{n}: must be a mapping")
            continue
        rid = raw.get("id")
        if not isinstance(rid, str) or not schema.ID_RE.match(rid):
            what = "missing" if rid is None else f"{rid!r} must use lowercase letters, digits, '-'"
            problems.append(f"{where}: rule #{n}: id: {what}")
            continue
        label = f"{where}: rule {rid}"
        if rid in seen:
            problems.append(f"{label}: id: duplicate rule id")
            continue
        seen.add(rid)
        raw, sources, ref_problems = lists.resolve_rule(raw, named_lists, label, used)
        problems += ref_problems
        problems += lists.with_sources(schema.check_rule_fields(raw, label), label, sources)
        if raw.get("disabled") is True:
            if rid in merged:
                del merged[rid]
                disabled.append(rid)
            else:
                problems.append(f"{label}: disabled: no inherited rule with this id")
            continue
        base = merged.get(rid, {})
        merged[rid] = {
            **base,
            **{k: v for k, v in raw.items() if k != "disabled"},
            "_source": where,
            "_label": label,
        }
    problems += lists.unused(named_lists, used, where)
    declared = set(principles)
    for rule in merged.values():
        if rule.get("_label"):
            problems += schema.check_rule_complete(rule, rule["_label"], declared)
    if problems:
        raise PlaybookError(problems)
    rules = tuple(_freeze_rule(r) for r in merged.values())
    try:
        compiled = compile_rules(rules, cache_for=path)
    except PatternError as err:  # a pattern Python's parser took that the engine can't run
        rule = rules[err.owner]
        raise PlaybookError(
            [f"{rule.source}: rule {rule.id}: patterns: bad regex {err.source!r}: {err.reason}"]
        ) from None
    except RunawayPatterns as err:
        raise PlaybookError(
            [
                f"{rules[i].source}: rule {rules[i].id}: patterns: {src!r} {why}"
                for i, src, why in err.found
            ]
        ) from None
    playbook = Playbook(
        id=data["id"],
        name=data["name"].strip(),
        version=data["version"].strip(),
        description=data["description"].strip(),
        path=str(path),
        principles=tuple(principles.values()),
        rules=rules,
        extends=ext if isinstance(ext, str) else None,
        disabled=tuple(disabled),
        compiled=compiled,
    )
    return playbook, deps


_CACHE: dict[tuple[Path, tuple[Path, ...]], tuple[Playbook, list[tuple[Path, int]]]] = {}


def _lookup_files(path: Path, search_dirs: tuple[Path, ...]) -> list[Path]:
    """The file and every playbook file of the folders its `extends` chain is looked up in
    (a new or edited one there may change which parent is found)."""
    dirs = dict.fromkeys((path.parent, *search_dirs, default_playbook_dir().resolve()))
    return [path, *(p for d in dirs for p in _playbook_files(d))]


def _load(path: Path, where: str, search_dirs: tuple[Path, ...], chain: tuple[str, ...]):
    key = (path, search_dirs)
    hit = _CACHE.get(key)
    if hit is not None and all(_mtime(p) == m for p, m in hit[1]):
        return hit
    files = _lookup_files(path, search_dirs)
    mtimes = [(p, _mtime(p)) for p in files]  # before the bytes: a later edit is noticed
    state = stored.state_digest(files)
    playbook = stored.load(where, path, search_dirs, state)
    if isinstance(playbook, Playbook) and isinstance(playbook.compiled, CompiledPlaybook):
        playbook.compiled.rules = playbook.rules  # as compile_rules does: not pickled
        result = (playbook, mtimes)
    else:
        result = _build(path, where, search_dirs, chain)
        stored.save(where, path, search_dirs, state, result[0])
    _CACHE[key] = result
    return result


def load_playbook(path: str | os.PathLike, *, search_dirs=()) -> Playbook:
    """Load, validate and compile the playbook at `path` (cached by path and mtime).

    A parent named by `extends` is looked for by id next to the file, then in
    `search_dirs`, then in the default playbook directory.
    """
    where = str(path)
    resolved = Path(path).expanduser().resolve()
    dirs = tuple(Path(d).resolve() for d in search_dirs)
    return _load(resolved, where, dirs, ())[0]


class PlaybookLibrary:
    """The playbooks a team can pick by id, from one or more directories (first wins)."""

    def __init__(self, dirs=None, default_id: str = DEFAULT_ID):
        self.dirs = [Path(d) for d in dirs] if dirs else [default_playbook_dir()]
        self.default_id = default_id

    def _index(self) -> dict[str, Path]:
        index: dict[str, Path] = {}
        for d in self.dirs:
            for p in _playbook_files(d):
                pid = _peek_id(p)
                if pid and pid not in index:
                    index[pid] = p
        return index

    def ids(self) -> list[str]:
        return sorted(self._index())

    def all(self) -> list[Playbook]:
        return [self.get(pid) for pid in self.ids()]

    def unreadable(self) -> list[str]:
        """One line per problem of each file in the folders that can't even be read as a
        playbook (YAML syntax, a tab, a list at the top, no id): file, line, what is wrong.
        Cheap (the files are parsed for their ids anyway); loading finds the rest."""
        return [line for d in self.dirs for p in _playbook_files(d) for line in _peek(p)[1]]

    def loaded(self) -> tuple[list[Playbook], list[str]]:
        """(every playbook that loads, one line per problem of each file that doesn't):
        one broken file never hides the good ones."""
        books: list[Playbook] = []
        problems = self.unreadable()
        for pid in self.ids():
            try:
                books.append(self.get(pid))
            except PlaybookError as err:
                problems += err.problems
        return books, problems

    def get(self, ref: str | os.PathLike | None = None) -> Playbook:
        """The playbook with this id or at this path; None means the default."""
        ref = self.default_id if ref is None or ref == "" else ref
        text = os.fspath(ref)
        if text.endswith((".yml", ".yaml")) or os.sep in text or "/" in text:
            return load_playbook(text, search_dirs=self.dirs)
        index = self._index()
        if text in index:
            return load_playbook(index[text], search_dirs=self.dirs)
        for d in self.dirs:  # a file named for the id that can't be read says why
            for name in (f"{text}.yml", f"{text}.yaml"):
                problems = _peek((d / name).resolve())[1] if (d / name).is_file() else ()
                if problems:
                    raise PlaybookError(list(problems))
        known = ", ".join(sorted(index)) or "none"
        raise PlaybookError([f"Unknown playbook '{text}'. Known: {known}"])


# ---- every rule proves itself ------------------------------------------------------------


def example_failure(playbook: Playbook, rule: Rule, kind: str, example: Example) -> str | None:
    """None when the example behaves (fail triggers the rule, pass does not), else a line."""
    from bot.review.rules.engine import review  # engine imports this module's types

    result = review(
        example.text, playbook, platform=example.platform, in_reply_to=example.in_reply_to
    )
    fired = any(f.rule == rule.id for f in result.findings)
    if fired == (kind == "fail"):
        return None
    want = "should trigger the rule but did not" if kind == "fail" else "should pass but triggered"
    return f"{rule.source}:{rule.id}:{kind} example {example.text!r} {want}"


def check_examples(playbook: Playbook) -> list[str]:
    """Run every rule's examples; the failures as "file:rule:example" lines."""
    failures = []
    for rule in playbook.rules:
        for kind, examples in (("fail", rule.fail), ("pass", rule.passes)):
            for ex in examples:
                line = example_failure(playbook, rule, kind, ex)
                if line:
                    failures.append(line)
    return failures


def check_speed(playbook: Playbook) -> list[str]:
    """Patterns too slow for a long draft (reviews would cut them short), one line each as
    "file:rule:patterns ...": `playbook check` names them, and always finishes."""
    from bot.review.rules.pattern_safety import slow_on_long_draft

    lines = []
    for rule in playbook.rules:
        texts = [ex.text for ex in (*rule.fail, *rule.passes)]
        for src in rule.patterns:
            why = slow_on_long_draft(src, texts)
            if why:
                lines.append(f"{rule.source}:{rule.id}:patterns {src!r} {why}")
    return lines
