"""`/nodes/{node}/qemu/{vmid}/agent/...`: what the guest agent reports."""

from __future__ import annotations

from typing import Any

from pxa.sandbox.api.common import qemu
from pxa.sandbox.catalog import GUEST_OS
from pxa.sandbox.errors import fail
from pxa.sandbox.guests import Guest
from pxa.sandbox.lab_security import EOL_RELEASES
from pxa.sandbox.netcfg import parse_net
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.stats import unit

AGENT = perm("/vms/{vmid}", "VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted", any_of=True)
BASE = "/nodes/{node}/qemu/{vmid}/agent"
COMMANDS = (
    "fsfreeze-freeze",
    "fsfreeze-status",
    "fsfreeze-thaw",
    "fstrim",
    "get-fsinfo",
    "get-host-name",
    "get-memory-block-info",
    "get-memory-blocks",
    "get-osinfo",
    "get-time",
    "get-timezone",
    "get-users",
    "get-vcpus",
    "info",
    "network-get-interfaces",
    "ping",
    "shutdown",
    "suspend-disk",
    "suspend-hybrid",
    "suspend-ram",
    "set-user-password",
    "exec",
    "exec-status",
    "file-read",
    "file-write",
)


def register(r: Router) -> None:
    r.get(BASE, lambda call: [{"name": c} for c in COMMANDS])
    r.get(f"{BASE}/network-get-interfaces", interfaces, perms=[AGENT])
    r.get(f"{BASE}/get-osinfo", osinfo, perms=[AGENT])
    r.get(f"{BASE}/get-host-name", host_name, perms=[AGENT])


def _agent(call: Call) -> Guest:
    """qemu-server's checks, in its order: configured, VM running, agent answering."""
    g = qemu(call)
    agent = str(g.config.get("agent", "0")).split(",")
    enabled = agent[0] in ("1", "enabled=1") or "enabled=1" in agent
    if not enabled:
        raise fail("No QEMU guest agent configured")
    if not g.running:
        raise fail(f"VM {g.vmid} is not running")
    if not g.agent_ready or g.power == "paused":
        raise fail("QEMU guest agent is not running")
    return g


def interfaces(call: Call) -> dict[str, Any]:
    g = _agent(call)
    result: list[dict[str, Any]] = [
        {
            "name": "lo",
            "hardware-address": "00:00:00:00:00:00",
            "ip-addresses": [
                {"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8},
                {"ip-address": "::1", "ip-address-type": "ipv6", "prefix": 128},
            ],
            "statistics": _traffic(g, 0),
        }
    ]
    nets = sorted(
        (k for k in g.config if k.startswith("net") and k[3:].isdigit()), key=lambda k: int(k[3:])
    )
    for key in nets:
        n = int(key[3:])
        mac = parse_net(str(g.config[key])).get("macaddr", "BC:24:11:00:00:00").lower()
        addresses = [
            _ipv4(g, n),
            {"ip-address": _link_local(mac), "ip-address-type": "ipv6", "prefix": 64},
        ]
        result.append(
            {
                "name": f"ens{18 + n}",
                "hardware-address": mac,
                "ip-addresses": [a for a in addresses if a],
                "statistics": _traffic(g, n + 1),
            }
        )
    return {"result": result}


def _ipv4(g: Guest, n: int) -> dict[str, Any] | None:
    conf = dict(
        part.partition("=")[::2]
        for part in str(g.config.get(f"ipconfig{n}", "")).split(",")
        if part
    )
    ip = conf.get("ip", "dhcp")
    if ip == "dhcp":
        host = 100 + int(unit(g.vmid, n) * 150)
        return {"ip-address": f"192.168.1.{host}", "ip-address-type": "ipv4", "prefix": 24}
    address, _, prefix = ip.partition("/")
    return {"ip-address": address, "ip-address-type": "ipv4", "prefix": int(prefix or 24)}


def _link_local(mac: str) -> str:
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 2
    eui = [*b[:3], 0xFF, 0xFE, *b[3:]]
    groups = [f"{eui[i] << 8 | eui[i + 1]:x}" for i in range(0, 8, 2)]
    return "fe80::" + ":".join(groups)


def _traffic(g: Guest, n: int) -> dict[str, int]:
    base = int(unit(g.vmid, n) * 10**9)
    return {
        "rx-bytes": base,
        "rx-packets": base // 900,
        "rx-errs": 0,
        "rx-dropped": 0,
        "tx-bytes": base // 2,
        "tx-packets": base // 1500,
        "tx-errs": 0,
        "tx-dropped": 0,
    }


def osinfo(call: Call) -> dict[str, Any]:
    g = _agent(call)
    release = GUEST_OS.get(g.os) or EOL_RELEASES.get(g.os) or GUEST_OS["ubuntu-22.04"]
    info = {k: v for k, v in release.items() if k != "user"}
    return {"result": {**info, "machine": "x86_64"}}


def host_name(call: Call) -> dict[str, Any]:
    return {"result": {"host-name": _agent(call).name}}
