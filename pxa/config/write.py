"""Changing one setting in config.toml for the person, keeping their comments and layout.

Used where pxa remembers a choice made elsewhere than the file (the theme picked in the
TUI's palette). The value is validated as the setting it becomes before anything is
written, and the file is replaced atomically, so a failure leaves the old file whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError

from pxa import paths
from pxa.config.settings import section_models
from pxa.errors import ConfigError


def set_value(key: str, value: Any, path: Path | None = None) -> Path:
    """Write `section.field = value` into the config file (default: the one pxa reads)."""
    section, _, field = key.partition(".")
    model = section_models().get(section)
    if model is None or field not in model.model_fields:
        raise ConfigError(f"unknown setting {key!r}")
    try:
        model.model_validate({field: value})
    except ValidationError as exc:
        raise ConfigError(f"{key}: {exc.errors()[0]['msg']}") from exc
    file = path or paths.default_config_file()
    try:
        doc = tomlkit.parse(file.read_text()) if file.exists() else tomlkit.document()
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{file} is not valid TOML ({exc}); {key} was not saved") from exc
    table = doc.get(section)
    if table is None:
        table = doc[section] = tomlkit.table()
    table[field] = value
    _replace(file, tomlkit.dumps(doc))
    return file


def _replace(file: Path, text: str) -> None:
    if not file.parent.exists():
        paths.ensure_private_dir(file.parent)  # as `pxa config init` makes it
    mode = file.stat().st_mode & 0o777 if file.exists() else 0o600
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
