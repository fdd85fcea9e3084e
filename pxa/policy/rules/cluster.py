"""The datacenter and node firewalls, without which no guest rule is enforced."""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, finding
from pxa.policy.view import ClusterView


def _datacenter_off(cluster: ClusterView, settings: Settings) -> list[Finding]:
    if cluster.firewall_enabled is not False:
        return []
    evidence = "cluster.fw [OPTIONS]: enable: 0"
    return [finding(DATACENTER_FIREWALL_OFF, "cluster", "datacenter", evidence)]


def _node_off(cluster: ClusterView, settings: Settings) -> list[Finding]:
    return [
        finding(
            NODE_FIREWALL_OFF, f"node/{node.name}", node.name, f"host.fw on {node.name}: enable: 0"
        )
        for node in cluster.nodes
        if node.firewall_enabled is False
    ]


DATACENTER_FIREWALL_OFF = Rule(
    id="PXA-CL-001",
    title="Datacenter firewall is off",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "The datacenter switch gates every other firewall in PVE: while it is off (the "
        "default) no node or guest rule is enforced, whatever each guest's settings say."
    ),
    remediation=(
        "First allow your admin networks to reach ports 8006 and 22 (Datacenter → Firewall → "
        "Add, or a `management` IPSet), then set Datacenter → Firewall → Options → Firewall: "
        "Yes (`pvesh set /cluster/firewall/options --enable 1`). Not automatic: enabling it "
        "without those rules can lock you out."
    ),
    cis=("CIS 4.4", "CIS 12.2"),
    soc2=("CC6.1", "CC6.6"),
    cluster=_datacenter_off,
    applies_to_specs=False,
)

NODE_FIREWALL_OFF = Rule(
    id="PXA-CL-002",
    title="Node firewall is off",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "With the host firewall off the node's own services — the web UI on 8006, SSH, "
        "corosync, SPICE proxy — answer on every interface to anyone who can reach them."
    ),
    remediation=(
        "Set Node → Firewall → Options → Firewall: Yes "
        "(`pvesh set /nodes/<node>/firewall/options --enable 1`) after confirming the "
        "datacenter rules admit your admin networks."
    ),
    cis=("CIS 4.4",),
    soc2=("CC6.6",),
    cluster=_node_off,
    applies_to_specs=False,
)

RULES: tuple[Rule, ...] = (DATACENTER_FIREWALL_OFF, NODE_FIREWALL_OFF)
