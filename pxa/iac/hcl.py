"""Writing HCL from code (never from a model's text), and reading literals back.

`Block` and `Expr` describe the document; `render` prints it the way `terraform fmt`
would (two-space indent, aligned `=` in runs of one-line attributes). `literal` undoes
the quoting python-hcl2 leaves on strings, for validation and for reading exports back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Expr:
    """A Terraform expression written as is: var.x, proxmox_vm.web.id, file(...)."""

    text: str


@dataclass
class Block:
    name: str
    labels: tuple[str, ...] = ()
    items: list[tuple[str, Any] | Block] = field(default_factory=list)

    def set(self, key: str, value: Any) -> Block:
        if value is not None:
            self.items.append((key, value))
        return self

    def add(self, child: Block) -> Block:
        self.items.append(child)
        return self


def quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{escaped}"'


def _key(key: str) -> str:
    return key if IDENTIFIER.match(key) else quote(key)


def value(item: Any, indent: int = 0) -> str:
    if isinstance(item, Expr):
        return item.text
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, list):
        return "[" + ", ".join(value(v, indent) for v in item) + "]"
    if isinstance(item, dict):
        pad = "  " * (indent + 1)
        width = max((len(_key(k)) for k in item), default=0)
        inner = "\n".join(
            f"{pad}{_key(k).ljust(width)} = {value(v, indent + 1)}" for k, v in item.items()
        )
        return "{\n" + inner + "\n" + "  " * indent + "}"
    raise TypeError(f"cannot write {type(item).__name__} as HCL")


def render(block: Block, indent: int = 0) -> str:
    pad = "  " * indent
    head = " ".join([block.name, *(quote(label) for label in block.labels)])
    lines = [f"{pad}{head} {{"]
    run: list[tuple[str, Any]] = []

    def flush() -> None:
        width = max((len(k) for k, v in run if not isinstance(v, dict)), default=0)
        for key, item in run:
            key_text = key if isinstance(item, dict) else key.ljust(width)
            lines.append(f"{pad}  {key_text} = {value(item, indent + 1)}")
        run.clear()

    for entry in block.items:
        if isinstance(entry, Block):
            flush()
            lines.append(render(entry, indent + 1))
        else:
            run.append(entry)
    flush()
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def document(blocks: list[Block], header: str | None = None) -> str:
    parts = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    body = "\n\n".join(render(b) for b in blocks)
    return ("\n".join(parts) + "\n\n" if parts else "") + body + "\n"


# --- reading what python-hcl2 returns --------------------------------------------------
def is_expression(item: Any) -> bool:
    """An unevaluated expression (python-hcl2 wraps them in ${…})."""
    return isinstance(item, str) and item.startswith("${") and item.endswith("}")


def is_string(item: Any) -> bool:
    return isinstance(item, str) and len(item) >= 2 and item[0] == '"' and item[-1] == '"'


def literal(item: Any) -> Any:
    """A parsed value with HCL's quoting undone: '"a\\nb"' → 'a\\nb'; lists and maps too."""
    if is_string(item):
        text = json.loads(item.replace("$${", "${").replace("%%{", "%{"))
        return text
    if isinstance(item, list):
        return [literal(v) for v in item]
    if isinstance(item, dict):
        return {literal(k): literal(v) for k, v in item.items() if k != "__is_block__"}
    return item


def blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested blocks called `name` in a parsed body (always a list)."""
    found = body.get(name) or []
    return [b for b in found if isinstance(b, dict) and b.get("__is_block__")]
