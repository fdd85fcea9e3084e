"""Cluster-wide reads: the summary behind `pxa` and the TUI header."""

from __future__ import annotations

from collections import Counter

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.cluster import ClusterSummary, NodeSummary, NoInput
from pxa.models.common import Risk
from pxa.models.job import JobQuery, JobStatus


@operation(
    "cluster.summary",
    summary="The cluster at a glance: version, nodes, guests by status and environment",
    input=NoInput,
    output=ClusterSummary,
    scope="cluster:read",
    risk=Risk.read,
)
async def cluster_summary(infra: Infra, _: NoInput, ctx: CallContext) -> ClusterSummary:
    await infra.inventory.refresh()
    version = await infra.adapter.version()
    status = await infra.adapter.cluster_status()
    cluster_row = next((r for r in status if r.get("type") == "cluster"), {})
    vms = infra.inventory.vms()
    per_node = Counter(vm.node for vm in vms)
    nodes = [
        NodeSummary(
            name=name,
            status=row.get("status", "unknown"),
            cpu_usage_percent=round(row["cpu"] * 100, 1) if row.get("cpu") is not None else None,
            cpu_cores=row.get("maxcpu"),
            memory_used_mb=row["mem"] // 1024**2 if row.get("mem") is not None else None,
            memory_total_mb=row["maxmem"] // 1024**2 if row.get("maxmem") else None,
            uptime_seconds=row.get("uptime"),
            guests=per_node[name],
        )
        for name, row in sorted(infra.inventory.nodes.items())
    ]
    guests = [vm for vm in vms if not vm.template]
    _, running_jobs = infra.jobs.repo.query(JobQuery(status=JobStatus.running, limit=1))
    return ClusterSummary(
        url=infra.adapter.url,
        sandbox=infra.sandbox,
        read_only=infra.read_only,
        version=version.get("version"),
        release=version.get("release"),
        cluster_name=cluster_row.get("name"),
        quorate=bool(cluster_row["quorate"]) if "quorate" in cluster_row else None,
        nodes=nodes,
        vms_by_status=dict(Counter(vm.status.value for vm in guests if vm.type == "qemu")),
        vms_by_environment=dict(
            Counter(vm.environment or "none" for vm in guests if vm.type == "qemu")
        ),
        vms=sum(1 for vm in guests if vm.type == "qemu"),
        containers=sum(1 for vm in guests if vm.type == "lxc"),
        templates=sum(1 for vm in vms if vm.template),
        running_jobs=running_jobs,
    )
