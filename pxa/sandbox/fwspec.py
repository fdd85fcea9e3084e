"""Syntax of firewall rule fields: ports, protocols, addresses, interfaces.

Each check raises ValueError with pve-firewall's wording; the caller files it under
the field as `invalid format - <text>`, as PVE's schema formats (`pve-fw-dport-spec`,
`pve-fw-addr-spec`, ...) do.
"""

from __future__ import annotations

import ipaddress
import re

from pxa.sandbox.fwnames import ICMP_TYPES, PROTOCOLS, SERVICES

IPSET_NAME = re.compile(r"^\+((?:dc|guest|sdn)/)?[A-Za-z][A-Za-z0-9\-_]+$")
ALIAS_NAME = re.compile(r"^((?:dc|guest)/)?[A-Za-z][A-Za-z0-9\-_]+$")
_IFACE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.\-]{1,19}$")
MAX_PORTS = 15  # iptables multiport takes at most 15 numbers (a range counts twice)


def ports(text: str, *, dport: bool) -> None:
    """`22`, `8000:8080`, `ssh,https` ...; ICMP type names only as dport, and alone."""
    items = text.split(",")
    if "" in items:
        raise ValueError("extraneous commas in list")
    count, icmp = 0, False
    for item in items:
        low, sep, high = item.partition(":")
        if sep and low.isdigit() and high.isdigit():
            count += 2
            for port in (low, high):
                if int(port) > 65535:
                    raise ValueError(f"invalid port '{port}'")
            if int(low) > int(high):
                raise ValueError(
                    f"backwards range '{low}:{high}' not allowed, did you mean '{high}:{low}'?"
                )
        elif item.isdigit():
            count += 1
            if int(item) > 65535:
                raise ValueError(f"invalid port '{item}'")
        elif dport and item in ICMP_TYPES:
            icmp = True
        elif item not in SERVICES:
            raise ValueError(f"invalid port '{item}'")
    if icmp and count:
        raise ValueError("ICMP ports not allowed in port range")
    if count > MAX_PORTS:
        raise ValueError(f"too many entries in port list (> {MAX_PORTS} numbers)")


def protocol(text: str) -> None:
    if text not in PROTOCOLS and not (text.isdigit() and int(text) <= 255):
        raise ValueError(f"unknown protocol '{text}'")


def icmp_type(text: str) -> None:
    if text not in ICMP_TYPES and not text.isdigit():
        raise ValueError(f"invalid icmp-type '{text}'")


def iface(text: str) -> None:
    if not _IFACE.match(text):
        raise ValueError(f"invalid network interface name '{text}'")


def addresses(text: str) -> int | None:
    """An IP set (`+name`), an alias, or IPs/CIDRs/ranges; returns the IP version if known."""
    if text.startswith("+"):
        if len(text) > 65:
            raise ValueError("ipset name too long")
        return None
    if ALIAS_NAME.match(text):
        if len(text) > 64:
            raise ValueError("alias name too long")
        return None
    items = text.split(",")
    if "" in items:
        raise ValueError("extraneous commas in list")
    versions = {_address(item) for item in items}
    if len(versions) > 1:
        raise ValueError("mixed IPv4 and IPv6 addresses in list")
    if len(items) > 1 and any("-" in item for item in items):
        raise ValueError("you can't use a range in a list")
    return versions.pop()


def _address(item: str) -> int:
    first, sep, last = item.partition("-")
    try:
        if sep:
            start, end = ipaddress.ip_address(first), ipaddress.ip_address(last)
            if start.version != end.version or start > end:
                raise ValueError
            return start.version
        # A CIDR must name the network itself: Net::IP refuses host bits in the prefix.
        return ipaddress.ip_network(item, strict=True).version
    except ValueError:
        raise ValueError(f"invalid IP address: Invalid IP {item}") from None
