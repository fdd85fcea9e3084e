"""Writing a generated module to a directory: all of it or nothing.

The files go to a fresh temporary directory beside the target, which is renamed into
place only when every file is written, so no one ever sees a half-written module.
An existing non-empty target is replaced only when asked (`replace=True`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pxa.errors import Conflict, Invalid


def write_module(files: dict[str, str], target: Path, *, replace: bool = False) -> list[Path]:
    """Write `files` (relative path → text) under `target`; the paths written."""
    target = target.expanduser().resolve()
    for name in files:
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise Invalid(f"file name {name!r} leaves the module", field="files")
    if target.exists() and not target.is_dir():
        raise Conflict(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not replace:
        raise Conflict(f"{target} is not empty; choose another directory or replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "module")
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / name for name in sorted(files)]
