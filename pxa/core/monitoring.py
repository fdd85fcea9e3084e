"""Monitoring: the cluster's live figures and a VM's series from PVE's RRD."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import NodeOffline, PxaError
from pxa.models.common import NoInput, Risk
from pxa.models.job import JobQuery, JobStatus
from pxa.models.monitoring import (
    PERIOD_TIMEFRAME,
    NodeMetrics,
    Point,
    Series,
    StorageMetrics,
    SystemMetrics,
    VmMetrics,
    VmMetricsQuery,
)
from pxa.proxmox.mapping import guest_id

GiB, MiB = 1024**3, 1024**2


def _pct(used: float | None, total: float | None) -> float | None:
    return round(100 * used / total, 1) if used is not None and total else None


async def _load(infra: Infra, node: str) -> float | None:
    try:
        status = await infra.adapter.metrics.node_status(node)
    except PxaError:
        return None
    load = status.get("loadavg")
    return float(load[0]) if isinstance(load, list) and load else None


@operation(
    "monitoring.metrics",
    summary="Cluster metrics: per-node CPU, memory, disk, load; guests by status; storage; jobs",
    input=NoInput,
    output=SystemMetrics,
    scope="monitoring:read",
    risk=Risk.read,
)
async def system_metrics(infra: Infra, _: NoInput, ctx: CallContext) -> SystemMetrics:
    await infra.inventory.refresh()
    inv = infra.inventory
    online = [n for n, r in sorted(inv.nodes.items()) if r.get("status") == "online"]
    loads = dict(zip(online, await asyncio.gather(*(_load(infra, n) for n in online)), strict=True))
    nodes = []
    for name, r in sorted(inv.nodes.items()):
        up = r.get("status") == "online"
        nodes.append(
            NodeMetrics(
                node=name,
                status=r.get("status", "unknown"),
                cpu_percent=round(r["cpu"] * 100, 1) if up and r.get("cpu") is not None else None,
                cpu_cores=r.get("maxcpu"),
                memory_used_mb=r["mem"] // MiB if up and r.get("mem") is not None else None,
                memory_total_mb=r["maxmem"] // MiB if r.get("maxmem") else None,
                memory_percent=_pct(r.get("mem"), r.get("maxmem")) if up else None,
                disk_used_gb=round(r["disk"] / GiB, 1)
                if up and r.get("disk") is not None
                else None,
                disk_total_gb=round(r["maxdisk"] / GiB, 1) if r.get("maxdisk") else None,
                uptime_seconds=r.get("uptime") if up else None,
                load_average=loads.get(name),
            )
        )
    guests = [vm for vm in inv.vms() if not vm.template]
    counts = dict(Counter(vm.status.value for vm in guests))
    counts["total"] = len(guests)
    storage = [
        StorageMetrics(
            storage=s["storage"],
            node=s["node"],
            status=s.get("status"),
            used_gb=round(s["disk"] / GiB, 1) if s.get("disk") is not None else None,
            total_gb=round(s["maxdisk"] / GiB, 1) if s.get("maxdisk") else None,
            used_percent=_pct(s.get("disk"), s.get("maxdisk")),
        )
        for s in sorted(inv.storage, key=lambda s: (s["storage"], s["node"]))
    ]
    _, running = infra.jobs.repo.query(JobQuery(status=JobStatus.running, limit=1))
    failed_rows, _ = infra.jobs.repo.query(JobQuery(status=JobStatus.failed, limit=200))
    day_ago = datetime.now(UTC) - timedelta(days=1)
    failed = sum(1 for j in failed_rows if j.created_at >= day_ago)
    return SystemMetrics(
        timestamp=datetime.now(UTC),
        nodes=nodes,
        vms=counts,
        storage=storage,
        jobs={"running": running, "failed_24h": failed},
    )


SERIES: dict[str, list[tuple[str, str, str, float]]] = {
    # metric → (series name, rrd key, unit, scale)
    "cpu": [("cpu", "cpu", "%", 100.0)],
    "memory": [("memory", "mem", "MiB", 1 / MiB), ("memory_total", "maxmem", "MiB", 1 / MiB)],
    "disk": [("disk_read", "diskread", "B/s", 1.0), ("disk_write", "diskwrite", "B/s", 1.0)],
    "network": [("network_in", "netin", "B/s", 1.0), ("network_out", "netout", "B/s", 1.0)],
}


def _series(rows: list[dict[str, Any]], metric: str) -> list[Series]:
    out = []
    for name, key, unit, scale in SERIES[metric]:
        points = [
            Point(
                t=datetime.fromtimestamp(r["time"], UTC),
                value=round(float(r[key]) * scale, 3) if r.get(key) is not None else None,
            )
            for r in rows
        ]
        out.append(Series(name=name, unit=unit, points=points))
    return out


@operation(
    "monitoring.vm_metrics",
    summary="A VM's CPU, memory, disk and network over 1h, 24h, 7d or 30d",
    input=VmMetricsQuery,
    output=VmMetrics,
    scope="monitoring:read",
    risk=Risk.read,
)
async def vm_metrics(infra: Infra, q: VmMetricsQuery, ctx: CallContext) -> VmMetrics:
    row = await infra.guest(q.vm_id)
    node = row["node"]
    if infra.inventory.node_online(node) is False:
        raise NodeOffline(f"node {node} is offline: no metrics for {row.get('name')}")
    rows = await infra.adapter.metrics.guest(
        node, int(row["vmid"]), row["type"], PERIOD_TIMEFRAME[q.period], q.cf
    )
    rows = sorted(rows, key=lambda r: r["time"])
    step = int(rows[1]["time"] - rows[0]["time"]) if len(rows) > 1 else None
    series = [s for metric in dict.fromkeys(q.metrics) for s in _series(rows, metric)]
    return VmMetrics(
        vm_id=guest_id(row["type"], int(row["vmid"])),
        period=q.period,
        step_seconds=step,
        series=series,
    )
