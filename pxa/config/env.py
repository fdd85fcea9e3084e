"""`PXA_SECTION__FIELD` environment variables: each overrides one setting of the file.

Values stay raw strings for pydantic to validate, except a dict setting, which is JSON, and
an empty variable, which unsets an optional setting. Variables without `__` (PXA_CONFIG_FILE,
the secrets' PXA_PROXMOX_TOKEN_SECRET, ...) are not settings and are left alone.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from typing import Any, get_args, get_origin

from pxa.config.problems import ENV_SOURCE, ConfigProblem
from pxa.config.secret_keys import SECRET_KEYS, secret_message
from pxa.config.settings import section_models

ENV_PREFIX = "PXA_"


def env_overrides(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Dotted setting key → the `PXA_SECTION__FIELD` variable that overrides it."""
    return read_env(os.environ if env is None else env)[1]


def read_env(
    env: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, str], list[ConfigProblem]]:
    """Values (dotted key → raw value), sources (dotted key → variable) and problems."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or "__" not in var:
            continue  # PXA_CONFIG_FILE, PXA_PROXMOX_TOKEN_SECRET, ... are not settings
        section, _, field = var[len(ENV_PREFIX) :].lower().partition("__")
        key = f"{section}.{field}"
        if field in SECRET_KEYS:
            message = secret_message((section, field), f"{ENV_PREFIX}SECTION__FIELD settings")
            problems.append(ConfigProblem(ENV_SOURCE, key, f"{var}: {message}"))
            continue
        section_model = section_models().get(section)
        if section_model is None or field not in section_model.model_fields:
            problems.append(ConfigProblem(ENV_SOURCE, key, _unknown_env_message(var, key)))
            continue
        annotation = section_model.model_fields[field].annotation
        raw = env[var]
        if get_origin(annotation) is dict:
            try:
                values[key] = json.loads(raw)
            except json.JSONDecodeError:
                message = f'{var} must be a JSON object, e.g. \'{{"vm-start": "s"}}\''
                problems.append(ConfigProblem(ENV_SOURCE, key, message))
                continue
        elif raw == "" and type(None) in get_args(annotation):
            values[key] = None  # an empty variable unsets an optional setting
        else:
            values[key] = raw
        sources[key] = var
    return values, sources, problems


def _unknown_env_message(var: str, key: str) -> str:
    known = [f"{s}.{f}" for s, model in section_models().items() for f in model.model_fields]
    match = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {_env_name(match[0])}?" if match else ""
    return f"{var} names no setting{hint}"


def _env_name(key: str) -> str:
    section, field = key.split(".")
    return f"{ENV_PREFIX}{section.upper()}__{field.upper()}"
