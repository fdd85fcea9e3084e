"""Start, stop, restart: jobs that follow real PVE tasks, and the refusals before them."""

from __future__ import annotations

import asyncio

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Locked, NodeOffline
from pxa.sandbox.server import SandboxServer

CLI = CallContext.of("cli")


async def pick(infra: Infra, **query: object) -> str:
    result = await infra.call("vm.list", {"limit": 200, "type": "qemu", **query}, CLI)
    candidates = [vm for vm in result.vms if not vm.lock and vm.node != "pve3"]
    assert candidates, query
    return candidates[0].id


async def status_of(infra: Infra, vm_id: str) -> str:
    return (await infra.call("vm.get", {"vm_id": vm_id}, CLI)).status.value


async def test_starting_a_stopped_vm_runs_a_job_to_completion(infra: Infra) -> None:
    vm_id = await pick(infra, status="stopped")
    accepted = await infra.call("vm.start", {"vm_id": vm_id}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=30)
    assert job.status.value == "completed", job.error
    assert job.progress == 100
    assert any(line.source == "pve" and "TASK OK" in line.message for line in job.logs)
    assert await status_of(infra, vm_id) == "running"


async def test_a_graceful_stop_shuts_the_vm_down(infra: Infra) -> None:
    vm_id = await pick(infra, status="running")
    accepted = await infra.call("vm.stop", {"vm_id": vm_id}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=30)
    assert job.type == "vm_shutdown" and job.status.value == "completed", job.error
    assert await status_of(infra, vm_id) == "stopped"


async def test_a_hard_stop_is_destructive_and_stops_at_once(infra: Infra) -> None:
    vm_id = await pick(infra, status="running")
    op = infra.catalogue["vm.stop"]
    assert op.risk_of(op.input(vm_id=vm_id, graceful=False)).value == "destructive"
    accepted = await infra.call("vm.stop", {"vm_id": vm_id, "graceful": False}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=30)
    assert job.type == "vm_stop" and job.status.value == "completed"


async def test_restart_reboots_a_running_vm(infra: Infra) -> None:
    vm_id = await pick(infra, status="running")
    accepted = await infra.call("vm.restart", {"vm_id": vm_id}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=30)
    assert job.status.value == "completed", job.error
    assert await status_of(infra, vm_id) == "running"


async def test_starting_a_running_vm_is_refused(infra: Infra) -> None:
    with pytest.raises(Conflict, match="already running"):
        await infra.call("vm.start", {"vm_id": await pick(infra, status="running")}, CLI)


async def test_restarting_a_stopped_vm_is_refused(infra: Infra) -> None:
    with pytest.raises(Conflict, match="not running"):
        await infra.call("vm.restart", {"vm_id": await pick(infra, status="stopped")}, CLI)


async def test_starting_a_locked_vm_is_refused_naming_the_lock(infra: Infra) -> None:
    vm_id = await pick(infra, status="running")
    snap = await infra.call("vm.snapshot.create", {"vm_id": vm_id, "name": "locking"}, CLI)
    while not infra.jobs.get(snap.job_id).upid:  # the PVE task (and its lock) has started
        await asyncio.sleep(0.01)
    with pytest.raises(Locked, match=r"locked \(snapshot\)"):
        await infra.call("vm.stop", {"vm_id": vm_id}, CLI)
    await infra.jobs.wait(snap.job_id, timeout=30)


async def test_acting_on_a_vm_of_an_offline_node_is_refused(
    infra: Infra, sandbox: SandboxServer
) -> None:
    result = await infra.call("vm.list", {"limit": 200, "node": "pve3", "status": "stopped"}, CLI)
    vm_id = result.vms[0].id
    sandbox.faults.offline_nodes = {"pve3"}
    infra.inventory.invalidate()
    with pytest.raises(NodeOffline, match="pve3 is offline"):
        await infra.call("vm.start", {"vm_id": vm_id}, CLI)
