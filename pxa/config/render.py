"""The settings written out as TOML (`pxa config show`), and the shipped example config.

config.example.toml lives at the repository root; `pxa/config/config.example.toml` links to
it so it ships in the wheel as package data, and a checkout finds it either way.
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Mapping
from pathlib import Path

from pxa.config.settings import Settings
from pxa.errors import ConfigError


def settings_to_toml(settings: Settings, *, sources: Mapping[str, str] | None = None) -> str:
    """The settings as TOML that loads back to them; unset keys and `sources` as comments."""
    lines: list[str] = []
    for section_name in Settings.model_fields:
        section = getattr(settings, section_name)
        lines.append(f"[{section_name}]")
        for name in type(section).model_fields:
            value = getattr(section, name)
            source = (sources or {}).get(f"{section_name}.{name}")
            note = f"  # from {source}" if source else ""
            if value is None:
                lines.append(f"# {name} is unset{note}")
            else:
                lines.append(f"{name} = {_toml_value(value)}{note}")
        lines.append("")
    return "\n".join(lines)


def example_config_text() -> str:
    """The text of config.example.toml, from the installed package or the source checkout."""
    candidates = (
        importlib.resources.files("pxa.config").joinpath("config.example.toml"),
        Path(__file__).resolve().parents[2] / "config.example.toml",
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise ConfigError("config.example.toml is not part of this installation")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {items} }}" if items else "{}"
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)
