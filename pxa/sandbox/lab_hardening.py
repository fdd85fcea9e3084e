"""Give a catalogue VM exactly the misconfigurations `lab_security` lists for it.

`secure` runs after lab.py has drawn the VM and draws nothing itself, so the seed's
other choices (placement, power, addresses) stay as they were. Every security setting
starts hardened (firewall on with policy_in DROP, SSH only from the management
network, every NIC filtered, keys and no password, agent on, production protected,
a supported OS, x86-64-v2-AES, no snapshots) and each listed kind then undoes one part.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any
from urllib.parse import quote

from pxa.sandbox.catalog import SSH_ANYWHERE, VmSpec
from pxa.sandbox.guests import Guest
from pxa.sandbox.lab_security import (
    CPU_TYPES,
    EOL_OS,
    MISCONFIGURATIONS,
    RECENT_SNAPSHOTS,
)
from pxa.sandbox.netcfg import parse_net, print_net

MGMT = "192.168.1.0/24"
APP_TIER = "192.168.10.0/24"
K8S_NET = "192.168.50.0/24"
DEFAULT_CPU = "x86-64-v2-AES"
_NET_KEY = re.compile(r"^net(\d+)$")


def _allow(comment: str, **match: Any) -> dict[str, Any]:
    return {"type": "in", "action": "ACCEPT", **match, "enable": 1, "comment": comment}


SSH_FROM_MGMT = _allow("ssh from mgmt", proto="tcp", dport="22", source=MGMT)
# What each role offers, and to whom (first rule set of the VM's roles that has one).
SERVICES: dict[str, tuple[dict[str, Any], ...]] = {
    "nginx": (_allow("public web", macro="HTTPS"),),
    "java": (_allow("from the load balancers", proto="tcp", dport="8080", source=APP_TIER),),
    "postgres": (_allow("app tier", proto="tcp", dport="5432", source=APP_TIER),),
    "redis": (_allow("app tier", proto="tcp", dport="6379", source=APP_TIER),),
    "haproxy": (_allow("public http", macro="HTTP"), _allow("public https", macro="HTTPS")),
    "prometheus": (_allow("grafana and prometheus", proto="tcp", dport="3000,9090", source=MGMT),),
    "k8s": (_allow("kubernetes api and kubelet", proto="tcp", dport="6443,10250", source=K8S_NET),),
    "postfix": (_allow("inbound mail", macro="SMTP"),),
    "wireguard": (_allow("wireguard", proto="udp", dport="51820"),),
}
# The rule each *_open_to_world kind adds at the top of the VM's rules.
OPEN_RULES: dict[str, dict[str, Any]] = {
    "ssh_open_to_world": SSH_ANYWHERE,
    "rdp_open_to_world": _allow("xrdp desktop", macro="RDP"),
    "db_open_to_world": _allow("mysql for the dev team", proto="tcp", dport="3306"),
}
# Where a VM opens the same thing another way (a macro and no source instead).
OPEN_RULE_FORMS: dict[tuple[str, str], dict[str, Any]] = {
    ("k8s-worker-03", "ssh_open_to_world"): _allow("debug access", macro="SSH"),
}


def secure(g: Guest, spec: VmSpec, seed: int, created: float) -> None:
    """Set every security-relevant setting of catalogue VM `g` from lab_security."""
    kinds = MISCONFIGURATIONS[spec.name]
    _firewall(g, spec, kinds)
    _nics(g, "nic_without_firewall" in kinds)
    _cloud_init(g, kinds, seed)
    if "agent_off" in kinds:
        g.config.pop("agent", None)
    else:
        g.config.setdefault("agent", "1")
    if spec.env == "production" and "prod_without_protection" in kinds:
        g.config.pop("protection", None)
    elif spec.env == "production":
        g.config["protection"] = 1
    g.os = EOL_OS[spec.name] if "eol_os" in kinds else spec.os
    g.config["cpu"] = CPU_TYPES.get(spec.name, DEFAULT_CPU)
    if "old_snapshot" not in kinds:
        g.snapshots.clear()
        g.config.pop("parent", None)
    if spec.name in RECENT_SNAPSHOTS:
        _recent_snapshot(g, *RECENT_SNAPSHOTS[spec.name], created)


def _firewall(g: Guest, spec: VmSpec, kinds: tuple[str, ...]) -> None:
    rules = [OPEN_RULE_FORMS.get((spec.name, k), OPEN_RULES[k]) for k in kinds if k in OPEN_RULES]
    if "firewall_off" in kinds:
        # Switched off by an admin (enable: 0), or never configured (no options at all).
        g.fw_options = {"enable": 0} if spec.quirks.get("firewall") == "off" else {}
    else:
        policy = "ACCEPT" if "policy_in_accept" in kinds else "DROP"
        g.fw_options = {"enable": 1, "policy_in": policy}
        if "ssh_open_to_world" not in kinds:
            rules.append(SSH_FROM_MGMT)
        rules += next((SERVICES[r] for r in spec.roles if r in SERVICES), ())
    g.fw_rules = [dict(rule) for rule in rules]


def _nics(g: Guest, one_bypasses: bool) -> None:
    keys = sorted((k for k in g.config if _NET_KEY.match(k)), key=lambda k: int(k[3:]))
    for key in keys:
        net = parse_net(str(g.config[key]))
        if one_bypasses and key == keys[-1]:
            net.pop("firewall", None)
        else:
            net["firewall"] = "1"
        g.config[key] = print_net(net)


def _cloud_init(g: Guest, kinds: tuple[str, ...], seed: int) -> None:
    digest = hashlib.sha256(f"{seed}:{g.vmid}:cloud-init".encode()).digest()
    if "cloudinit_password" in kinds:
        g.config.setdefault("cipassword", "$5$" + base64.b64encode(digest[:12]).decode())
    else:
        g.config.pop("cipassword", None)
    if "no_ssh_keys" in kinds:
        g.config.pop("sshkeys", None)
    elif "sshkeys" not in g.config:
        blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + digest
        key = f"ssh-ed25519 {base64.b64encode(blob).decode()} ops@pxa-lab\n"
        g.config["sshkeys"] = quote(key, safe="")


def _recent_snapshot(g: Guest, name: str, days: int, created: float) -> None:
    base = {k: v for k, v in g.config.items() if k not in ("description", "parent")}
    snaptime = int(created) - days * 86400 - g.vmid * 61
    g.snapshots[name] = dict(base, snaptime=snaptime, description="before the kernel update")
    g.config["parent"] = name
