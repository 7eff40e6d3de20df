"""The code's layout keeps its promises: packages import one way, no two modules import each
other (directly or round a loop), and README's Layout names every package.

Imports are read from the source (every `import` and `from … import`, at any depth, so an
import inside a function counts too), not by importing the modules.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict

from tests.paths import ROOT

BOT = ROOT / "bot"

# Top to bottom: a package may import those listed after it, never those before it
# (CONTRIBUTING.md explains the order). config and logsafe sit under everything.
LAYERS = [
    "bot.cli",
    "bot.slack",
    "bot.digest",
    "bot.jobs",
    "bot.store",
    "bot.review",  # reviewer, factory, conversation, mute: the domain's front door
    "bot.review.llm",
    "bot.review.playbooks",
    "bot.review.rules",
    "bot.review.core",
    "bot.config",
    "bot.logsafe",
]


def module_name(path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imports() -> dict[str, set[str]]:
    """Each module of bot/ → the modules of bot/ it imports."""
    modules = {module_name(p): p for p in BOT.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph[name].add(target)  # (a package's own __init__ is not an import)
        graph.setdefault(name, set())
    return graph


def layer_of(module: str) -> str:
    """The deepest layer the module belongs to (bot.review.rules.engine → bot.review.rules)."""
    owners = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return max(owners, key=len) if owners else module


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other_even_round_a_loop():
    assert cycles(imports()) == []


def test_packages_import_one_way_down_the_layers():
    wrong = []
    for module, targets in imports().items():
        here = layer_of(module)
        if here not in LAYERS:
            continue  # bot/__init__, bot/__main__: the entry points
        for target in targets:
            there = layer_of(target)
            if there in LAYERS and LAYERS.index(there) < LAYERS.index(here):
                wrong.append(f"{module} imports {target} ({here} is below {there})")
    assert wrong == []


def test_every_package_is_in_a_layer():
    packages = {module_name(p.parent) for p in BOT.rglob("__init__.py")} - {"bot"}
    outside = {p for p in packages if layer_of(p) not in LAYERS}
    assert outside == set()


def test_readme_layout_names_every_package():
    readme = (ROOT / "README.md").read_text("utf-8")
    layout = readme.split("## Layout", 1)[1]
    folders = {p.parent.name for p in BOT.rglob("__init__.py")} - {"bot"}
    missing = {f for f in folders if not re.search(rf"^\s+{re.escape(f)}/", layout, re.M)}
    assert missing == set()
