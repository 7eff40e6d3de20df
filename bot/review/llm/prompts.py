"""Prompt templates from `prompts/`, with strict substitution checked at start-up.

A template is a text file with `{{name}}` variables. Each template's variables are
declared here (`TEMPLATES`); loading fails with one line per problem when a file is
missing, uses a variable we do not fill, or leaves out one we do. Rendering fails the
same way when a value is missing or unexpected, so a typo never reaches a model as a
literal `{{draft}}`. Values are inserted once and never re-read as template text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from bot.review.core.resources import shipped_dir

TEMPLATES: dict[str, frozenset[str]] = {
    "system": frozenset({"playbook_name", "principles", "rules"}),
    "user": frozenset(
        {"platform", "platform_note", "score", "evidence", "tone", "reply", "tag", "draft"}
    ),
    "reply": frozenset({"tag", "comment"}),
    "tone": frozenset({"tone", "hint"}),
    "retry": frozenset({"reason", "missing"}),
    "missing": frozenset({"tag", "facts"}),
    "repair": frozenset({"problem"}),
    "request": frozenset({"tag", "request", "previous"}),
}
TONES_FILE = "tones.txt"

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_STRAY = re.compile(r"\{\{|\}\}")


class PromptError(ValueError):
    """A prompt template is missing or malformed; `problems` has one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def default_prompt_dir() -> Path:
    """The prompts that ship with Social Way (package data; see resources.shipped_dir)."""
    return shipped_dir("prompts")


def variables_of(template: str) -> set[str]:
    return {m.group(1) for m in _VARIABLE.finditer(template)}


@dataclass(frozen=True)
class Prompts:
    """The loaded, checked templates and tones; `render` fills one strictly."""

    texts: dict[str, str]
    tones: dict[str, str]  # tone name -> what it means for the rewrite
    version: str  # a hash of every file, so a prompt change invalidates cached answers

    def render(self, name: str, **values: object) -> str:
        expected = TEMPLATES[name]
        problems = [f"{name}: no value for {{{{{v}}}}}" for v in sorted(expected - set(values))]
        problems += [f"{name}: unknown variable {v!r}" for v in sorted(set(values) - expected)]
        if problems:
            raise PromptError(problems)
        return _VARIABLE.sub(lambda m: str(values[m.group(1)]), self.texts[name])


def load_prompts(directory: str | Path | None = None) -> Prompts:
    """Reads and checks every template; raises PromptError listing all problems."""
    base = Path(directory) if directory else default_prompt_dir()
    problems: list[str] = []
    texts: dict[str, str] = {}
    digest = hashlib.sha256()
    for name, expected in TEMPLATES.items():
        path = base / f"{name}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read the template ({exc.__class__.__name__})")
            continue
        found = variables_of(text)
        for v in sorted(found - expected):
            problems.append(f"{path}: unknown variable {{{{{v}}}}} (known: {_names(expected)})")
        for v in sorted(expected - found):
            problems.append(f"{path}: missing variable {{{{{v}}}}}")
        if _STRAY.search(_VARIABLE.sub("", text)):
            problems.append(f"{path}: a '{{{{' or '}}}}' that is not a {{{{variable}}}}")
        texts[name] = text.strip("\n")
        digest.update(name.encode() + b"\0" + text.encode())
    tones = _load_tones(base / TONES_FILE, problems)
    if problems:
        raise PromptError(problems)
    return Prompts(texts=texts, tones=tones, version=digest.hexdigest()[:16])


def _load_tones(path: Path, problems: list[str]) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read the tones ({exc.__class__.__name__})")
        return {}
    tones: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hint = line.partition(":")
        if not sep or not name.strip() or not hint.strip():
            problems.append(f"{path}:{number}: expected 'tone name: what it means'")
            continue
        tones[name.strip().lower()] = hint.strip()
    if not tones and not any(p.startswith(str(path)) for p in problems):
        problems.append(f"{path}: no tones defined")
    return tones


def _names(names: frozenset[str]) -> str:
    return ", ".join(sorted(names))
