"""Loading: config.toml, then the environment on top, validated; every problem at once.

The file is `path`, else `PXA_CONFIG_FILE`, else config.toml in the config dir. A missing
default file means defaults (sandbox mode); relative paths in a file mean "next to it"; the
files that FILE_KEYS name must exist, so a typo fails here rather than as a TLS error later.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import ValidationError

from pxa import paths
from pxa.config.env import read_env
from pxa.config.problems import ENV_SOURCE, ConfigProblem, translate
from pxa.config.secret_keys import strip_secrets
from pxa.config.settings import Settings, section_models
from pxa.errors import ConfigError

# Keys naming files that must exist when pxa starts; checked at load so a typo fails early
# rather than as a TLS error on the first request.
FILE_KEYS = ("proxmox.ca_cert", "api.tls_cert", "api.tls_key")


def load_settings(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `path` (default: `PXA_CONFIG_FILE` or the config dir) and `env` overrides.

    A missing default file means defaults (sandbox mode); a missing file that was asked for,
    by argument or `PXA_CONFIG_FILE`, is an error. `env` defaults to `os.environ`.
    Raises ConfigError listing every problem.
    """
    settings, problems = _load(path, os.environ if env is None else env)
    if problems or settings is None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise ConfigError(
            f"invalid configuration ({len(problems)} problem(s)):\n{lines}",
            details={"problems": [asdict(problem) for problem in problems]},
        )
    return settings


def check_config(
    path: Path | None = None, *, env: Mapping[str, str] | None = None
) -> list[ConfigProblem]:
    """Every problem `load_settings(path, env=env)` would raise for, each once; [] if none."""
    return _load(path, os.environ if env is None else env)[1]


def _load(path: Path | None, env: Mapping[str, str]) -> tuple[Settings | None, list[ConfigProblem]]:
    explicit = path is not None or paths.explicit_config_file(env) is not None
    file = path if path is not None else paths.default_config_file(env)
    problems: list[ConfigProblem] = []
    data = strip_secrets(_read_toml(file, explicit, problems), str(file), (), problems)
    _resolve_relative_paths(data, file.absolute().parent)
    overrides, sources, env_problems = read_env(env)
    problems.extend(env_problems)
    for key, value in overrides.items():
        section, field = key.split(".")
        table = data.setdefault(section, {})
        if isinstance(table, dict):  # a non-table is the file's problem; validation says so
            table[field] = value

    settings: Settings | None = None
    failed: set[str] = set()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        for problem in translate(exc, str(file), sources):
            problems.append(problem)
            failed.add(problem.key)
    problems.extend(_missing_files(data, str(file), sources, failed))
    return settings, list(dict.fromkeys(problems))


def _read_toml(file: Path, explicit: bool, problems: list[ConfigProblem]) -> dict[str, Any]:
    name = str(file)
    if not file.exists():
        if explicit:
            problems.append(ConfigProblem(name, "", "config file not found"))
        return {}
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 puts the position only in the text: "... (at line 3, column 7)".
        match = re.fullmatch(r"(.*) \((at line \d+, column \d+|at end of document)\)", str(exc))
        where, what = (match.group(2), match.group(1)) if match else ("", str(exc))
        problems.append(ConfigProblem(name, "", f"TOML syntax error {where}: {what}"))
    except UnicodeDecodeError:
        problems.append(ConfigProblem(name, "", "not UTF-8 text"))
    except OSError as exc:
        problems.append(ConfigProblem(name, "", f"cannot read: {exc.strerror or exc}"))
    return {}


def _resolve_relative_paths(data: dict[str, Any], base: Path) -> None:
    # Relative paths in a file mean "next to this file", whatever the working directory.
    for section, field in _path_keys():
        table = data.get(section)
        value = table.get(field) if isinstance(table, dict) else None
        if isinstance(value, str) and value:
            candidate = Path(value).expanduser()
            if not candidate.is_absolute():
                table[field] = str(base / candidate)


def _missing_files(
    data: Mapping[str, Any], file: str, sources: Mapping[str, str], failed: set[str]
) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for key in FILE_KEYS:
        section, field = key.split(".")
        table = data.get(section)
        value = table.get(field) if isinstance(table, dict) else None
        if key in failed or not isinstance(value, str | Path) or not str(value):
            continue
        target = Path(value).expanduser()
        if not target.is_file():
            var = sources.get(key)
            where, suffix = (ENV_SOURCE, f" (from {var})") if var else (file, "")
            problems.append(ConfigProblem(where, key, f"file not found: {target}{suffix}"))
    return problems


def _path_keys() -> list[tuple[str, str]]:
    return [
        (section, field)
        for section, model in section_models().items()
        for field, info in model.model_fields.items()
        if _is_path_type(info.annotation)
    ]


def _is_path_type(annotation: object) -> bool:
    # `UserPath | None` keeps its Annotated wrapper inside the union.
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if arg is Path:
            return True
    return False
