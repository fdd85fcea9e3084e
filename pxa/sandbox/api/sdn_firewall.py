"""`/cluster/sdn/vnets/{vnet}/firewall`: a vnet's forward rules and options.

Vnet firewalls filter traffic forwarded across the vnet's bridge, so their rules are
`forward` rules (or security groups); they apply at once, outside pending/apply.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import fwrules
from pxa.sandbox.api.common import subdirs
from pxa.sandbox.api.sdn_common import AUDIT, vnet_access
from pxa.sandbox.errors import param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.fwrules import LOG_LEVELS
from pxa.sandbox.params import Param, boolean, string
from pxa.sandbox.routing import Call, Router

BASE = "/cluster/sdn/vnets/{vnet}/firewall"
OPTIONS: tuple[Param, ...] = (
    boolean("enable"),
    string("log_level_forward", enum=LOG_LEVELS),
    string("policy_forward", enum=("ACCEPT", "DROP")),
)
RULE_TYPES = ("forward", "group")
ALLOCATE = ("SDN.Allocate",)


def register(r: Router) -> None:
    r.get(BASE, firewall_index)
    r.get(f"{BASE}/options", get_options)
    r.put(
        f"{BASE}/options",
        set_options,
        params=[*OPTIONS, string("delete", format="pve-configid-list"), fwrules.DIGEST],
    )
    r.get(f"{BASE}/rules", list_rules)
    r.post(f"{BASE}/rules", add_rule, params=fwrules.create_params())
    r.get(f"{BASE}/rules/{{pos}}", get_rule)
    r.put(f"{BASE}/rules/{{pos}}", set_rule, params=fwrules.update_params())
    r.delete(f"{BASE}/rules/{{pos}}", delete_rule, params=[fwrules.DIGEST])


def _firewall(call: Call, privs: tuple[str, ...]) -> dict[str, Any]:
    state, _ = vnet_access(call, privs)
    return state.vnet_firewall(call.params["vnet"])


def _digest(fw: dict[str, Any]) -> str:
    return fwrules.digest(fw["options"], fw["rules"])


def _check(rule: dict[str, Any]) -> None:
    fwrules.verify(rule, RULE_TYPES)


def firewall_index(call: Call) -> list[dict[str, str]]:
    vnet_access(call, AUDIT)
    return subdirs("rules", "options", key="name")


def get_options(call: Call) -> dict[str, Any]:
    fw = _firewall(call, AUDIT)
    return {**fw["options"], "digest": _digest(fw)}


def set_options(call: Call) -> None:
    fw = _firewall(call, ALLOCATE)
    fwrules.check_digest(call.get("digest"), _digest(fw))
    names = {p.name for p in OPTIONS}
    for key in split_list(call.get("delete") or ""):
        if key not in names:
            raise param_error({"delete": f"no such option '{key}'"})
        fw["options"].pop(key, None)
    for key in names & set(call.params):
        fw["options"][key] = call.params[key]
    return None


def list_rules(call: Call) -> list[dict[str, Any]]:
    fw = _firewall(call, AUDIT)
    digest = _digest(fw)
    return [fwrules.render(rule, pos, digest) for pos, rule in enumerate(fw["rules"])]


def get_rule(call: Call) -> dict[str, Any]:
    fw = _firewall(call, AUDIT)
    pos = call.get("pos")
    return fwrules.render(fwrules.at(fw["rules"], pos), pos, _digest(fw))


def add_rule(call: Call) -> None:
    fw = _firewall(call, ALLOCATE)
    fwrules.check_digest(call.get("digest"), _digest(fw))
    rule = fwrules.fields(call.params)
    _check(rule)
    fwrules.insert(fw["rules"], rule, call.get("pos"))
    return None


def set_rule(call: Call) -> None:
    fw = _firewall(call, ALLOCATE)
    fwrules.check_digest(call.get("digest"), _digest(fw))
    fwrules.update(fw["rules"], call.get("pos"), call.params, _check)
    return None


def delete_rule(call: Call) -> None:
    fw = _firewall(call, ALLOCATE)
    fwrules.check_digest(call.get("digest"), _digest(fw))
    fwrules.at(fw["rules"], call.get("pos"))
    fw["rules"].pop(call.get("pos"))
    return None
