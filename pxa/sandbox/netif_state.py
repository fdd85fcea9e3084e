"""Each node's /etc/network/interfaces: the applied config and pending edits.

Edits go to a node's pending copy (PVE's `interfaces.new`); `PUT /nodes/{node}/network`
or an SDN apply reloads the node, which makes the pending copy the running one.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pxa.sandbox.sdn_state import sdn

if TYPE_CHECKING:
    from pxa.sandbox.topology import Node
    from pxa.sandbox.world import World

Ifaces = dict[str, dict[str, Any]]
GATEWAY = "192.168.1.1"
STORAGE_NET_NODES = (1, 2)  # node ids with a second bridge for storage and migration


def _eth(priority: int, active: int) -> dict[str, Any]:
    return {
        "type": "eth",
        "method": "manual",
        "method6": "manual",
        "families": ["inet"],
        "exists": 1,
        "active": active,
        "priority": priority,
    }


def _bridge(priority: int, port: str, address: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "bridge",
        "method": "static",
        "method6": "manual",
        "families": ["inet"],
        "autostart": 1,
        "active": 1,
        "priority": priority,
        "bridge_ports": port,
        "cidr": f"{address}/24",
        "address": address,
        "netmask": "24",
        **extra,
    }


def seed_node(node: Node) -> Ifaces:
    host = node.ip.rsplit(".", 1)[1]
    storage = node.nodeid in STORAGE_NET_NODES
    ifaces = {
        "eno1": _eth(3, 1),
        "eno2": _eth(4, int(storage)),
        "vmbr0": _bridge(
            5, "eno1", node.ip, gateway=GATEWAY, bridge_vlan_aware=1, bridge_vids="2-4094"
        ),
    }
    if storage:
        ifaces["vmbr1"] = _bridge(6, "eno2", f"10.10.10.{host}", comments="storage and migration")
    return ifaces


@dataclass
class NetworkState:
    key: ClassVar[str] = "network"

    running: dict[str, Ifaces]
    pending: dict[str, Ifaces] = field(default_factory=dict)

    @classmethod
    def generate(cls, world: World) -> NetworkState:
        return cls({name: seed_node(node) for name, node in world.nodes.items()})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkState:
        return cls(data["running"], data.get("pending", {}))

    def to_dict(self) -> dict[str, Any]:
        return {"running": self.running, "pending": self.pending}

    def current(self, node: str) -> Ifaces:
        """What the API shows and edits: the pending file if there is one."""
        return self.pending.get(node, self.running.setdefault(node, {}))

    def editable(self, node: str) -> Ifaces:
        if node not in self.pending:
            self.pending[node] = copy.deepcopy(self.running.setdefault(node, {}))
        return self.pending[node]

    def apply(self, node: str) -> bool:
        """Reload: the pending file replaces the running one; False if nothing was pending."""
        new = self.pending.pop(node, None)
        if new is None:
            return False
        for iface in new.values():
            iface["active"] = 1
        self.running[node] = new
        return True

    def changes(self, node: str) -> str | None:
        if node not in self.pending:
            return None
        old, new = render(self.running.get(node, {})), render(self.pending[node])
        diff = difflib.unified_diff(
            old, new, "/etc/network/interfaces", "/etc/network/interfaces.new", lineterm=""
        )
        return "".join(line + "\n" for line in diff)


def render(ifaces: Ifaces) -> list[str]:
    """The interfaces file, enough of it for a readable diff of pending changes."""
    lines = ["auto lo", "iface lo inet loopback", ""]
    for name, conf in sorted(ifaces.items(), key=lambda kv: (kv[1].get("priority", 99), kv[0])):
        if conf.get("autostart"):
            lines.append(f"auto {name}")
        lines.append(f"iface {name} inet {conf.get('method', 'manual')}")
        for key in ("cidr", "gateway", "bridge_ports", "slaves", "bond_mode", "mtu"):
            if key in conf:
                lines.append(
                    f"\t{'address' if key == 'cidr' else key.replace('_', '-')} {conf[key]}"
                )
        if conf.get("type") == "bridge":
            lines += ["\tbridge-stp off", "\tbridge-fd 0"]
        if conf.get("bridge_vlan_aware"):
            lines += [
                "\tbridge-vlan-aware yes",
                f"\tbridge-vids {conf.get('bridge_vids', '2-4094')}",
            ]
        lines.append("")
    return lines


def network(world: World) -> NetworkState:
    state: NetworkState = world.areas[NetworkState.key]
    return state


def local_vnets(world: World, node: str) -> dict[str, dict[str, Any]]:
    """Applied vnets whose zone spans `node`, as `/nodes/{node}/network` lists them."""
    state = sdn(world)
    zones = state.sections("zones", running=True)
    out = {}
    for vnet, section in sorted(state.sections("vnets", running=True).items()):
        zone = zones.get(section.get("zone", ""))
        if zone is None or (zone.get("nodes") and node not in str(zone["nodes"]).split(",")):
            continue
        out[vnet] = {
            "type": "vnet",
            "active": "1",
            "ipam": int(bool(zone.get("ipam"))),
            "vlanaware": int(bool(section.get("vlanaware"))),
        }
        if section.get("alias"):
            out[vnet]["comments"] = section["alias"]
    return out


def bridges(world: World, node: str) -> set[str]:
    """Every bridge a guest NIC on `node` may name: applied bridges and applied vnets."""
    running = network(world).running.get(node, {})
    names = {n for n, c in running.items() if c.get("type") in ("bridge", "OVSBridge")}
    return names | set(local_vnets(world, node))
