"""`/nodes/{node}/qemu/{vmid}/firewall`: VM firewall options and rules."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any

from pxa.sandbox.api.common import AUDIT, index, qemu
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm

NETWORK = perm("/vms/{vmid}", "VM.Config.Network")
BASE = "/nodes/{node}/qemu/{vmid}/firewall"
LOG_LEVELS = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog")
POLICIES = ("ACCEPT", "REJECT", "DROP")
OPTIONS: tuple[Param, ...] = (
    boolean("enable"),
    boolean("dhcp"),
    boolean("ipfilter"),
    boolean("macfilter"),
    boolean("ndp"),
    boolean("radv"),
    string("log_level_in", enum=LOG_LEVELS),
    string("log_level_out", enum=LOG_LEVELS),
    string("policy_in", enum=POLICIES),
    string("policy_out", enum=POLICIES),
)
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
_PORTS = re.compile(r"^[\w\-.]+(:[\w\-.]+)?(,[\w\-.]+(:[\w\-.]+)?)*$")
_ADDR = re.compile(r"^[!+]?[\w.:/\-,]+$")


def register(r: Router) -> None:
    r.get(
        BASE, index("rules", "aliases", "ipset", "refs", "options", "log", key="name"), proxy=False
    )
    digest = string("digest", max_length=64)
    r.get(f"{BASE}/options", get_options, perms=[AUDIT])
    r.put(
        f"{BASE}/options",
        set_options,
        perms=[NETWORK],
        params=[*OPTIONS, string("delete", format="pve-configid-list"), digest],
    )
    r.get(f"{BASE}/rules", list_rules, perms=[AUDIT], proxy=False)
    r.post(
        f"{BASE}/rules",
        add_rule,
        perms=[NETWORK],
        proxy=False,
        params=[*_required(RULE_FIELDS, ("action", "type")), integer("pos", minimum=0), digest],
    )
    r.get(f"{BASE}/rules/{{pos}}", get_rule, perms=[AUDIT], proxy=False)
    r.put(
        f"{BASE}/rules/{{pos}}",
        set_rule,
        perms=[NETWORK],
        proxy=False,
        params=[
            *RULE_FIELDS,
            integer("moveto", minimum=0),
            string("delete", format="pve-configid-list"),
            digest,
        ],
    )
    r.delete(f"{BASE}/rules/{{pos}}", delete_rule, perms=[NETWORK], proxy=False, params=[digest])


def _required(fields: tuple[Param, ...], names: tuple[str, ...]) -> list[Param]:
    return [replace(p, optional=False) if p.name in names else p for p in fields]


def fw_digest(g: Guest) -> str:
    text = json.dumps([g.fw_options, g.fw_rules], sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()


def _check_digest(call: Call, g: Guest) -> None:
    if call.get("digest") and call.get("digest") != fw_digest(g):
        raise fail("detected modified configuration - file changed by other user? Try again.")


def get_options(call: Call) -> dict[str, Any]:
    g = qemu(call)
    return {**g.fw_options, "digest": fw_digest(g)}


def set_options(call: Call) -> None:
    g = qemu(call)
    _check_digest(call, g)
    for key in split_list(call.get("delete") or ""):
        g.fw_options.pop(key, None)
    for p in OPTIONS:
        if p.name in call.params:
            g.fw_options[p.name] = call.params[p.name]
    return None


def _render(rule: dict[str, Any], pos: int, digest: str) -> dict[str, Any]:
    item = {"pos": pos, "digest": digest, **rule}
    item.setdefault("enable", 0)
    addresses = [rule.get("source", ""), rule.get("dest", "")]
    if any(a and ":" in a for a in addresses):
        item["ipversion"] = 6
    elif any(a and a[0].isdigit() for a in addresses):
        item["ipversion"] = 4
    return item


def list_rules(call: Call) -> list[dict[str, Any]]:
    g = qemu(call)
    digest = fw_digest(g)
    return [_render(rule, pos, digest) for pos, rule in enumerate(g.fw_rules)]


def _rule_at(g: Guest, pos: int | None) -> dict[str, Any]:
    if pos is None or pos >= len(g.fw_rules):
        raise fail(f"no rule at position {pos}")
    return g.fw_rules[pos]


def get_rule(call: Call) -> dict[str, Any]:
    g = qemu(call)
    return _render(_rule_at(g, call.get("pos")), call.get("pos"), fw_digest(g))


def _fields(call: Call) -> dict[str, Any]:
    rule = {p.name: call.params[p.name] for p in RULE_FIELDS if p.name in call.params}
    errors = {}
    if (
        rule.get("type") in ("in", "out", "forward")
        and "action" in rule
        and rule["action"] not in POLICIES
    ):
        errors["action"] = f"unknown action '{rule['action']}'"
    for key in ("dport", "sport"):
        if key in rule and not _PORTS.match(rule[key]):
            errors[key] = f"invalid port '{rule[key]}'"
    for key in ("source", "dest"):
        if key in rule and not _ADDR.match(rule[key]):
            errors[key] = f"invalid address '{rule[key]}'"
    if errors:
        raise param_error(errors)
    return rule


def add_rule(call: Call) -> None:
    g = qemu(call)
    _check_digest(call, g)
    rule = _fields(call)
    # New rules go to the top and stay disabled unless enable=1 is sent.
    pos = min(call.get("pos", 0), len(g.fw_rules))
    g.fw_rules.insert(pos, rule)
    return None


def set_rule(call: Call) -> None:
    g = qemu(call)
    _check_digest(call, g)
    pos = call.get("pos")
    rule = _rule_at(g, pos)
    if call.get("moveto") is not None:
        g.fw_rules.pop(pos)
        g.fw_rules.insert(min(call.get("moveto"), len(g.fw_rules)), rule)
        return None
    rule.update(_fields(call))
    for key in split_list(call.get("delete") or ""):
        rule.pop(key, None)
    return None


def delete_rule(call: Call) -> None:
    g = qemu(call)
    _check_digest(call, g)
    _rule_at(g, call.get("pos"))
    g.fw_rules.pop(call.get("pos"))
    return None
