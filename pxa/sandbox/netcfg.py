"""NIC and cloud-init strings: `netN`, `ipconfigN`, `sshkeys`, MAC addresses."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import unquote

NET_MODELS = (
    "e1000",
    "e1000-82540em",
    "e1000-82544gc",
    "e1000-82545em",
    "e1000e",
    "i82551",
    "i82557b",
    "i82559er",
    "ne2k_isa",
    "ne2k_pci",
    "pcnet",
    "rtl8139",
    "virtio",
    "vmxnet3",
)
_NET_OPTS = ("bridge", "firewall", "link_down", "mtu", "queues", "rate", "tag", "trunks")
_MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", re.IGNORECASE)
_SSH_KEY_RE = re.compile(
    r"^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|"
    r"sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$"
)
MAC_PREFIX = "BC:24:11"


def mac_address(*salt: object) -> str:
    """A MAC in the Proxmox OUI, derived from `salt` (the seed and the NIC's identity)."""
    digest = hashlib.sha1(":".join(map(str, salt)).encode()).digest()
    return MAC_PREFIX + "".join(f":{b:02X}" for b in digest[:3])


def parse_net(value: str) -> dict[str, str]:
    net: dict[str, str] = {}
    for i, part in enumerate(value.split(",")):
        key, sep, val = part.partition("=")
        if key in NET_MODELS and (i == 0 or "model" not in net):
            net["model"] = key
            if sep:
                net["macaddr"] = val
        elif (key in ("model", "macaddr") and sep) or (key in _NET_OPTS and sep):
            net[key] = val
        elif i == 0 and not sep:
            raise ValueError(
                f"invalid format - value '{key}' does not have a value in the "
                f"enumeration '{', '.join(NET_MODELS)}'"
            )
        else:
            raise ValueError(f"invalid format - property '{key}' is not defined in schema")
    if net.get("model") not in NET_MODELS:
        raise ValueError("invalid format - property 'model' is missing and it is not optional")
    mac = net.get("macaddr")
    if mac is not None and (not _MAC_RE.match(mac) or int(mac[:2], 16) & 1):
        raise ValueError(f"invalid format - value '{mac}' does not look like a valid MAC address")
    tag = net.get("tag")
    if tag is not None and not (tag.isdigit() and 1 <= int(tag) <= 4094):
        raise ValueError("invalid format - tag: value must be an integer between 1 and 4094")
    for flag in ("firewall", "link_down"):
        if flag in net and net[flag] not in ("0", "1"):
            raise ValueError(
                f"invalid format - {flag}: type check ('boolean') failed - got '{net[flag]}'"
            )
    return net


def print_net(net: dict[str, str]) -> str:
    head = f"{net['model']}={net['macaddr']}" if "macaddr" in net else net["model"]
    rest = [f"{k}={net[k]}" for k in sorted(net) if k not in ("model", "macaddr")]
    return ",".join([head, *rest])


def parse_ipconfig(value: str) -> dict[str, str]:
    conf: dict[str, str] = {}
    for part in value.split(","):
        key, sep, val = part.partition("=")
        if key not in ("ip", "gw", "ip6", "gw6") or not sep:
            raise ValueError(f"invalid format - property '{key}' is not defined in schema")
        conf[key] = val
    ip, ip6 = conf.get("ip"), conf.get("ip6")
    if ip and ip != "dhcp":
        _check(lambda: ipaddress.IPv4Interface(ip), f"invalid IPv4 address '{ip}'")
        if "/" not in ip:
            raise ValueError(f"invalid format - ip: invalid format - invalid CIDR '{ip}'")
    if ip6 and ip6 not in ("dhcp", "auto"):
        _check(lambda: ipaddress.IPv6Interface(ip6), f"invalid IPv6 address '{ip6}'")
    if "gw" in conf:
        _check(lambda: ipaddress.IPv4Address(conf["gw"]), f"invalid gateway '{conf['gw']}'")
        if not ip:
            raise ValueError("gateway specified without specifying an IP address")
        if ip == "dhcp":
            raise ValueError("gateway specified together with DHCP")
    if "gw6" in conf:
        if not ip6:
            raise ValueError("IPv6 gateway specified without specifying an IPv6 address")
        if ip6 in ("dhcp", "auto"):
            raise ValueError("IPv6 gateway specified together with DHCP or SLAAC")
    return conf


def _check(parse: object, message: str) -> None:
    try:
        parse()  # type: ignore[operator]
    except ValueError:
        raise ValueError(f"invalid format - {message}") from None


def check_sshkeys(encoded: str) -> None:
    """The value is percent-encoded keys, one per line; each must look like a public key."""
    for line in unquote(encoded).splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not _SSH_KEY_RE.match(line):
            raise ValueError("SSH public key validation error")
