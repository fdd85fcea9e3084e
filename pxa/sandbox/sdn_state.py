"""SDN configuration: zones, vnets and subnets, pending and running; vnet firewalls.

Like /etc/pve/sdn, every change edits the pending sections (`zones.cfg`, `vnets.cfg`,
`subnets.cfg`); `PUT /cluster/sdn` copies them into the running config
(`.running-config`, with a version). Vnet firewalls live beside them and take effect
at once, as PVE's do.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pxa.sandbox.errors import fail

if TYPE_CHECKING:
    from pxa.sandbox.world import World

KINDS = ("zones", "vnets", "subnets")
SINGULAR = {"zones": "zone", "vnets": "vnet", "subnets": "subnet"}
Sections = dict[str, dict[str, Any]]

# The lab's networks, one vnet per VLAN tag its VMs carry (see lab.SUBNETS / BACKEND):
# (vnet, tag, alias, subnet, gateway, dhcp ranges)
LAB_ZONE = "lab"
LAB_VNETS: tuple[tuple[str, int, str, str, str | None, tuple[tuple[str, str], ...]], ...] = (
    ("prod", 10, "Production", "192.168.10.0/24", "192.168.10.1", (("100", "200"),)),
    ("backend", 20, "Databases and caches", "192.168.20.0/24", "192.168.20.1", ()),
    ("stage", 30, "Staging", "192.168.30.0/24", "192.168.30.1", ()),
    ("dev", 40, "Development", "192.168.40.0/24", "192.168.40.1", (("200", "250"),)),
    ("k8s", 50, "Kubernetes nodes", "192.168.50.0/24", "192.168.50.1", ()),
    ("svc", 100, "Service network", "10.100.0.0/24", None, ()),
)
LAB_FIREWALL = {
    "prod": {
        "options": {"enable": 1, "policy_forward": "ACCEPT"},
        "rules": [
            {
                "type": "forward",
                "action": "DROP",
                "source": "192.168.40.0/24",
                "enable": 1,
                "comment": "no development traffic into production",
            },
            {"type": "forward", "action": "ACCEPT", "proto": "tcp", "dport": "443", "enable": 1},
        ],
    }
}


def subnet_id(zone: str, cidr: str) -> str:
    return f"{zone}-{cidr.replace('/', '-')}"


@dataclass
class SdnState:
    key: ClassVar[str] = "sdn"

    config: dict[str, Sections]
    running: dict[str, Any] = field(default_factory=dict)  # {} until the first apply
    firewall: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def generate(cls, world: World) -> SdnState:
        config: dict[str, Sections] = {kind: {} for kind in KINDS}
        config["zones"][LAB_ZONE] = {"type": "vlan", "bridge": "vmbr0", "ipam": "pve"}
        for vnet, tag, alias, cidr, gateway, ranges in LAB_VNETS:
            config["vnets"][vnet] = {"type": "vnet", "zone": LAB_ZONE, "tag": tag, "alias": alias}
            subnet: dict[str, Any] = {"type": "subnet", "vnet": vnet}
            prefix = cidr.rsplit(".", 1)[0]
            if gateway:
                subnet["gateway"] = gateway
            if ranges:
                subnet["dhcp-range"] = [
                    f"start-address={prefix}.{a},end-address={prefix}.{b}" for a, b in ranges
                ]
            config["subnets"][subnet_id(LAB_ZONE, cidr)] = subnet
        state = cls(config, firewall=copy.deepcopy(LAB_FIREWALL))
        state.commit()
        return state

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SdnState:
        return cls(data["config"], data.get("running", {}), data.get("firewall", {}))

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config, "running": self.running, "firewall": self.firewall}

    # --- reading -----------------------------------------------------------------------

    def sections(self, kind: str, *, running: bool = False) -> Sections:
        if running:
            return self.running.get(kind, {}).get("ids", {})
        return self.config[kind]

    def get(self, kind: str, ident: str, *, running: bool = False) -> dict[str, Any]:
        """A section or PVE's `sdn <kind> '<id>' does not exist`."""
        section = self.sections(kind, running=running).get(ident)
        if section is None:
            raise fail(f"sdn {SINGULAR[kind]} '{ident}' does not exist")
        return section

    def digest(self, kind: str) -> str:
        """SHA-1 of the section config file, as PVE's SectionConfig reports it."""
        return hashlib.sha1(self.config_text(kind).encode()).hexdigest()

    def config_text(self, kind: str) -> str:
        text = ""
        for ident, section in self.config[kind].items():
            text += f"{section['type']}: {ident}\n"
            for key, value in section.items():
                for item in value if isinstance(value, list) else [value]:
                    if key != "type":
                        text += f"\t{key} {item}\n"
            text += "\n"
        return text

    def subnets_of(self, vnet: str, *, running: bool = False) -> list[str]:
        return [
            ident
            for ident, s in self.sections("subnets", running=running).items()
            if s.get("vnet") == vnet
        ]

    def vnet_zone(self, vnet: str) -> str | None:
        section = self.config["vnets"].get(vnet) or self.sections("vnets", running=True).get(vnet)
        return None if section is None else section.get("zone")

    # --- changing ----------------------------------------------------------------------

    def commit(self) -> int:
        """Pending becomes running (PVE's `commit_config`); returns the new version."""
        version = int(self.running.get("version", 0)) + 1
        self.running = {"version": version}
        for kind in KINDS:
            self.running[kind] = {"ids": copy.deepcopy(self.config[kind])}
        return version

    def vnet_firewall(self, vnet: str) -> dict[str, Any]:
        return self.firewall.setdefault(vnet, {"options": {}, "rules": []})


def sdn(world: World) -> SdnState:
    state: SdnState = world.areas[SdnState.key]
    return state
