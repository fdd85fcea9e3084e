"""Monitoring: cluster figures and a VM's RRD series."""

from __future__ import annotations

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid

CLI = CallContext.of("cli")


async def test_system_metrics_cover_nodes_guests_storage_and_jobs(infra: Infra) -> None:
    m = await infra.call("monitoring.metrics", {}, CLI)
    assert {n.node for n in m.nodes} == {"pve1", "pve2", "pve3"}
    assert all(n.cpu_percent is not None and n.memory_percent for n in m.nodes)
    assert all(n.load_average is not None for n in m.nodes)
    assert m.vms["total"] == m.vms.get("running", 0) + m.vms.get("stopped", 0) + m.vms.get(
        "paused", 0
    ) + m.vms.get("unknown", 0)
    assert m.storage and m.jobs == {"running": 0, "failed_24h": 0}


@pytest.mark.parametrize(
    ("period", "points", "step"),
    [("1h", 60, 60), ("24h", 1440, 60), ("7d", 336, 1800), ("30d", 1440, 1800)],
)
async def test_vm_series_follow_pve_resolutions(
    infra: Infra, period: str, points: int, step: int
) -> None:
    vm = (await infra.call("vm.list", {"status": "running", "type": "qemu"}, CLI)).vms[0]
    m = await infra.call("monitoring.vm_metrics", {"vm_id": vm.id, "period": period}, CLI)
    assert m.step_seconds == step
    names = {s.name: s for s in m.series}
    assert set(names) == {
        "cpu",
        "memory",
        "memory_total",
        "disk_read",
        "disk_write",
        "network_in",
        "network_out",
    }
    assert abs(len(names["cpu"].points) - points) <= 1
    assert names["cpu"].unit == "%" and names["network_in"].unit == "B/s"


async def test_the_metrics_filter_picks_series(infra: Infra) -> None:
    vm = (await infra.call("vm.list", {"status": "running"}, CLI)).vms[0]
    m = await infra.call("monitoring.vm_metrics", {"vm_id": vm.id, "metrics": ["cpu"]}, CLI)
    assert [s.name for s in m.series] == ["cpu"]


async def test_a_stopped_vm_has_gaps_not_zeros(infra: Infra) -> None:
    vm = (await infra.call("vm.list", {"status": "stopped", "type": "qemu"}, CLI)).vms[0]
    m = await infra.call("monitoring.vm_metrics", {"vm_id": vm.id, "period": "1h"}, CLI)
    cpu = next(s for s in m.series if s.name == "cpu")
    assert cpu.points[-1].value is None


async def test_an_unknown_period_names_the_field(infra: Infra) -> None:
    vm = (await infra.call("vm.list", {}, CLI)).vms[0]
    with pytest.raises(Invalid) as err:
        await infra.call("monitoring.vm_metrics", {"vm_id": vm.id, "period": "2w"}, CLI)
    assert err.value.field == "period"
