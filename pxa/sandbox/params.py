"""Parameter declarations and PVE's generic parameter validator.

Every served method declares its parameters here, in our own words; the validator
answers like PVE's JSONSchema checker (400 `Parameter verification failed.` with an
`errors` object keyed by parameter). Indexed families are declared once as
`net[n]` with the number of slots, as the schema collapses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pxa.sandbox.errors import param_error
from pxa.sandbox.formats import check_format

_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INDEXED_RE = re.compile(r"^([a-z][a-z_-]*?)(\d+)$")

UNKNOWN = "property is not defined in schema and the schema does not allow additional properties"
MISSING = "property is missing and it is not optional"


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # integer | string | boolean | number | array (of strings)
    optional: bool = True
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    max_length: int | None = None
    format: str | None = None
    slots: int = 0  # for `name[n]`: how many indexes exist

    @property
    def indexed(self) -> bool:
        return self.name.endswith("[n]")


def string(name: str, **kw: Any) -> Param:
    return Param(name, "string", **_tuple_enum(kw))


def integer(name: str, **kw: Any) -> Param:
    return Param(name, "integer", **kw)


def boolean(name: str, **kw: Any) -> Param:
    return Param(name, "boolean", **kw)


def number(name: str, **kw: Any) -> Param:
    return Param(name, "number", **kw)


def _tuple_enum(kw: dict[str, Any]) -> dict[str, Any]:
    if kw.get("enum") is not None:
        kw["enum"] = tuple(kw["enum"])
    return kw


def spec_for(specs: Mapping[str, Param], key: str) -> Param | None:
    """The declaration that covers `key`, resolving `net3` to `net[n]`."""
    if key in specs:
        return specs[key]
    m = _INDEXED_RE.match(key)
    if m:
        spec = specs.get(m.group(1) + "[n]")
        if spec is not None and int(m.group(2)) < spec.slots and str(int(m.group(2))) == m.group(2):
            return spec
    return None


def validate(specs: Mapping[str, Param], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check `raw` (form strings or JSON values) and return typed values or raise 400."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = spec_for(specs, key)
        if spec is None:
            errors[key] = UNKNOWN
            continue
        try:
            out[key] = _check(spec, value)
        except ValueError as exc:
            errors[key] = str(exc)
    for spec in specs.values():
        if not spec.optional and not spec.indexed and spec.name not in raw:
            errors.setdefault(spec.name, MISSING)
    if errors:
        raise param_error(errors)
    return out


def _check(spec: Param, value: Any) -> Any:
    if spec.type == "array":  # a repeated form key or a JSON list; the items are strings
        items = value if isinstance(value, list) else [value]
        return [_check(replace(spec, type="string"), item) for item in items]
    if isinstance(value, list):  # a repeated form key; PVE would want an array type here
        value = value[-1]
    typed = _TYPES[spec.type](value)
    if spec.enum is not None and str(typed) not in spec.enum:
        raise ValueError(
            f"value '{typed}' does not have a value in the enumeration '{', '.join(spec.enum)}'"
        )
    if spec.minimum is not None and typed < spec.minimum:
        raise ValueError(f"value must have a minimum value of {_num(spec.minimum)}")
    if spec.maximum is not None and typed > spec.maximum:
        raise ValueError(f"value must have a maximum value of {_num(spec.maximum)}")
    if isinstance(typed, str):
        if spec.max_length is not None and len(typed) > spec.max_length:
            raise ValueError(f"value may only be {spec.max_length} characters long")
        if spec.pattern is not None and not re.fullmatch(spec.pattern, typed):
            raise ValueError("value does not match the regex pattern")
        if spec.format is not None:
            check_format(spec.format, typed)
    return typed


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _as_integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value):
        return int(value)
    raise ValueError(f"type check ('integer') failed - got '{_show(value)}'")


def _as_number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and _NUM_RE.match(value):
        return float(value)
    raise ValueError(f"type check ('number') failed - got '{_show(value)}'")


def _as_boolean(value: Any) -> int:
    # Form data carries only the strings 1 and 0; JSON bodies may use real booleans.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if value in ("0", "1"):
        return int(value)
    raise ValueError(f"type check ('boolean') failed - got '{_show(value)}'")


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise ValueError(f"type check ('string') failed - got '{_show(value)}'")


def _show(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


_TYPES: dict[str, Callable[[Any], Any]] = {
    "integer": _as_integer,
    "number": _as_number,
    "boolean": _as_boolean,
    "string": _as_string,
}


def declare(params: Iterable[Param]) -> dict[str, Param]:
    return {p.name: p for p in params}
