"""What is wrong with a configuration, as `ConfigProblem`s: file, dotted key and message.

Pydantic's validation errors are translated here, once, into messages that name the key and
suggest the close match for a typo; a value that came from a `PXA_SECTION__FIELD` variable
is blamed on that variable, not on the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from pxa.config.settings import CrossFieldError, section_models

ENV_SOURCE = "environment"
"""`ConfigProblem.file` for a problem in a `PXA_SECTION__FIELD` variable rather than a file."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the configuration; `key` is dotted, empty for the whole file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        if not self.key:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.key}: {self.message}"


def translate(exc: ValidationError, file: str, sources: Mapping[str, str]) -> list[ConfigProblem]:
    """One problem per error, blamed on the variable in `sources` that set it, else `file`."""
    problems: list[ConfigProblem] = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, CrossFieldError):
            loc = (*loc, cause.field)
        key = ".".join(loc)
        message = _error_message(error["type"], loc, error.get("msg", ""), cause)
        if error["type"] not in _HIDE_INPUT and _is_scalar(error.get("input")):
            message += f" (got {_short_repr(error['input'])})"
        var = next((sources[k] for k in _prefixes(loc) if k in sources), None)
        if var is not None:
            problems.append(ConfigProblem(ENV_SOURCE, key, f"{message} (from {var})"))
        else:
            problems.append(ConfigProblem(file, key, message))
    return problems


# Kinds where the offending value is noise (a whole table, an unknown key's value).
_HIDE_INPUT = frozenset({"extra_forbidden", "model_type", "dict_type", "missing"})


def _error_message(kind: str, loc: tuple[str, ...], msg: str, cause: object) -> str:
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind in ("model_type", "dict_type"):
        return f"expected a table, e.g. [{'.'.join(loc)}]"
    if kind == "path_type":
        return "expected a path, as a string"
    if isinstance(cause, Exception):
        return str(cause)
    return msg


def _unknown_key_message(loc: tuple[str, ...]) -> str:
    parent, name = loc[:-1], loc[-1]
    sections = section_models()
    if not parent:
        match = difflib.get_close_matches(name, list(sections), n=1)
        homes = [f"{s}.{name}" for s, model in sections.items() if name in model.model_fields]
        if match:
            return f"unknown section; did you mean [{match[0]}]?"
        if homes:
            return f"unknown key; did you mean {' or '.join(homes)}?"
        return f"unknown section; sections are {', '.join(sections)}"
    model = sections.get(parent[0])
    fields = list(model.model_fields) if model is not None and len(parent) == 1 else []
    match = difflib.get_close_matches(name, fields, n=1)
    if match:
        return f"unknown key; did you mean {'.'.join((*parent, match[0]))}?"
    # The right key in the wrong section is a common slip (read_only under [api]).
    homes = [f"{s}.{name}" for s, model in sections.items() if name in model.model_fields]
    if homes:
        return f"unknown key here; did you mean {' or '.join(homes)}?"
    return f"unknown key; [{'.'.join(parent)}] has {', '.join(fields)}"


def _prefixes(loc: tuple[str, ...]) -> list[str]:
    return [".".join(loc[:n]) for n in range(len(loc), 0, -1)]


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
