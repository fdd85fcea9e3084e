"""pxa.policy stays pure: no I/O libraries, no core, adapters or front doors."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

POLICY = Path(__file__).resolve().parents[2] / "pxa" / "policy"
ALLOWED_ROOTS = {"pxa", "pydantic", "__future__"} | set(sys.stdlib_module_names)
FORBIDDEN_STDLIB = {"os", "socket", "subprocess", "urllib", "http", "shutil", "pathlib", "io"}
ALLOWED_PXA = ("pxa.policy", "pxa.models")


def _imports() -> list[tuple[Path, str]]:
    found = []
    for path in POLICY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((path, node.module))
    return found


def test_policy_imports_only_the_stdlib_pydantic_and_itself() -> None:
    bad = [
        (path.name, name)
        for path, name in _imports()
        if name.split(".")[0] not in ALLOWED_ROOTS
        or name.split(".")[0] in FORBIDDEN_STDLIB
        or (name.startswith("pxa") and not name.startswith(ALLOWED_PXA))
    ]
    assert bad == []


def test_importing_policy_loads_no_core_or_network_library() -> None:
    code = "import sys, pxa.policy; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert not {m for m in loaded if m.startswith(("pxa.core", "pxa.proxmox", "pxa.cli"))}
    assert not loaded & {"proxmoxer", "requests", "httpx", "textual", "fastapi"}
