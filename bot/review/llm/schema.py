"""The output contract the model must fill: one JSON object, checked by pydantic.

The JSON schema sent to the model (structured outputs, `strict`) is generated from these
classes, so the schema the model is held to and the one we validate against are the same.
Every field is required and nothing extra is allowed: OpenAI's strict mode asks for that,
and Ollama, vLLM and LM Studio accept the same `json_schema` response format.
Lengths are not in the schema (strict mode rejects most limits); `llm.py` trims instead.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict


class LlmFinding(BaseModel):
    """One problem the model sees: a playbook rule id and the exact words of the draft."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    quote: str
    comment: str


class LlmDismissal(BaseModel):
    """A rules finding the model disagrees with: its rule id, its quote, and why."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    quote: str
    reason: str


class LlmReview(BaseModel):
    """What one call returns: a one-line summary, findings, strengths, a rewrite, and the
    rules findings the model dismisses (with a reason each)."""

    model_config = ConfigDict(extra="forbid")

    summary: str
    findings: list[LlmFinding]
    strengths: list[str]
    rewrite: str
    changes: list[str]
    dismissed: list[LlmDismissal] = []  # required in the schema sent; older answers lack it


@cache
def response_format() -> dict:
    """The `json_schema` response format for `LlmReview`, built once (not per call).

    `extra="forbid"` and no defaults give what strict mode asks: every property required,
    `additionalProperties: false` on every object.
    """
    schema = LlmReview.model_json_schema()
    for obj in (schema, *schema.get("$defs", {}).values()):
        obj["required"] = list(obj["properties"])  # strict mode: every property required
        for prop in obj["properties"].values():
            prop.pop("default", None)  # and no defaults
    return {
        "type": "json_schema",
        "json_schema": {"name": "LlmReview", "strict": True, "schema": schema},
    }
