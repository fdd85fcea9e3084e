"""Facts of the sandbox lab's cluster, for tests of the pure iac functions."""

from __future__ import annotations

import pytest

from pxa.iac.ground import (
    BridgeFact,
    ClusterFacts,
    NodeFact,
    StorageFact,
    TemplateFact,
    VlanFact,
)


@pytest.fixture
def facts() -> ClusterFacts:
    """Three nodes, the lab's three templates, its storages, bridges and VLANs."""
    nodes = ["pve1", "pve2", "pve3"]
    return ClusterFacts(
        nodes=[
            NodeFact(name="pve1", cpus=32, memory_total_mb=262144, memory_used_mb=65000),
            NodeFact(name="pve2", cpus=32, memory_total_mb=262144, memory_used_mb=45000),
            NodeFact(name="pve3", cpus=16, memory_total_mb=131072, memory_used_mb=26000),
        ],
        templates=[
            TemplateFact(
                name="ubuntu-22.04", vm_id=9000, node="pve1", os="ubuntu-22.04", disk_gb=10
            ),
            TemplateFact(
                name="ubuntu-24.04", vm_id=9001, node="pve2", os="ubuntu-24.04", disk_gb=10
            ),
            TemplateFact(name="debian-12", vm_id=9002, node="pve3", os="debian-12", disk_gb=10),
        ],
        storages=[
            StorageFact(
                id="local", content=["backup", "iso", "snippets"], nodes=nodes, free_gb=244
            ),
            StorageFact(id="local-lvm", content=["images", "rootdir"], nodes=nodes, free_gb=5360),
            StorageFact(
                id="nfs-backup", content=["backup"], nodes=nodes, shared=True, free_gb=8042
            ),
            StorageFact(id="pbs-main", content=["backup"], nodes=nodes, shared=True, free_gb=11398),
        ],
        bridges=[
            *(BridgeFact(node=n, name="vmbr0", vlan_aware=True) for n in nodes),
            BridgeFact(node="pve1", name="vmbr1"),
            BridgeFact(node="pve2", name="vmbr1"),
        ],
        vlans=[
            VlanFact(vlan_id=10, name="Production"),
            VlanFact(vlan_id=20, name="Databases and caches"),
            VlanFact(vlan_id=30, name="Staging"),
            VlanFact(vlan_id=40, name="Development"),
            VlanFact(vlan_id=50, name="Kubernetes nodes"),
            VlanFact(vlan_id=100, name="Service network"),
        ],
        used_vm_ids=[100, 101, 102, 103, 200, 9000, 9001, 9002],
        guest_names=["web-server-01", "db-01", "ubuntu-22.04", "ubuntu-24.04", "debian-12"],
    )
