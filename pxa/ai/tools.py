"""The agent's tools, generated from the operations catalogue: never written a second time.

Each operation becomes one tool: its name `noun_verb` (`vm_start`), its description the
operation's summary and risk, its input schema the pydantic input model's JSON schema
(with `$defs` inlined, so every tool stands alone). The last tool carries the prompt-cache
breakpoint, so the whole list is cached with the system prompt.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pxa.models.common import Risk

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

CACHE = {"type": "ephemeral"}

RISK_NOTE = {
    Risk.read: "Read-only: runs at once.",
    Risk.write: "Changes the cluster: runs only after the person confirms this exact call.",
    Risk.destructive: (
        "Destructive: runs only after the person types the resource's name to confirm."
    ),
}


def tool_definitions(catalogue: dict[str, Operation]) -> list[dict[str, Any]]:
    """One tool per operation, in catalogue order; the last one marks the cache breakpoint."""
    tools = [definition(op) for op in catalogue.values()]
    if tools:
        tools[-1]["cache_control"] = dict(CACHE)
    return tools


def definition(op: Operation) -> dict[str, Any]:
    note = RISK_NOTE[op.risk]
    if op.risk_for is not None:
        note += " Some arguments make it more dangerous and ask for more confirmation."
    return {
        "name": op.tool_name,
        "description": f"{op.summary}. {note}",
        "input_schema": input_schema(op),
    }


def input_schema(op: Operation) -> dict[str, Any]:
    schema = inline_refs(op.input.model_json_schema())
    schema.pop("title", None)
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    return schema


def by_tool_name(catalogue: dict[str, Operation]) -> dict[str, Operation]:
    return {op.tool_name: op for op in catalogue.values()}


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace every `{"$ref": "#/$defs/X"}` with a copy of X and drop `$defs`."""
    defs = schema.get("$defs", {})

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                key = ref.removeprefix("#/$defs/")
                if key in seen:  # a recursive model: stop at an open object
                    return {"type": "object"}
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return walk({**copy.deepcopy(defs[key]), **rest}, (*seen, key))
            return {k: walk(v, seen) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        return node

    return walk(schema, ())  # type: ignore[no-any-return]
