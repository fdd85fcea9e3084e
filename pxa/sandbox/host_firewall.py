"""The datacenter firewall (cluster.fw) and each node's host firewall (host.fw).

Options are kept as PVE writes them: only what was set, so an absent `enable` means
the default (0 for the datacenter, 1 for a node). Seeded from lab_security: the
datacenter firewall never configured (off), pve3's host firewall switched off.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pxa.sandbox import fwrules
from pxa.sandbox.errors import param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.lab_security import CLUSTER_FIREWALL, NODE_FIREWALL
from pxa.sandbox.params import Param

if TYPE_CHECKING:
    from pxa.sandbox.world import World

Rules = list[dict[str, Any]]

MGMT = "192.168.1.0/24"
# The host rules every seeded node has: its web UI and SSH from the management network.
NODE_RULES: Rules = [
    {
        "type": "in",
        "action": "ACCEPT",
        "macro": "SSH",
        "source": MGMT,
        "enable": 1,
        "comment": "ssh from mgmt",
    },
    {
        "type": "in",
        "action": "ACCEPT",
        "proto": "tcp",
        "dport": "8006",
        "source": MGMT,
        "enable": 1,
        "comment": "web ui from mgmt",
    },
]


@dataclass
class HostFirewall:
    key: ClassVar[str] = "host_firewall"

    cluster: dict[str, Any] = field(default_factory=lambda: {"options": {}, "rules": []})
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → comment, rules
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # node → options, rules

    @classmethod
    def generate(cls, world: World) -> HostFirewall:
        nodes = {
            name: {
                "options": copy.deepcopy(NODE_FIREWALL.get(name, {})),
                "rules": copy.deepcopy(NODE_RULES),
            }
            for name in world.nodes
        }
        return cls({"options": copy.deepcopy(CLUSTER_FIREWALL), "rules": []}, {}, nodes)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostFirewall:
        return cls(data["cluster"], data.get("groups", {}), data.get("nodes", {}))

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "groups": self.groups, "nodes": self.nodes}

    def node(self, name: str) -> dict[str, Any]:
        """A node's host.fw; a node added later starts without one (defaults apply)."""
        return self.nodes.setdefault(name, {"options": {}, "rules": []})


def host_firewall(world: World) -> HostFirewall:
    state: HostFirewall = world.areas[HostFirewall.key]
    return state


def digest(fw: dict[str, Any]) -> str:
    return fwrules.digest(fw["options"], fw["rules"])


def set_options(fw: dict[str, Any], params: dict[str, Any], specs: tuple[Param, ...]) -> None:
    """PUT on cluster.fw or host.fw options: `delete` first, then the values given."""
    fwrules.check_digest(params.get("digest"), digest(fw))
    names = {p.name for p in specs}
    for key in split_list(params.get("delete") or ""):
        if key not in names:
            raise param_error({"delete": f"no such option '{key}'"})
        fw["options"].pop(key, None)
    for p in specs:
        if p.name in params:
            fw["options"][p.name] = params[p.name]
