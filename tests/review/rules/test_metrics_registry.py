"""The registry of metric kinds (bot/review/rules/metrics/__init__.py): every metric module
is listed, each gives a whole Metric, and playbooks/FORMAT.md's table of metrics says what
the registry says (names, parameters and defaults), so the documentation can't drift."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import bot.review.rules.metrics as metrics_pkg
from bot.review.playbooks.schema import _check_metrics
from bot.review.rules.metrics import METRICS, resolve_params
from bot.review.rules.metrics.base import Metric
from bot.review.rules.metrics.measures import Measures
from tests.paths import ROOT

FORMAT = ROOT / "playbooks" / "FORMAT.md"


def _modules_with_a_metric() -> dict[str, Metric]:
    found = {}
    for info in pkgutil.iter_modules(metrics_pkg.__path__):
        module = importlib.import_module(f"{metrics_pkg.__name__}.{info.name}")
        if isinstance(getattr(module, "METRIC", None), Metric):
            found[info.name] = module.METRIC
    return found


def test_every_metric_module_is_in_the_registry_under_its_own_name():
    modules = _modules_with_a_metric()
    assert {name: m.name for name, m in modules.items()} == {name: name for name in modules}
    assert set(modules) == set(METRICS)
    assert all(modules[name] is METRICS[name] for name in modules)


@pytest.mark.parametrize("name", list(METRICS))
def test_each_metric_is_whole(name):
    metric = METRICS[name]
    assert callable(metric.check)
    assert metric.edit is None or callable(metric.edit)
    assert metric.gate is None or metric.gate in Measures.__slots__
    assert metric.push in (None, "fewer", "never")
    assert set(metric.defaults) <= set(metric.params)
    for pname, value in metric.defaults.items():
        kind = metric.params[pname]
        assert value is None or isinstance(value, kind), (pname, value)
    # A rule that gives nothing gets the defaults, and the schema accepts them.
    resolved = resolve_params(name, {})
    assert {k: resolved[k] for k in metric.defaults} == dict(metric.defaults)
    given = {k: v for k, v in metric.defaults.items() if v is not None}
    assert _check_metrics({name: given}, "rule r") == []


def _format_table() -> list[tuple[str, str]]:
    """(metric, parameters cell) for each row of FORMAT.md's table of metrics."""
    lines = FORMAT.read_text(encoding="utf-8").splitlines()
    start = lines.index("| metric | parameters | flags |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows.append((cells[0].strip("`"), cells[1]))
    return rows


def _shown(value) -> str:
    """A default as FORMAT.md (YAML) writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_format_md_lists_every_metric_in_the_registry_order():
    assert [name for name, _ in _format_table()] == list(METRICS)


@pytest.mark.parametrize(("name", "cell"), _format_table())
def test_format_md_gives_each_metric_its_parameters_and_defaults(name, cell):
    metric = METRICS[name]
    if not metric.params:
        assert cell == "—"
        return
    shown = re.findall(r"`(\w+)`(?: \(([^)]*)\))?", cell)
    assert {p for p, _ in shown} == set(metric.params)
    for pname, note in shown:
        default = metric.defaults.get(pname)
        if default is None or isinstance(default, list | dict):
            # No default to state (or an empty list or mapping): a note, never a value.
            assert not re.fullmatch(r"[\d.]+|true|false", note), (pname, note)
        else:
            assert note == _shown(default), (pname, note)
