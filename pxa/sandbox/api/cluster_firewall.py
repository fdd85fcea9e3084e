"""`/cluster/firewall`: the datacenter firewall's options, rules and security groups.

The datacenter firewall is the master switch: while its `enable` is 0 (the default,
and the lab's seed) no node, VM or container rule is applied.
"""

from __future__ import annotations

import re
from typing import Any

from pxa.sandbox import fwrules
from pxa.sandbox.api.common import index
from pxa.sandbox.errors import param_error
from pxa.sandbox.fwrules import POLICIES
from pxa.sandbox.host_firewall import digest, host_firewall, set_options
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm

BASE = "/cluster/firewall"
AUDIT = perm("/", "Sys.Audit")
MODIFY = perm("/", "Sys.Modify")
OPTIONS: tuple[Param, ...] = (
    integer("enable", minimum=0),
    boolean("ebtables"),
    string("log_ratelimit"),
    string("policy_in", enum=POLICIES),
    string("policy_out", enum=POLICIES),
    string("policy_forward", enum=("ACCEPT", "DROP")),
)
_RATE = re.compile(r"[1-9][0-9]*/(second|minute|hour|day)")


def register(r: Router) -> None:
    r.get(
        BASE,
        index("aliases", "rules", "options", "groups", "ipset", "macros", "refs", key="name"),
    )
    r.get(f"{BASE}/options", get_options, perms=[AUDIT])
    r.put(
        f"{BASE}/options",
        put_options,
        perms=[MODIFY],
        params=[*OPTIONS, string("delete", format="pve-configid-list"), fwrules.DIGEST],
    )
    r.get(f"{BASE}/rules", list_rules, perms=[AUDIT])
    r.get(f"{BASE}/groups", list_groups)


def get_options(call: Call) -> dict[str, Any]:
    fw = host_firewall(call.world).cluster
    return {**fw["options"], "digest": digest(fw)}


def put_options(call: Call) -> None:
    params = dict(call.params)
    if "log_ratelimit" in params:
        _check_ratelimit(params["log_ratelimit"])
    if params.get("enable", 0) > 1:
        params["enable"] = int(call.now)  # PVE keeps a larger value as the time it was set
    set_options(host_firewall(call.world).cluster, params, OPTIONS)
    return None


def _check_ratelimit(value: str) -> None:
    """`[enable=]<1|0>[,burst=<integer>][,rate=<n>/<unit>]`."""
    for part in value.split(","):
        key, sep, val = part.partition("=")
        key, val = (key, val) if sep else ("enable", key)
        ok = {
            "enable": val in ("0", "1"),
            "burst": val.isdigit(),
            "rate": bool(_RATE.fullmatch(val)),
        }.get(key)
        if not ok:
            problem = f"invalid value '{val}' for {key}" if ok is False else f"unknown key '{key}'"
            raise param_error({"log_ratelimit": f"invalid format - {problem}"})


def list_rules(call: Call) -> list[dict[str, Any]]:
    fw = host_firewall(call.world).cluster
    return [fwrules.render(rule, pos, digest(fw)) for pos, rule in enumerate(fw["rules"])]


def list_groups(call: Call) -> list[dict[str, Any]]:
    state = host_firewall(call.world)
    rows = []
    for name, group in sorted(state.groups.items()):
        row = {"group": name, "digest": digest(state.cluster)}
        if group.get("comment"):
            row["comment"] = group["comment"]
        rows.append(row)
    return rows
