"""Guest settings that keep a VM manageable and hard to lose: agent, protection, CPU, VLANs."""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import (
    CONFIGURATION,
    EVERY_SCAN,
    guest_finding,
    guest_fix,
    is_production,
    production_label,
)
from pxa.policy.view import ClusterView, GuestView

# Generic CPU models that expose no speculative-execution controls unless flags add them.
LEGACY_CPU_TYPES = frozenset({"kvm64", "qemu64", "kvm32", "qemu32"})
INTEL_MITIGATIONS = frozenset({"+spec-ctrl", "+md-clear"})
AMD_MITIGATIONS = frozenset({"+ibpb"})


def _agent_off(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    # Containers have no QEMU guest agent; PVE reaches into them directly.
    if guest.kind != "qemu" or guest.agent_enabled is not False:
        return []
    fix = guest_fix(guest, "vm.agent.enable", "Enable the QEMU guest agent option (agent: 1)")
    return [guest_finding(AGENT_OFF, guest, "agent: 0", fix)]


def _unprotected(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.protection is not False or not is_production(guest):
        return []
    fix = guest_fix(guest, "vm.protection.enable", "Turn on deletion protection (protection: 1)")
    evidence = f"protection: 0 ({production_label(guest)})"
    return [guest_finding(PRODUCTION_UNPROTECTED, guest, evidence, fix)]


def _flat_network(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if not is_production(guest) or not guest.nics:
        return []
    if any(nic.firewall is not False for nic in guest.nics):
        return []  # some NIC is filtered, or we cannot tell
    # A NIC line read with its bridge but no `tag=` sits on the untagged network.
    flat = [nic for nic in guest.nics if nic.bridge and nic.vlan_id is None]
    if not flat:
        return []
    evidence = "; ".join(nic.evidence or f"{nic.id}: bridge={nic.bridge}" for nic in flat)
    return [guest_finding(PRODUCTION_FLAT_NETWORK, guest, evidence)]


def _cpu_mitigations(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.kind != "qemu" or guest.cpu_type is None:
        return []
    if guest.cpu_type.strip().lower() not in LEGACY_CPU_TYPES:
        # `host` passes the host's mitigation bits through; what a named model carries
        # depends on its version, so only the generic models are judged.
        return []
    flags = {flag.strip().lower() for flag in guest.cpu_flags}
    if flags >= INTEL_MITIGATIONS or flags >= AMD_MITIGATIONS:
        return []
    evidence = f"cpu: {guest.cpu_type}"
    if guest.cpu_flags:
        evidence += ",flags=" + ";".join(guest.cpu_flags)
    return [guest_finding(CPU_WITHOUT_MITIGATIONS, guest, evidence)]


AGENT_OFF = Rule(
    id="PXA-HY-001",
    title="QEMU guest agent is off",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "Without the agent PVE cannot freeze the guest's filesystems for a consistent "
        "backup, shut it down cleanly, or read its IP addresses and OS for inventory and scans."
    ),
    remediation=(
        "Install qemu-guest-agent in the guest, then tick VM → Options → QEMU Guest Agent "
        "(`qm set <vmid> --agent enabled=1`); it takes effect after a cold restart."
    ),
    cis=("CIS 1.1", "CIS 11.2"),
    soc2=("A1.2", "CC7.1"),
    guest=_agent_off,
)

PRODUCTION_UNPROTECTED = Rule(
    id="PXA-HY-002",
    title="Production guest without deletion protection",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "Protection makes PVE refuse to delete the guest or its disks; without it one "
        "mistaken click, script or API call destroys a production system."
    ),
    remediation=(
        "Tick VM → Options → Protection (`qm set <vmid> --protection 1`); clear it "
        "deliberately when the guest is really to be retired."
    ),
    cis=("CIS 4.1",),
    soc2=("A1.2", "CC8.1"),
    guest=_unprotected,
)

PRODUCTION_FLAT_NETWORK = Rule(
    id="PXA-HY-003",
    title="Production guest on an untagged bridge with no NIC firewall",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "A production guest on the untagged LAN with no filtered NIC shares a flat network "
        "with everything else on that bridge: nothing stops a compromised neighbour reaching it."
    ),
    remediation=(
        "Put the NIC on the production VLAN (VM → Hardware → Network Device → VLAN Tag, or an "
        "SDN VNet) and set firewall=1 on it (`qm set <vmid> --net0 "
        "virtio=<mac>,bridge=vmbr0,tag=<vlan>,firewall=1`)."
    ),
    cis=("CIS 12.2", "CIS 13.4"),
    soc2=("CC6.1", "CC6.6"),
    guest=_flat_network,
)

CPU_WITHOUT_MITIGATIONS = Rule(
    id="PXA-HY-004",
    title="Generic CPU type without speculative-execution mitigation flags",
    severity="medium",
    scan_types=EVERY_SCAN,
    rationale=(
        "kvm64 and qemu64 hide the host's Spectre/MDS mitigation features from the guest, so "
        "the guest kernel cannot protect its processes from side-channel attacks by "
        "other code running in it."
    ),
    remediation=(
        "Use CPU type `host` (identical hosts) or x86-64-v2-AES under VM → Hardware → "
        "Processor, or add the flags: `qm set <vmid> --cpu 'kvm64,flags=+spec-ctrl;+md-clear'` "
        "on Intel, `+ibpb;+virt-ssbd` on AMD; a cold restart applies it."
    ),
    cis=("CIS 4.1", "CIS 7.1"),
    soc2=("CC7.1",),
    guest=_cpu_mitigations,
)

RULES: tuple[Rule, ...] = (
    AGENT_OFF,
    PRODUCTION_UNPROTECTED,
    PRODUCTION_FLAT_NETWORK,
    CPU_WITHOUT_MITIGATIONS,
)
