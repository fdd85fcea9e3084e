"""Jobs: persisted, cancellable, and resumed by UPID after the process that ran them died."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pxa.core.context import CallContext
from pxa.core.infra import Infra

CLI = CallContext.of("cli")


async def stopped_vm(infra: Infra) -> str:
    result = await infra.call("vm.list", {"status": "stopped", "type": "qemu", "limit": 200}, CLI)
    return next(vm.id for vm in result.vms if vm.node != "pve3" and not vm.lock)


async def test_jobs_are_listed_newest_first_and_filtered(infra: Infra) -> None:
    first = await infra.call("vm.start", {"vm_id": await stopped_vm(infra)}, CLI)
    await infra.jobs.wait(first.job_id, timeout=30)
    second = await infra.call("vm.start", {"vm_id": await stopped_vm(infra)}, CLI)
    await infra.jobs.wait(second.job_id, timeout=30)
    listed = await infra.call("job.list", {"type": "vm_start"}, CLI)
    assert [j.id for j in listed.jobs][:2] == [second.job_id, first.job_id]
    assert all(j.duration_seconds is not None for j in listed.jobs)


async def test_cancelling_a_job_stops_its_pve_task(infra: Infra) -> None:
    created = await infra.call(
        "vm.create", {"name": "cancel-me", "template": "ubuntu-24.04", "start": False}, CLI
    )
    while not infra.jobs.get(created.creation_job_id).upid:
        await asyncio.sleep(0.01)
    job = await infra.call("job.cancel", {"job_id": created.creation_job_id}, CLI)
    assert job.status.value == "cancelled"
    status = await infra.adapter.task_status(job.upid)
    assert status["status"] == "stopped" and status["exitstatus"] != "OK"


async def test_a_finished_job_cannot_be_cancelled_again(infra: Infra) -> None:
    accepted = await infra.call("vm.start", {"vm_id": await stopped_vm(infra)}, CLI)
    await infra.jobs.wait(accepted.job_id, timeout=30)
    job = await infra.call("job.cancel", {"job_id": accepted.job_id}, CLI)
    assert job.status.value == "completed"


async def test_an_orphaned_job_is_resumed_by_its_upid_in_a_new_process(
    infra_factory: Callable[..., Infra],
) -> None:
    first = infra_factory()
    created = await first.call("vm.create", {"name": "survivor-01", "template": "debian-12"}, CLI)
    while not first.jobs.get(created.creation_job_id).upid:
        await asyncio.sleep(0.01)
    upid_before = first.jobs.get(created.creation_job_id).upid
    await first.jobs.shutdown()  # the process dies mid-job: the job stays 'running', unowned

    second = infra_factory()
    assert created.creation_job_id in second.jobs.orphans()
    assert second.jobs.resume_orphans() == [created.creation_job_id]
    job = await second.jobs.wait(created.creation_job_id, timeout=60)
    assert job.status.value == "completed", job.error
    log = [line.message for line in job.logs]
    assert any("resumed" in m for m in log)
    # the clone task was followed, not started a second time
    clones = [m for m in log if m.startswith("cloning template")]
    assert len(clones) == 1
    assert upid_before is not None


async def test_job_events_are_published(infra: Infra) -> None:
    kinds: list[str] = []
    infra.bus.subscribe(lambda e: kinds.append(e.type), {"job.created", "job.completed"})
    accepted = await infra.call("vm.start", {"vm_id": await stopped_vm(infra)}, CLI)
    await infra.jobs.wait(accepted.job_id, timeout=30)
    assert kinds == ["job.created", "job.completed"]
