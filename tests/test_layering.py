"""The architecture is tested: the core loads no front-door library, layers hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("textual", "fastapi", "anthropic", "uvicorn", "starlette")


def _loaded_after(import_line: str) -> set[str]:
    code = f"import sys; {import_line}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(out.stdout.split())


def test_importing_the_core_loads_no_front_door_library() -> None:
    loaded = _loaded_after(
        "import pxa.core.infra, pxa.core.catalogue; pxa.core.catalogue.load_all()"
    )
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_the_command_line_parser_loads_no_heavy_library() -> None:
    loaded = _loaded_after("from pxa.cli.main import build_parser; build_parser()")
    heavy = {m for m in loaded if m.split(".")[0] in (*HEAVY, "proxmoxer", "pydantic", "rich")}
    assert not heavy


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff, "ruff is part of the test extra"
    result = subprocess.run(
        [ruff, "check", "pxa", "tests", "bench"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
