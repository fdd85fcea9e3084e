"""pve-network's update hooks: vnet tags per zone type, subnet gateway and DHCP ranges.

Each raises PVE's parameter exception (`param_error`); the API wraps it as the
locked section does (`sdn_rules.failed_as`).
"""

from __future__ import annotations

import ipaddress
from typing import Any, NoReturn

from pxa.sandbox.errors import param_error
from pxa.sandbox.sdn_state import Sections

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_VXLAN_MAX = 16777215


def vnet_tag(zone_type: str, vnet: str, section: dict[str, Any], vnets: Sections) -> None:
    """The zone plugin's `vnet_update_hook` for the vnet `section` as it will be saved."""
    tag = section.get("tag")
    if zone_type == "simple" and tag is not None:
        raise param_error({"tag": "vlan tag is not allowed on simple zone"})
    if zone_type in ("vlan", "qinq"):
        if tag is None:
            raise param_error({"tag": "missing vlan tag"})
        if tag > 4096:
            raise param_error({"tag": "vlan tag max value is 4096"})
        _unique(vnet, section, vnets, same_zone=True)
    if zone_type in ("vxlan", "evpn"):
        if tag is None:
            raise param_error({"tag": "missing vxlan tag"})
        if tag > _VXLAN_MAX:
            raise param_error({"tag": f"vxlan tag max value is {_VXLAN_MAX}"})
        _unique(vnet, section, vnets, same_zone=False)


def _unique(vnet: str, section: dict[str, Any], vnets: Sections, *, same_zone: bool) -> None:
    tag = section["tag"]
    for other, theirs in sorted(vnets.items()):
        if other == vnet or theirs.get("tag") != tag:
            continue
        if not same_zone or theirs.get("zone") == section.get("zone"):
            raise param_error({"tag": f"tag {tag} already exist in vnet {other}"})


def subnet(cidr: str, section: dict[str, Any], vnet: dict[str, Any] | None, name: str) -> None:
    """SubnetPlugin's `on_update_hook`: the vnet, the gateway, then every DHCP range."""
    if vnet is None:
        raise param_error({"vnet": f"{name} don't exist"})
    if vnet.get("vlanaware"):
        raise param_error({"vnet": "you can't add a subnet on a vlanaware vnet"})
    network = ipaddress.ip_network(cidr, strict=False)
    gateway = section.get("gateway")
    # A /32 is point-to-point: its gateway may lie outside it.
    if gateway and ipaddress.ip_address(gateway) not in network and network.prefixlen != 32:
        raise param_error({"gateway": f"{gateway} is not in subnet {cidr}"})
    dhcp_ranges(cidr, network, section.get("dhcp-range", []), gateway)


def dhcp_ranges(cidr: str, network: Any, ranges: list[str], gateway: str | None) -> None:
    seen: list[tuple[IpAddress, IpAddress]] = []
    for text in ranges:
        parts = dict(p.split("=", 1) for p in text.split(",") if "=" in p)
        start = _address(parts.get("start-address", ""), "start-address")
        end = _address(parts.get("end-address", ""), "end-address")
        first, last = parts["start-address"], parts["end-address"]
        if start > end:
            _fail(f"start-address {first} must be smaller than end-address {last}")
        if start not in network:
            _fail(f"start-address {first} is not in subnet {cidr}")
        if end not in network:
            _fail(f"end-address {last} is not in subnet {cidr}")
        if any(start <= b and a <= end for a, b in seen):
            _fail("dhcp ranges must not overlap")
        # Not checked by PVE: a range that would hand out the gateway's own address.
        if gateway and start <= ipaddress.ip_address(gateway) <= end:
            _fail(f"gateway {gateway} must not be inside dhcp range {first}-{last}")
        seen.append((start, end))


def _address(text: str, what: str) -> IpAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        _fail(f"{what} is not a valid IP {text}")


def _fail(message: str) -> NoReturn:
    raise param_error({"dhcp-range": message})


def range_syntax(text: str) -> None:
    """`pve-sdn-dhcp-range`: `start-address=<ip>,end-address=<ip>`, both required."""
    keys = []
    for part in text.split(","):
        key, sep, _ = part.partition("=")
        if not sep or key not in ("start-address", "end-address"):
            raise ValueError(f"property '{key}' is not defined in schema")
        keys.append(key)
    for key in ("start-address", "end-address"):
        if key not in keys:
            raise ValueError(f"{key}: property is missing and it is not optional")
