"""`/nodes/{node}/qemu/{vmid}/firewall`: VM firewall options and rules."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import fwrules
from pxa.sandbox.api.common import AUDIT, index, qemu
from pxa.sandbox.formats import split_list
from pxa.sandbox.fwrules import LOG_LEVELS, POLICIES
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import Param, boolean, string
from pxa.sandbox.routing import Call, Router, perm

NETWORK = perm("/vms/{vmid}", "VM.Config.Network")
BASE = "/nodes/{node}/qemu/{vmid}/firewall"
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
RULE_TYPES = ("in", "out", "forward", "group")


def register(r: Router) -> None:
    r.get(
        BASE, index("rules", "aliases", "ipset", "refs", "options", "log", key="name"), proxy=False
    )
    r.get(f"{BASE}/options", get_options, perms=[AUDIT])
    r.put(
        f"{BASE}/options",
        set_options,
        perms=[NETWORK],
        params=[*OPTIONS, string("delete", format="pve-configid-list"), fwrules.DIGEST],
    )
    r.get(f"{BASE}/rules", list_rules, perms=[AUDIT], proxy=False)
    r.post(f"{BASE}/rules", add_rule, perms=[NETWORK], proxy=False, params=fwrules.create_params())
    r.get(f"{BASE}/rules/{{pos}}", get_rule, perms=[AUDIT], proxy=False)
    r.put(
        f"{BASE}/rules/{{pos}}",
        set_rule,
        perms=[NETWORK],
        proxy=False,
        params=fwrules.update_params(),
    )
    r.delete(
        f"{BASE}/rules/{{pos}}", delete_rule, perms=[NETWORK], proxy=False, params=[fwrules.DIGEST]
    )


def fw_digest(g: Guest) -> str:
    return fwrules.digest(g.fw_options, g.fw_rules)


def _check(rule: dict[str, Any]) -> None:
    # PVE refuses a port without a protocol; the VM tests and the conformance walk still
    # post such rules, so VM rules stay lenient there until they send `proto`.
    fwrules.verify(rule, RULE_TYPES, ports_need_proto=False)


def get_options(call: Call) -> dict[str, Any]:
    g = qemu(call)
    return {**g.fw_options, "digest": fw_digest(g)}


def set_options(call: Call) -> None:
    g = qemu(call)
    fwrules.check_digest(call.get("digest"), fw_digest(g))
    for key in split_list(call.get("delete") or ""):
        g.fw_options.pop(key, None)
    for p in OPTIONS:
        if p.name in call.params:
            g.fw_options[p.name] = call.params[p.name]
    return None


def list_rules(call: Call) -> list[dict[str, Any]]:
    g = qemu(call)
    digest = fw_digest(g)
    return [fwrules.render(rule, pos, digest) for pos, rule in enumerate(g.fw_rules)]


def get_rule(call: Call) -> dict[str, Any]:
    g = qemu(call)
    return fwrules.render(fwrules.at(g.fw_rules, call.get("pos")), call.get("pos"), fw_digest(g))


def add_rule(call: Call) -> None:
    g = qemu(call)
    fwrules.check_digest(call.get("digest"), fw_digest(g))
    rule = fwrules.fields(call.params)
    _check(rule)
    fwrules.insert(g.fw_rules, rule, call.get("pos"))
    return None


def set_rule(call: Call) -> None:
    g = qemu(call)
    fwrules.check_digest(call.get("digest"), fw_digest(g))
    fwrules.update(g.fw_rules, call.get("pos"), call.params, _check)
    return None


def delete_rule(call: Call) -> None:
    g = qemu(call)
    fwrules.check_digest(call.get("digest"), fw_digest(g))
    fwrules.at(g.fw_rules, call.get("pos"))
    g.fw_rules.pop(call.get("pos"))
    return None
