"""pxa.sdk is a client: importing it loads no server, core, UI or AI package."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("pxa.core", "pxa.api", "pxa.proxmox", "pxa.store", "fastapi", "textual", "anthropic")


def test_importing_the_sdk_loads_only_the_models() -> None:
    code = (
        "import json, sys; import pxa.sdk; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pxa', 'fastapi', 'textual', 'anthropic', 'uvicorn', 'starlette'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert not bad, f"importing pxa.sdk loaded {bad}"
    assert {m.split(".")[1] for m in loaded if m.count(".") >= 1} <= {"models", "sdk"}
