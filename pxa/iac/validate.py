"""Checking generated Terraform against the providers' own schemas.

The HCL must parse (python-hcl2); every resource type, attribute and nested block must
exist in the provider's schema (`data/provider_schemas.json`, see its NOTICE), required
ones must be present, computed-only ones absent, literal values of the right type;
every `var.x` declared; every resource reference resolvable; credentials never
literal. The score is 100 minus a penalty per problem (table `PENALTIES`), 0 when a file
does not parse, and the explanation says what was checked and what failed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, Field

from pxa.iac.hcl import is_expression, is_string, literal

Kind = Literal[
    "parse_error",
    "unknown_type",
    "unknown_attribute",
    "unknown_block",
    "missing_required",
    "wrong_type",
    "too_many_blocks",
    "computed_only",
    "undeclared_variable",
    "unknown_reference",
    "inline_secret",
    "provider_requirement",
    "cloud_init",
]
PENALTIES: dict[str, int] = {
    "parse_error": 100,
    "unknown_type": 25,
    "inline_secret": 25,
    "provider_requirement": 15,
    "unknown_attribute": 10,
    "unknown_block": 10,
    "missing_required": 10,
    "undeclared_variable": 10,
    "unknown_reference": 10,
    "wrong_type": 5,
    "too_many_blocks": 5,
    "computed_only": 5,
    "cloud_init": 5,
}
SOURCES = {"bpg": "bpg/proxmox", "telmate": "telmate/proxmox"}
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "lifecycle", "provider"})
SECRET_NAME = re.compile(r"(password|secret|token|private_key)", re.I)
VAR_REF = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")
RES_REF = re.compile(r"\b(proxmox_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)\b")


class Problem(BaseModel):
    kind: Kind
    file: str
    path: str = Field(description="where: resource.TYPE.NAME.block.attribute")
    message: str


class ValidationReport(BaseModel):
    score: int = Field(ge=0, le=100)
    passed: bool = Field(description="no problem found")
    provider: str
    provider_version: str
    checked: dict[str, int] = Field(description="files, resources, blocks, attributes checked")
    problems: list[Problem] = Field(default_factory=list)
    explanation: str


@cache
def schemas() -> dict[str, Any]:
    text = resources.files("pxa.iac.data").joinpath("provider_schemas.json").read_text()
    return json.loads(text)["providers"]  # type: ignore[no-any-return]


def provider_schema(provider: str) -> dict[str, Any]:
    return schemas()[SOURCES[provider]]  # type: ignore[no-any-return]


class _Checker:
    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.schema = provider_schema(provider)
        self.problems: list[Problem] = []
        self.counts = {"files": 0, "resources": 0, "blocks": 0, "attributes": 0}
        self.file = ""

    def add(self, kind: Kind, path: str, message: str) -> None:
        self.problems.append(Problem(kind=kind, file=self.file, path=path, message=message))

    # --- types ----------------------------------------------------------------------
    def type_ok(self, val: Any, cty: Any) -> bool:
        if is_expression(val) or cty == "dynamic":
            return True
        if cty == "string":
            return is_string(val)
        if cty == "number":
            return isinstance(val, int | float) and not isinstance(val, bool)
        if cty == "bool":
            return isinstance(val, bool)
        if isinstance(cty, list):
            kind, inner = cty[0], cty[1]
            if kind in ("list", "set"):
                return isinstance(val, list) and all(self.type_ok(v, inner) for v in val)
            if kind == "map":
                return isinstance(val, dict) and all(self.type_ok(v, inner) for v in val.values())
            if kind == "object":
                return isinstance(val, dict) and all(
                    literal(k) in inner and self.type_ok(v, inner[literal(k)])
                    for k, v in val.items()
                )
        return False

    # --- blocks ---------------------------------------------------------------------
    def block(self, body: dict[str, Any], schema: dict[str, Any], path: str, top: bool) -> None:
        self.counts["blocks"] += 1
        attributes = schema.get("attributes") or {}
        block_types = schema.get("block_types") or {}
        for key, val in body.items():
            if key == "__is_block__" or (top and key in META_ARGUMENTS):
                continue
            where = f"{path}.{key}"
            written_as_blocks = (
                isinstance(val, list)
                and bool(val)
                and all(isinstance(v, dict) and v.get("__is_block__") for v in val)
            )
            if written_as_blocks:
                if key in block_types:
                    spec = block_types[key]
                    if spec.get("max_items") is not None and len(val) > spec["max_items"]:
                        self.add(
                            "too_many_blocks",
                            where,
                            f"{len(val)} {key} blocks; the schema allows {spec['max_items']}",
                        )
                    for index, item in enumerate(val):
                        self.block(item, spec.get("block") or {}, f"{where}[{index}]", False)
                elif attributes.get(key, {}).get("block_syntax_allowed"):
                    for index, item in enumerate(val):
                        self.block(
                            item, attributes[key]["element_block"], f"{where}[{index}]", False
                        )
                else:
                    self.add("unknown_block", where, f"{key} is not a block of {path}")
                continue
            self.counts["attributes"] += 1
            attr = attributes.get(key)
            if attr is None:
                hint = " (it is a block: write it as key { … })" if key in block_types else ""
                self.add("unknown_attribute", where, f"{key} is not an attribute{hint}")
                continue
            if attr.get("computed") and not (attr.get("optional") or attr.get("required")):
                self.add("computed_only", where, f"{key} is computed by the provider; remove it")
            if "nested_type" in attr:
                self.nested(val, attr["nested_type"], where)
            elif not self.type_ok(val, attr.get("type")):
                self.add(
                    "wrong_type",
                    where,
                    f"{key} must be {json.dumps(attr.get('type'))}, not {json.dumps(val)}",
                )
            secret = attr.get("sensitive") or SECRET_NAME.search(key)
            if secret and is_string(val) and literal(val):
                self.add("inline_secret", where, f"{key} holds a literal; use a variable")
        for key, attr in attributes.items():
            if attr.get("required") and key not in body:
                self.add("missing_required", f"{path}.{key}", f"{key} is required")
        for key, spec in block_types.items():
            if (spec.get("min_items") or 0) > len(body.get(key) or []):
                self.add("missing_required", f"{path}.{key}", f"a {key} block is required")

    def nested(self, val: Any, nested: dict[str, Any], where: str) -> None:
        items = val if nested.get("nesting_mode") in ("list", "set") else [val]
        for item in items:
            if not isinstance(item, dict):
                self.add("wrong_type", where, "expected an object { … }")
                continue
            for key, inner in item.items():
                attr = (nested.get("attributes") or {}).get(literal(key))
                if attr is None:
                    self.add("unknown_attribute", f"{where}.{literal(key)}", "not in the schema")
                elif not self.type_ok(inner, attr.get("type")):
                    self.add("wrong_type", f"{where}.{literal(key)}", "wrong type")

    # --- files ----------------------------------------------------------------------
    def terraform(self, doc: dict[str, Any]) -> bool:
        for terraform in doc.get("terraform") or []:
            for required in terraform.get("required_providers") or []:
                entry = required.get("proxmox")
                if not isinstance(entry, dict):
                    continue
                entry = {literal(k): v for k, v in entry.items()}
                source = literal(entry.get("source", '""')) or ""
                if source.lower() != SOURCES[self.provider]:
                    self.add(
                        "provider_requirement",
                        "terraform.required_providers.proxmox.source",
                        f"source {source!r} is not {SOURCES[self.provider]}",
                    )
                if not entry.get("version"):
                    self.add(
                        "provider_requirement",
                        "terraform.required_providers.proxmox.version",
                        "no version constraint",
                    )
                return True
        return False

    def document(self, doc: dict[str, Any]) -> None:
        for provider in doc.get("provider") or []:
            for name, body in provider.items():
                self.block(
                    body, self.schema["provider"]["block"], f"provider.{literal(name)}", True
                )
        for resource in doc.get("resource") or []:
            for rtype, named in resource.items():
                rtype = literal(rtype)
                entry = self.schema["resources"].get(rtype)
                for rname, body in named.items():
                    self.counts["resources"] += 1
                    path = f"resource.{rtype}.{literal(rname)}"
                    if entry is None:
                        self.add(
                            "unknown_type",
                            path,
                            f"{rtype} is not a resource type of {SOURCES[self.provider]}",
                        )
                        continue
                    self.block(body, entry["block"], path, True)


def _walk_strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in _walk_strings(item)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_walk_strings(k), *_walk_strings(v))]
    return []


def validate(files: dict[str, str], provider: str) -> ValidationReport:
    import hcl2

    checker = _Checker(provider)
    declared_vars: set[str] = set()
    declared_resources: set[tuple[str, str]] = set()
    strings: list[tuple[str, str]] = []
    saw_requirement = False
    for name, text in sorted(files.items()):
        checker.file = name
        if name.endswith(".tftpl"):
            if not text.startswith("#cloud-config\n"):
                checker.add("cloud_init", name, "user-data must start with #cloud-config")
            continue
        if not name.endswith(".tf"):
            continue
        checker.counts["files"] += 1
        try:
            doc = hcl2.loads(text)
        except Exception as exc:  # python-hcl2 raises lark errors of several kinds
            checker.add("parse_error", name, f"does not parse: {str(exc).splitlines()[0]}")
            continue
        saw_requirement |= checker.terraform(doc)
        checker.document(doc)
        for variable in doc.get("variable") or []:
            declared_vars.update(literal(k) for k in variable)
        for resource in doc.get("resource") or []:
            for rtype, named in resource.items():
                declared_resources.update((literal(rtype), literal(n)) for n in named)
        strings += [(name, s) for s in _walk_strings(doc)]
    if not saw_requirement:
        checker.add(
            "provider_requirement", "terraform.required_providers", "no required_providers block"
        )
    for file, raw in strings:
        checker.file = file
        text = _code_of(raw)
        for var in VAR_REF.findall(text):
            if var not in declared_vars:
                checker.add(
                    "undeclared_variable", f"var.{var}", f"variable {var!r} is not declared"
                )
        for rtype, rname in RES_REF.findall(text):
            if (rtype, rname) not in declared_resources:
                checker.add("unknown_reference", f"{rtype}.{rname}", "no such resource here")
    return _report(checker)


INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")


def _code_of(text: str) -> str:
    """The expression parts of a parsed value: a quoted string's text is data, except
    what it interpolates (an escaped `$${` is not an interpolation)."""
    if is_string(text):
        return " ".join(INTERPOLATION.findall(text))
    return text


def _report(checker: _Checker) -> ValidationReport:
    problems = _dedupe(checker.problems)
    parse_failed = any(p.kind == "parse_error" for p in problems)
    penalty = sum(PENALTIES[p.kind] for p in problems)
    score = 0 if parse_failed else max(0, 100 - penalty)
    schema = checker.schema
    c = checker.counts
    checked = (
        f"{c['files']} files parsed; {c['resources']} resources, {c['blocks']} blocks and "
        f"{c['attributes']} attributes checked against {schema['source']} {schema['version']} "
        f"(types, required and computed flags, block limits, variables, references, secrets)"
    )
    if not problems:
        explanation = f"{score}: {checked}; no problems."
    else:
        listed = "; ".join(f"{p.path}: {p.message} (-{PENALTIES[p.kind]})" for p in problems[:10])
        more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        explanation = f"{score}: {checked}; {len(problems)} problems: {listed}{more}."
    return ValidationReport(
        score=score,
        passed=not problems,
        provider=schema["source"],
        provider_version=schema["version"],
        checked=dict(c),
        problems=problems,
        explanation=explanation,
    )


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for p in problems:
        key = (p.kind, p.file, p.path)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
