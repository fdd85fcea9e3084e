"""`/nodes/{node}/network`: a node's interfaces, edits kept pending until a reload."""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any

from pxa.sandbox import sdn_apply
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.netif_state import local_vnets, network
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import PATH_PARAMS, Call, Reply, Router, perm

PATH_PARAMS.update(iface=string("iface", optional=False, format="pve-iface", max_length=20))
IFACE_TYPES = (
    "bridge",
    "bond",
    "eth",
    "alias",
    "vlan",
    "fabric",
    "OVSBridge",
    "OVSBond",
    "OVSPort",
    "OVSIntPort",
    "vnet",
    "unknown",
)
FILTERS = (*IFACE_TYPES[:-1], "any_bridge", "any_local_bridge", "include_sdn")
BOND_MODES = [
    "balance-rr",
    "active-backup",
    "balance-xor",
    "broadcast",
    "802.3ad",
    "balance-tlb",
    "balance-alb",
    "balance-slb",
    "lacp-balance-slb",
    "lacp-balance-tcp",
]
IFACE_OPTIONS: tuple[Param, ...] = (
    string("address", format="ipv4"),
    string("address6", format="ipv6"),
    boolean("autostart"),
    string("bond-primary", format="pve-iface"),
    string("bond_mode", enum=BOND_MODES),
    string("bond_xmit_hash_policy", enum=("layer2", "layer2+3", "layer3+4")),
    string("bridge_ports", format="pve-iface-list"),
    string("bridge_vids", format="pve-vlan-id-or-range-list"),
    boolean("bridge_vlan_aware"),
    string("cidr", format="CIDRv4"),
    string("cidr6", format="CIDRv6"),
    string("comments"),
    string("comments6"),
    string("gateway", format="ipv4"),
    string("gateway6", format="ipv6"),
    integer("mtu", minimum=1280, maximum=65520),
    string("netmask", format="ipv4mask"),
    integer("netmask6", minimum=0, maximum=128),
    string("ovs_bonds", format="pve-iface-list"),
    string("ovs_bridge", format="pve-iface"),
    string("ovs_options", max_length=1024),
    string("ovs_ports", format="pve-iface-list"),
    integer("ovs_tag", minimum=1, maximum=4094),
    string("slaves", format="pve-iface-list"),
    string("type", optional=False, enum=IFACE_TYPES),
    integer("vlan-id", minimum=1, maximum=4094),
    string("vlan-raw-device", format="pve-iface"),
)
_OPTION_NAMES = tuple(p.name for p in IFACE_OPTIONS)
_IFACE_RE = re.compile(r"^[a-z][a-z0-9_]{1,20}([:.]\d+)?$", re.IGNORECASE)
MODIFY = perm("/nodes/{node}", "Sys.Modify")
BASE = "/nodes/{node}/network"


def register(r: Router) -> None:
    r.get(BASE, list_ifaces, params=[string("type", enum=FILTERS)])
    r.post(BASE, create_iface, perms=[MODIFY], params=[PATH_PARAMS["iface"], *IFACE_OPTIONS])
    r.put(BASE, reload, perms=[MODIFY], params=[boolean("regenerate-frr")])
    r.delete(BASE, revert, perms=[MODIFY])
    r.get(f"{BASE}/{{iface}}", get_iface, perms=[perm("/nodes/{node}", "Sys.Audit")])
    r.put(
        f"{BASE}/{{iface}}",
        update_iface,
        perms=[MODIFY],
        params=[*IFACE_OPTIONS, string("delete", format="pve-configid-list")],
    )
    r.delete(f"{BASE}/{{iface}}", delete_iface, perms=[MODIFY])


def _rows(ifaces: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"iface": name, **copy.deepcopy(conf)} for name, conf in sorted(ifaces.items())]


def list_ifaces(call: Call) -> Reply:
    nets, kind = network(call.world), call.get("type")
    ifaces = dict(nets.current(call.node))
    if kind and kind != "include_sdn":
        is_bridge = {n for n, c in ifaces.items() if c.get("type") in ("bridge", "OVSBridge")}
        wanted = is_bridge if kind in ("any_bridge", "any_local_bridge") else set()
        ifaces = {n: c for n, c in ifaces.items() if c.get("type") == kind or n in wanted}
    if kind in ("any_bridge", "include_sdn", "vnet"):
        ifaces.update(local_vnets(call.world, call.node))
    changes = nets.changes(call.node)
    return Reply(_rows(ifaces), {"changes": changes} if changes else {})


def _check_iface(call: Call) -> str:
    iface = call.params["iface"]
    if not _IFACE_RE.match(iface):
        raise param_error({"iface": f"invalid format - invalid network interface name '{iface}'"})
    return iface


def get_iface(call: Call) -> dict[str, Any]:
    iface = _check_iface(call)
    conf = network(call.world).current(call.node).get(iface)
    if conf is None:
        raise param_error({"iface": "interface does not exist"})
    return copy.deepcopy(conf)


def _addressing(conf: dict[str, Any], ifaces: dict[str, dict[str, Any]], iface: str) -> None:
    """PVE's bookkeeping: cidr split into address/netmask, families, methods, one gateway."""
    if conf.get("gateway"):
        for other, theirs in sorted(ifaces.items()):
            if other != iface and theirs.get("gateway"):
                raise param_error(
                    {"gateway": f"Default gateway already exists on interface '{other}'."}
                )
    if conf.get("cidr"):
        address = ipaddress.ip_interface(conf["cidr"])
        conf["address"], conf["netmask"] = str(address.ip), str(address.network.prefixlen)
    families = [f for f, key in (("inet", "address"), ("inet6", "address6")) if conf.get(key)]
    conf["families"] = families or ["inet"]
    conf["method"] = "static" if conf.get("address") else "manual"
    conf["method6"] = "static" if conf.get("address6") else "manual"


def create_iface(call: Call) -> None:
    iface = _check_iface(call)
    nets = network(call.world)
    ifaces = nets.current(call.node)
    if iface in ifaces:
        raise param_error({"iface": "interface already exists"})
    conf = {key: call.params[key] for key in _OPTION_NAMES if key in call.params}
    if conf["type"].startswith("OVS"):
        raise fail("Open VSwitch is not installed (need package 'openvswitch-switch')")
    _addressing(conf, ifaces, iface)
    conf["priority"] = 1 + max((c.get("priority", 0) for c in ifaces.values()), default=0)
    nets.editable(call.node)[iface] = conf
    return None


def update_iface(call: Call) -> None:
    iface = _check_iface(call)
    nets = network(call.world)
    ifaces = nets.current(call.node)
    if iface not in ifaces:
        raise param_error({"iface": "interface does not exist"})
    conf = copy.deepcopy(ifaces[iface])
    for key in split_list(call.get("delete") or ""):
        conf.pop(key, None)
        if key in ("cidr", "cidr6"):
            suffix = key[4:]
            conf.pop(f"address{suffix}", None)
            conf.pop(f"netmask{suffix}", None)
    conf.update({key: call.params[key] for key in _OPTION_NAMES if key in call.params})
    _addressing(conf, ifaces, iface)
    nets.editable(call.node)[iface] = conf
    return None


def delete_iface(call: Call) -> None:
    iface = _check_iface(call)
    nets = network(call.world)
    if iface not in nets.current(call.node):
        raise param_error({"iface": "interface does not exist"})
    del nets.editable(call.node)[iface]
    return None


def reload(call: Call) -> str:
    return sdn_apply.reload_node(call.world, call.node, call.principal.actor, call.now)


def revert(call: Call) -> None:
    network(call.world).pending.pop(call.node, None)
    return None
