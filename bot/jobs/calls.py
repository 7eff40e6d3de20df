"""A function call as JSON, so it can wait in the jobs table and run in any process.

`encode_call(fn, args)` keeps the function's module and name and each argument: plain JSON
values, tuples, dicts, dataclasses (by field) and objects with `to_dict`/`from_dict` (a
`Review`). The app's shared `deps` is not stored: `decode_call` puts the running process's
own back in its place. Only functions and classes of the `bot` package are ever imported
back, so a row in the database can't name arbitrary code.
"""

from __future__ import annotations

import dataclasses
import importlib

DEPS = {"__deps__": True}
PACKAGE = "bot."

# Modules that moved (issue 11's reorganisation): a job written before an upgrade names the
# old module, and still runs after it. Append when a module a job can name moves again.
MOVED = {
    "bot.cli": "bot.cli.main",
    "bot.cli_batch": "bot.cli.batch",
    "bot.cli_digest": "bot.cli.digest",
    "bot.cli_engine": "bot.cli.engine",
    "bot.cli_input": "bot.cli.inputs",
    "bot.cli_migrate": "bot.cli.migrate",
    "bot.cli_playbook": "bot.cli.playbook",
    "bot.cli_render": "bot.cli.render",
    "bot.cli_review": "bot.cli.review",
    "bot.cli_stats": "bot.cli.stats",
    "bot.cli_store": "bot.cli.database",
    "bot.review.blank": "bot.review.rules.blank",
    "bot.review.comment": "bot.review.rules.comment",
    "bot.review.compiled": "bot.review.rules.compiled",
    "bot.review.conditions": "bot.review.rules.conditions",
    "bot.review.engine": "bot.review.rules.engine",
    "bot.review.fact_check": "bot.review.rules.fact_check",
    "bot.review.facts": "bot.review.rules.fact_check",
    "bot.review.folding": "bot.review.rules.folding",
    "bot.review.language": "bot.review.rules.language",
    "bot.review.ledger": "bot.review.llm.ledger",
    "bot.review.llm": "bot.review.llm.engine",
    "bot.review.llm_client": "bot.review.llm.client",
    "bot.review.llm_prompt": "bot.review.llm.prompt",
    "bot.review.llm_schema": "bot.review.llm.schema",
    "bot.review.matcher": "bot.review.rules.matcher",
    "bot.review.metrics": "bot.review.rules.metrics",
    "bot.review.model": "bot.review.core.model",
    "bot.review.names": "bot.review.rules.fact_check",
    "bot.review.pattern_safety": "bot.review.rules.pattern_safety",
    "bot.review.platforms": "bot.review.core.platforms",
    "bot.review.playbook": "bot.review.playbooks.loader",
    "bot.review.playbook_schema": "bot.review.playbooks.schema",
    "bot.review.prompts": "bot.review.llm.prompts",
    "bot.review.redact": "bot.review.llm.redact",
    "bot.review.resources": "bot.review.core.resources",
    "bot.review.rewrite": "bot.review.rules.rewrite",
    "bot.review.rules.facts": "bot.review.rules.fact_check",
    "bot.review.rules.names": "bot.review.rules.fact_check",
    "bot.review.shorten": "bot.review.rules.shorten",
    "bot.review.spans": "bot.review.rules.spans",
    "bot.review.strengths": "bot.review.rules.strengths",
    "bot.store": "bot.store.store",
    "bot.store_copy": "bot.store.copy_sqlite",
    "bot.store_pg": "bot.store.postgres",
    "bot.store_sql": "bot.store.sqlite",
    "bot.terminal": "bot.cli.terminal",
}


class CallError(ValueError):
    """A stored call that can't be turned back into one (bad name, unknown class)."""


def _name(obj) -> str:
    return f"{obj.__module__}:{obj.__qualname__}"


def _load(name: str):
    module, _, qualname = name.partition(":")
    if not module.startswith(PACKAGE) or not qualname or "." in qualname:
        raise CallError(f"not a function of this app: {name!r}")
    module = MOVED.get(module, module)
    found = getattr(importlib.import_module(module), qualname, None)
    if found is None:
        raise CallError(f"{name!r} no longer exists")
    return found


def encode(value, deps=None):
    if deps is not None and value is deps:
        return DEPS
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, deps) for v in value]}
    if isinstance(value, list):
        return [encode(v, deps) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, deps), encode(v, deps)] for k, v in value.items()]}
    if hasattr(value, "to_dict") and hasattr(type(value), "from_dict"):
        return {"__obj__": _name(type(value)), "data": value.to_dict()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name), deps) for f in dataclasses.fields(value)}
        return {"__dc__": _name(type(value)), "fields": fields}
    raise CallError(f"can't keep a {type(value).__name__} in a job")


def decode(value, deps=None):
    if isinstance(value, list):
        return [decode(v, deps) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("__deps__"):
        return deps
    if "__tuple__" in value:
        return tuple(decode(v, deps) for v in value["__tuple__"])
    if "__dict__" in value:
        return {decode(k, deps): decode(v, deps) for k, v in value["__dict__"]}
    if "__obj__" in value:
        return _load(value["__obj__"]).from_dict(value["data"])
    if "__dc__" in value:
        cls = _load(value["__dc__"])
        return cls(**{k: decode(v, deps) for k, v in value["fields"].items()})
    raise CallError("unknown value in a stored job")


def encode_call(fn, args: tuple, deps=None) -> dict:
    name = _name(fn)
    if _load(name) is not fn:  # a lambda, a method, a nested function: not found again
        raise CallError(f"a job must be a module-level function of the app, not {name!r}")
    return {"fn": name, "args": [encode(a, deps) for a in args]}


def decode_call(payload: dict, deps=None):
    """(function, args) of a stored call."""
    return _load(payload["fn"]), [decode(a, deps) for a in payload["args"]]
