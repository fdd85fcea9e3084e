"""Whether each node's Proxmox VE and QEMU meet the shipped minimum versions.

The minimums live in `pxa.policy.data.advisories`; a node whose version is unknown is
never reported. Nodes only exist on a live cluster, so these stay silent for specs.
"""

from __future__ import annotations

from pxa.policy.data.advisories import Component, advisories_for
from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import VULNERABILITY, finding
from pxa.policy.view import ClusterView


def _below(rule: Rule, component: Component, cluster: ClusterView) -> list[Finding]:
    found: list[Finding] = []
    for node in cluster.nodes:
        version = node.pve_version if component == "pve" else node.qemu_version
        label = "pve-manager" if component == "pve" else "qemu"
        for advisory in advisories_for(component, version):
            evidence = (
                f"{label}/{version} on {node.name}: {advisory.id} "
                f"(fixed in {advisory.fixed_in}: {advisory.summary})"
            )
            found.append(finding(rule, f"node/{node.name}", node.name, evidence))
    return found


def _pve(cluster: ClusterView, settings: Settings) -> list[Finding]:
    return _below(PVE_BELOW_MINIMUM, "pve", cluster)


def _qemu(cluster: ClusterView, settings: Settings) -> list[Finding]:
    return _below(QEMU_BELOW_MINIMUM, "qemu", cluster)


PVE_BELOW_MINIMUM = Rule(
    id="PXA-VN-003",
    title="Node runs a Proxmox VE version below the fixed-in minimum",
    severity="high",
    scan_types=VULNERABILITY,
    rationale=(
        "Proxmox ships security fixes as updates within a major release and supports the "
        "previous major release for about a year after a new one; a node below the minimum "
        "misses fixes for the hypervisor, its kernel and the web interface admins log into."
    ),
    remediation=(
        "Update the node under Node → Updates (`apt update && apt full-upgrade` with the "
        "enterprise or no-subscription repository), migrate guests off and reboot into the "
        "new kernel; upgrade an end-of-life major release with the pveXtoY checklist."
    ),
    cis=("CIS 7.3", "CIS 7.4"),
    soc2=("CC7.1",),
    cluster=_pve,
    applies_to_specs=False,
)

QEMU_BELOW_MINIMUM = Rule(
    id="PXA-VN-004",
    title="Node runs a QEMU version below the fixed-in minimum",
    severity="high",
    scan_types=VULNERABILITY,
    rationale=(
        "QEMU is the process a guest would have to break out of; an old build lacks the "
        "device-emulation fixes that keep a compromised guest inside its VM."
    ),
    remediation=(
        "Update pve-qemu-kvm with the node's other packages (Node → Updates), then stop and "
        "start or live-migrate each guest: a running VM keeps the QEMU binary it started with."
    ),
    cis=("CIS 7.4",),
    soc2=("CC7.1",),
    cluster=_qemu,
    applies_to_specs=False,
)

RULES: tuple[Rule, ...] = (PVE_BELOW_MINIMUM, QEMU_BELOW_MINIMUM)
