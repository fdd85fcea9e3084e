"""The lab's deliberate misconfigurations, as lab_security lists them, seen through the API.

`_shown` reads one VM the way a scan would (config, firewall options and rules,
snapshots, the guest agent) and names the kinds it finds; every catalogue VM must show
exactly the kinds its table entry lists, and the clean VMs none.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.catalog import VMS
from pxa.sandbox.lab_security import (
    CLEAN_VMS,
    DB_PORTS,
    EOL_RELEASES,
    KINDS,
    MISCONFIGURATIONS,
    SNAPSHOT_MAX_AGE_DAYS,
    TEMPLATE_KINDS,
)
from pxa.sandbox.server import SandboxServer
from pxa.sandbox.world import World

from .helpers import token_client

ANYWHERE = {None, "", "0.0.0.0/0", "::/0"}
# kind → (tcp ports, macros) an ACCEPT rule from anywhere must not open
OPEN_KINDS: dict[str, tuple[set[int], set[str]]] = {
    "ssh_open_to_world": ({22}, {"SSH"}),
    "rdp_open_to_world": ({3389}, {"RDP"}),
    "db_open_to_world": (set(DB_PORTS), {"MySQL", "PostgreSQL", "MSSQL"}),
}
EOL = {(r["id"], r["version-id"]) for r in EOL_RELEASES.values()}
WEAK_CPUS = {"kvm64", "qemu64", "kvm32", "qemu32"}
MITIGATIONS = ({"+spec-ctrl", "+md-clear"}, {"+ibpb"})


def _ports(dport: str) -> set[int]:
    ports: set[int] = set()
    for part in dport.split(","):
        low, _, high = part.partition(":")
        ports |= set(range(int(low), int(high or low) + 1))
    return ports


def _opens(rule: dict[str, Any], ports: set[int], macros: set[str]) -> bool:
    if rule.get("enable") != 1 or rule["type"] != "in" or rule["action"] != "ACCEPT":
        return False
    if rule.get("source") not in ANYWHERE:
        return False
    if rule.get("macro"):
        return rule["macro"] in macros
    return rule.get("proto") == "tcp" and bool(_ports(rule.get("dport", "0")) & ports)


def _agent_on(value: str | None) -> bool:
    parts = str(value or "0").split(",")
    return parts[0] in ("1", "enabled=1") or "enabled=1" in parts


def _weak_cpu(value: str | None) -> bool:
    parts = str(value or "kvm64").split(",")
    flags = {f for p in parts if p.startswith("flags=") for f in p[6:].split(";")}
    model = parts[0].removeprefix("cputype=")
    return model in WEAK_CPUS and not any(flags >= m for m in MITIGATIONS)


def _os(vm: Any, conf: dict[str, Any]) -> tuple[str, str] | None:
    """(id, version-id) from the guest agent, or None while it cannot be asked."""
    if vm.status.current.get()["qmpstatus"] != "running" or not _agent_on(conf.get("agent")):
        return None
    try:
        info = vm.agent("get-osinfo").get()["result"]
    except ResourceException:
        return None
    return info["id"], info["version-id"]


def _shown(pve: ProxmoxAPI, node: str, vmid: int, now: float) -> set[str]:
    vm = pve.nodes(node).qemu(vmid)
    conf, opts, rules = vm.config.get(), vm.firewall.options.get(), vm.firewall.rules.get()
    nics = [conf[k] for k in conf if re.fullmatch(r"net\d+", k)]
    snapshots = [s for s in vm.snapshot.get() if s["name"] != "current"]
    cutoff = now - SNAPSHOT_MAX_AGE_DAYS * 86400
    checks = {
        "firewall_off": opts.get("enable", 0) != 1,
        "nic_without_firewall": any("firewall=1" not in nic.split(",") for nic in nics),
        "policy_in_accept": opts.get("enable") == 1 and opts.get("policy_in") == "ACCEPT",
        "cloudinit_password": "cipassword" in conf,
        "no_ssh_keys": "sshkeys" not in conf,
        "agent_off": not _agent_on(conf.get("agent")),
        "prod_without_protection": "production" in conf.get("tags", "").split(";")
        and int(conf.get("protection", 0)) != 1,
        "eol_os": _os(vm, conf) in EOL,
        "old_snapshot": any(s["snaptime"] < cutoff for s in snapshots),
        "weak_cpu_type": _weak_cpu(conf.get("cpu")),
    }
    for kind, (ports, macros) in OPEN_KINDS.items():
        checks[kind] = any(_opens(rule, ports, macros) for rule in rules)
    return {kind for kind, hit in checks.items() if hit}


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, set[str]]]:
    """Every qemu guest's misconfigurations as the API shows them, by name."""
    srv = SandboxServer(tmp_path_factory.mktemp("misconfigurations"), speed=50)
    pve = token_client(srv.start())
    now = time.time()
    yield {
        r["name"]: _shown(pve, r["node"], r["vmid"], now)
        for r in pve.cluster.resources.get(type="vm")
        if r["type"] == "qemu"
    }
    srv.stop()


@pytest.mark.parametrize("name", sorted(MISCONFIGURATIONS))
def test_vm_shows_exactly_its_listed_misconfigurations(
    shown: dict[str, set[str]], name: str
) -> None:
    assert shown[name] == set(MISCONFIGURATIONS[name])


@pytest.mark.parametrize("name", CLEAN_VMS)
def test_clean_vm_shows_no_misconfiguration(shown: dict[str, set[str]], name: str) -> None:
    assert shown[name] == set()


@pytest.mark.parametrize("name", ["ubuntu-22.04", "ubuntu-24.04", "debian-12"])
def test_templates_show_what_fresh_cloud_init_templates_carry(
    shown: dict[str, set[str]], name: str
) -> None:
    assert shown[name] == set(TEMPLATE_KINDS)


def test_table_covers_the_catalogue_exactly() -> None:
    assert set(MISCONFIGURATIONS) == {v.name for v in VMS}


def test_every_kind_is_carried_by_some_vm() -> None:
    carried = {kind for kinds in MISCONFIGURATIONS.values() for kind in kinds}
    assert carried == set(KINDS)


def test_clean_vms_are_exactly_those_without_kinds() -> None:
    assert len(CLEAN_VMS) >= 3
    assert set(CLEAN_VMS) == {name for name, kinds in MISCONFIGURATIONS.items() if not kinds}


def test_vms_beyond_the_catalogue_are_never_listed() -> None:
    world = World.generate(42, len(VMS) + 16)
    catalogue = {v.name for v in VMS}
    extras = {g.name for g in world.guests.values() if g.kind == "qemu" and not g.template}
    assert extras - catalogue and not (extras - catalogue) & set(MISCONFIGURATIONS)


def _security(world: World) -> dict[str, tuple[Any, ...]]:
    """Each catalogue VM's security settings, without what the seed draws (MACs, keys)."""
    present = ("agent", "cipassword", "sshkeys")
    return {
        g.name: (
            g.fw_options,
            g.fw_rules,
            g.os,
            sorted(g.snapshots),
            g.config["cpu"],
            g.config.get("protection"),
            [key in g.config for key in present],
            [("firewall=1" in str(v)) for k, v in sorted(g.config.items()) if k.startswith("net")],
        )
        for g in world.guests.values()
        if g.name in MISCONFIGURATIONS
    }


def test_catalogue_security_settings_do_not_depend_on_the_seed() -> None:
    assert _security(World.generate(42)) == _security(World.generate(7))
