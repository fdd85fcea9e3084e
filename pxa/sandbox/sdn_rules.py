"""What pve-network checks on SDN objects, with its wording.

Most checks run inside `lock_sdn_config`, which turns every failure into a plain
die: `<verb> sdn <kind> object failed: <text>`, a 500 whose text carries the
parameter errors as `<param>: <message>` lines (`failed_as` does that wrapping).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pxa.sandbox.errors import PveError, fail, param_error

_ID = re.compile(r"^[a-z][a-z0-9]*[a-z0-9]$", re.IGNORECASE)
ZONE_TYPES = ("evpn", "faucet", "qinq", "simple", "vlan", "vxlan")
_COMMON = {"nodes": False, "mtu": False, "dns": False, "reversedns": False, "dnszone": False}
_IPAM = {"ipam": False}
# zone type → option → required (each plugin's `options`)
ZONE_OPTIONS: dict[str, dict[str, bool]] = {
    "simple": {**_COMMON, **_IPAM, "dhcp": False},
    "vlan": {**_COMMON, **_IPAM, "bridge": True, "bridge-disable-mac-learning": False},
    "qinq": {**_COMMON, **_IPAM, "bridge": True, "tag": True, "vlan-protocol": False},
    "vxlan": {**_COMMON, **_IPAM, "peers": False, "fabric": False, "vxlan-port": False},
    "evpn": {
        **_COMMON,
        **_IPAM,
        "controller": True,
        "vrf-vxlan": True,
        "mac": False,
        "exitnodes": False,
        "exitnodes-primary": False,
        "exitnodes-local-routing": False,
        "advertise-subnets": False,
        "disable-arp-nd-suppression": False,
        "rt-import": False,
        "vxlan-port": False,
        "dhcp": False,
    },
    "faucet": {**_COMMON, "dp-id": False},
}
IPAMS = ("pve",)  # the IPAM every PVE 8+ cluster has; no DNS servers are configured


def object_id(what: str, value: str) -> None:
    """`pve-sdn-zone-id` / `pve-sdn-vnet-id`: 2-8 characters, a letter first."""
    if not _ID.match(value):
        raise ValueError(f"{what} ID '{value}' contains illegal characters")
    if len(value) > 8:
        raise ValueError(f"{what} ID '{value}' can't be more length than 8 characters")


def subnet_cidr(ident: str) -> str:
    """The CIDR behind `pve-sdn-subnet-id` (`10.0.0.0/24` or `<zone>-10.0.0.0-24`)."""
    cidr = ident if "/" in ident else "/".join(ident.split("-", 2)[1:])
    try:
        ipaddress.ip_interface(cidr)
        if "/" not in cidr:
            raise ValueError
    except ValueError:
        raise ValueError("value does not look like a valid CIDR network") from None
    return cidr


def check_zone_options(kind: str, options: dict[str, Any], *, create: bool) -> None:
    """SectionConfig's `check_config` for one zone type: plain dies, no wrapping."""
    allowed = ZONE_OPTIONS[kind]
    for key in options:
        if key not in allowed:
            raise fail(f"unexpected property '{key}'")
    if create:
        for key, required in allowed.items():
            if required and key not in options:
                raise fail(f"missing value for required option '{key}'")


def check_zone_refs(options: dict[str, Any]) -> None:
    dns, reverse = options.get("dns"), options.get("reversedns")
    if dns:
        raise param_error({"dns": f"{dns} don't exist"})
    if reverse:
        raise param_error({"reversedns": f"{reverse} don't exist"})
    if options.get("dnszone") and not dns:
        raise param_error({"dnszone": "missing dns server"})
    if options.get("ipam") and options["ipam"] not in IPAMS:
        raise param_error({"ipam": f"{options['ipam']} not existing"})


def describe(exc: PveError) -> str:
    """PVE::Exception's stringification: code and message, then `param: text` lines."""
    if not exc.errors:
        return exc.message
    lines = [f"{exc.status} {exc.message}"] + [f"{k}: {v}" for k, v in exc.errors.items()]
    return "\n".join(lines)


@contextmanager
def failed_as(verb: str, kind: str) -> Iterator[None]:
    """`lock_sdn_config(..., "<verb> sdn <kind> object failed")`."""
    try:
        yield
    except PveError as exc:
        raise fail(f"{verb} sdn {kind} object failed: {describe(exc)}") from None
