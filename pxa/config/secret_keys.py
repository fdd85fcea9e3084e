"""Secrets are refused in config files and `PXA_SECTION__FIELD` variables, saying where they go.

A secret key is reported once, where it was found, and dropped before validation so it is not
reported a second time as an unknown key; its value never appears in a problem.
"""

from __future__ import annotations

from typing import Any

from pxa.config.problems import ConfigProblem
from pxa.secrets import SECRET_NAMES

SECRET_KEYS = frozenset(
    {"password", "token_secret", "token_value", "secret", "api_key", "anthropic_api_key"}
)
"""Key names that hold a secret wherever they appear; they are refused in config files."""


def strip_secrets(
    table: dict[str, Any], file: str, where: tuple[str, ...], problems: list[ConfigProblem]
) -> dict[str, Any]:
    """A copy of `table` without secret keys, each reported once where it was found."""
    kept: dict[str, Any] = {}
    for key, value in table.items():
        loc = (*where, key)
        if key.lower().replace("-", "_") in SECRET_KEYS:
            problems.append(ConfigProblem(file, ".".join(loc), secret_message(loc)))
        elif isinstance(value, dict):
            inner = strip_secrets(value, file, loc, problems)
            # A table that held nothing but secrets would only add a second, noisier problem.
            if inner or not value:
                kept[key] = inner
        else:
            kept[key] = value
    return kept


def secret_message(loc: tuple[str, ...], place: str = "config.toml") -> str:
    """Why the secret at `loc` may not be in `place`, and the two places it may be."""
    name = _secret_name(loc)
    return (
        f"secrets do not belong in {place} — run 'pxa config set-secret {name}' "
        f"(OS keyring) or set {SECRET_NAMES[name]}"
    )


def _secret_name(loc: tuple[str, ...]) -> str:
    """The pxa secret a misplaced key most likely meant."""
    key = loc[-1].lower().replace("-", "_")
    section = loc[0].lower() if len(loc) > 1 else ""
    if section in ("ai", "anthropic") or key == "anthropic_api_key":
        return "anthropic.api_key"
    if key == "password":
        return "proxmox.password"
    if key == "api_key" and section != "proxmox":
        return "anthropic.api_key"
    return "proxmox.token_secret"
