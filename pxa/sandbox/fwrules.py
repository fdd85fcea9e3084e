"""Firewall rules as pve-firewall keeps them, shared by VM and vnet firewalls.

A rule set is a list of dicts; new rules go to the top (or `pos`) and stay disabled
unless `enable=1` is sent. Checking follows PVE: field syntax first, every bad field
reported at once (`invalid format - ...`), then `verify_rule`'s semantic checks,
which stop at the first problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from pxa.sandbox import fwspec
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.fwnames import MACROS, PROTOCOLS_WITH_PORTS
from pxa.sandbox.params import Param, integer, string

LOG_LEVELS = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog")
POLICIES = ("ACCEPT", "REJECT", "DROP")
RULE_FIELDS: tuple[Param, ...] = (
    string("action", pattern=r"[A-Za-z][A-Za-z0-9\-\_]+", max_length=20),
    string("type", enum=("in", "out", "forward", "group")),
    string("comment"),
    string("dest", max_length=512),
    string("dport"),
    integer("enable", minimum=0),
    string("icmp-type"),
    string("iface", max_length=20),
    string("log", enum=LOG_LEVELS),
    string("macro", max_length=128),
    string("proto"),
    string("source", max_length=512),
    string("sport"),
)
FIELD_NAMES = tuple(p.name for p in RULE_FIELDS)
DIGEST = string("digest", max_length=64)

_SYNTAX: dict[str, Callable[[str], object]] = {
    "dport": lambda v: fwspec.ports(v, dport=True),
    "sport": lambda v: fwspec.ports(v, dport=False),
    "proto": fwspec.protocol,
    "source": fwspec.addresses,
    "dest": fwspec.addresses,
    "icmp-type": fwspec.icmp_type,
    "iface": fwspec.iface,
}


def create_params() -> list[Param]:
    required = ("action", "type")
    fields = [replace(p, optional=False) if p.name in required else p for p in RULE_FIELDS]
    return [*fields, integer("pos", minimum=0), DIGEST]


def update_params() -> list[Param]:
    extra = (integer("moveto", minimum=0), string("delete", format="pve-configid-list"), DIGEST)
    return [*RULE_FIELDS, *extra]


def digest(options: Mapping[str, Any], rules: list[dict[str, Any]]) -> str:
    return hashlib.sha1(json.dumps([options, rules], sort_keys=True).encode()).hexdigest()


def check_digest(given: str | None, current: str) -> None:
    if given and given != current:
        raise fail("detected modified configuration - file changed by other user? Try again.")


def render(rule: dict[str, Any], pos: int, digest_: str) -> dict[str, Any]:
    item = {"pos": pos, "digest": digest_, **rule}
    item.setdefault("enable", 0)
    version = _ip_version(rule)
    if version:
        item["ipversion"] = version
    return item


def _ip_version(rule: dict[str, Any]) -> int | None:
    for key in ("source", "dest"):
        try:
            version = fwspec.addresses(rule[key]) if key in rule else None
        except ValueError:
            version = None
        if version:
            return version
    return {"icmp": 4, "icmpv6": 6}.get(rule.get("proto", ""))


def at(rules: list[dict[str, Any]], pos: int | None) -> dict[str, Any]:
    if pos is None or pos >= len(rules):
        raise fail(f"no rule at position {pos}")
    return rules[pos]


def verify(rule: dict[str, Any], types: tuple[str, ...], *, ports_need_proto: bool = True) -> None:
    """PVE's checks for a whole rule; `types` are the rule types this firewall takes."""
    errors = {}
    for key, check in _SYNTAX.items():
        try:
            if key in rule:
                check(rule[key])
        except ValueError as exc:
            errors[key] = f"invalid format - {exc}"
    if errors:
        raise param_error(errors)
    problem = _first_problem(rule, types, ports_need_proto)
    if problem:
        raise param_error(dict([problem]))


def _first_problem(
    rule: dict[str, Any], types: tuple[str, ...], ports_need_proto: bool
) -> tuple[str, str] | None:
    kind, action = rule.get("type"), rule.get("action")
    if kind == "group":
        if "group" not in types:
            return "type", "security groups not allowed"
    elif kind not in types:
        return "type", f"rule type '{kind}' is not allowed here"
    elif action not in POLICIES:
        return "action", f"unknown action '{action}'"
    if "macro" in rule:
        if rule["macro"].lower() not in MACROS:
            return "macro", f"unknown macro '{rule['macro']}'"
        rule["macro"] = MACROS[rule["macro"].lower()]
    proto = rule.get("proto")
    for key in ("dport", "sport"):
        if key not in rule:
            continue
        if not proto:
            if ports_need_proto:
                return "proto", f"missing property - '{key}' requires this property"
        elif proto not in PROTOCOLS_WITH_PORTS and not (
            key == "dport" and proto in ("icmp", "icmpv6")
        ):
            return key, f"protocol '{proto}' does not support ports"
    for key in ("source", "dest"):
        value = rule.get(key, "")
        if value.startswith("+") and not fwspec.IPSET_NAME.match(value):
            return key, f"invalid ipset name '{value}'"
    return None


def fields(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: params[key] for key in FIELD_NAMES if key in params}


def insert(rules: list[dict[str, Any]], rule: dict[str, Any], pos: int | None) -> None:
    rules.insert(min(pos or 0, len(rules)), rule)


def update(
    rules: list[dict[str, Any]],
    pos: int,
    params: Mapping[str, Any],
    check: Callable[[dict[str, Any]], None],
) -> None:
    """PUT on a rule: `moveto` only reorders; '' or '-' clears a field, as in PVE."""
    rule = at(rules, pos)
    if params.get("moveto") is not None:
        rules.pop(pos)
        rules.insert(min(params["moveto"], len(rules)), rule)
        return
    changed = dict(rule)
    for key, value in fields(params).items():
        if value in ("", "-"):
            changed.pop(key, None)
        else:
            changed[key] = value
    for key in split_list(params.get("delete") or ""):
        changed.pop(key, None)
    check(changed)
    rules[pos] = changed
