"""Backups: listing across storages, vzdump jobs, restore, delete, schedules, coverage."""

from __future__ import annotations

import asyncio

import pytest

from pxa.core.context import CallContext, ConfirmationRequest
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid, Locked
from pxa.models.common import Risk
from pxa.sandbox.server import SandboxServer

CLI = CallContext.of("cli")


async def a_vm(infra: Infra, status: str = "running") -> tuple[str, str]:
    result = await infra.call("vm.list", {"status": status, "type": "qemu", "limit": 200}, CLI)
    vm = next(v for v in result.vms if not v.lock and v.node != "pve3")
    return vm.id, vm.name


async def test_lists_seeded_backups_newest_first_across_storages(infra: Infra) -> None:
    result = await infra.call("backup.list", {"limit": 200}, CLI)
    assert result.total >= 5
    times = [b.created_at for b in result.backups]
    assert times == sorted(times, reverse=True)
    assert len({b.storage for b in result.backups}) >= 2
    assert all(b.id.startswith("bkp_") and b.volid for b in result.backups)


async def test_filters_backups_by_vm(infra: Infra) -> None:
    some = (await infra.call("backup.list", {"limit": 1}, CLI)).backups[0]
    mine = await infra.call("backup.list", {"vm_id": some.vm_id}, CLI)
    assert mine.backups and all(b.vmid == some.vmid for b in mine.backups)


async def test_backup_create_runs_vzdump_and_the_archive_appears(infra: Infra) -> None:
    vm_id, _name = await a_vm(infra)
    before = (await infra.call("backup.list", {"vm_id": vm_id}, CLI)).total
    accepted = await infra.call(
        "backup.create",
        {"vm_id": vm_id, "compression": "gzip", "description": "monthly full", "storage": "local"},
        CLI,
    )
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "completed", job.error
    assert any("Finished Backup" in line.message for line in job.logs)
    after = await infra.call("backup.list", {"vm_id": vm_id}, CLI)
    assert after.total == before + 1
    newest = after.backups[0]
    assert newest.compression == "gzip" and newest.storage == "local"
    assert newest.notes == "monthly full"


async def test_backup_completion_is_published(infra: Infra) -> None:
    seen: list[dict] = []
    infra.bus.subscribe(lambda e: seen.append(e.data), {"backup.completed"})
    vm_id, _ = await a_vm(infra)
    accepted = await infra.call("backup.create", {"vm_id": vm_id, "storage": "local"}, CLI)
    await infra.jobs.wait(accepted.job_id, timeout=60)
    assert seen and seen[0]["vm_id"] == vm_id


async def test_encryption_is_refused_where_the_storage_cannot_encrypt(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra)
    with pytest.raises(Invalid, match="Proxmox Backup Server") as err:
        await infra.call(
            "backup.create", {"vm_id": vm_id, "encryption": True, "storage": "local"}, CLI
        )
    assert err.value.field == "encryption"


async def test_encryption_picks_the_pbs_storage_with_a_key(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra)
    accepted = await infra.call("backup.create", {"vm_id": vm_id, "encryption": True}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "completed", job.error
    newest = (await infra.call("backup.list", {"vm_id": vm_id}, CLI)).backups[0]
    assert newest.encrypted


async def test_a_locked_vm_is_not_backed_up(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra)
    snap = await infra.call("vm.snapshot.create", {"vm_id": vm_id, "name": "hold"}, CLI)
    while not infra.jobs.get(snap.job_id).upid:
        await asyncio.sleep(0.01)
    with pytest.raises(Locked):
        await infra.call("backup.create", {"vm_id": vm_id}, CLI)
    await infra.jobs.wait(snap.job_id, timeout=30)


async def test_restore_as_a_new_vm(infra: Infra) -> None:
    b = next(
        b
        for b in (await infra.call("backup.list", {"limit": 200}, CLI)).backups
        if b.guest_type == "qemu" and b.storage != "pbs-main"
    )
    accepted = await infra.call("backup.restore", {"backup_id": b.id, "vmid": 777}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "completed", job.error
    restored = await infra.call("vm.get", {"vm_id": "vm-777"}, CLI)
    assert restored.status.value == "stopped"


async def test_restore_over_a_running_vm_is_refused(infra: Infra) -> None:
    running = {
        vm.vmid
        for vm in (await infra.call("vm.list", {"status": "running", "limit": 200}, CLI)).vms
    }
    b = next(
        b
        for b in (await infra.call("backup.list", {"limit": 200}, CLI)).backups
        if b.vmid in running and b.guest_type == "qemu"
    )
    with pytest.raises(Conflict, match="stop it"):
        await infra.call("backup.restore", {"backup_id": b.id, "target": "same"}, CLI)


async def test_restore_over_the_original_is_destructive(infra: Infra) -> None:
    op = infra.catalogue["backup.restore"]
    assert op.risk_of(op.input(backup_id="bkp_x", target="same")) is Risk.destructive
    assert op.risk_of(op.input(backup_id="bkp_x")) is Risk.write


async def test_a_protected_backup_is_not_deleted(infra: Infra) -> None:
    protected = [
        b for b in (await infra.call("backup.list", {"limit": 200}, CLI)).backups if b.protected
    ]
    assert protected, "the lab protects some backups"
    with pytest.raises(Conflict, match="protected"):
        await infra.call("backup.delete", {"backup_id": protected[0].id}, CLI)


async def test_deleting_a_backup_needs_its_id_typed(infra: Infra) -> None:
    b = next(
        b for b in (await infra.call("backup.list", {"limit": 200}, CLI)).backups if not b.protected
    )

    async def type_it(req: ConfirmationRequest) -> str:
        return req.resource_name or ""

    accepted = await infra.call(
        "backup.delete", {"backup_id": b.id}, CallContext.of("chat", "s", confirm=type_it)
    )
    assert (await infra.jobs.wait(accepted.job_id, timeout=30)).status.value == "completed"
    assert b.id not in {
        x.id for x in (await infra.call("backup.list", {"limit": 200}, CLI)).backups
    }


async def test_schedules_with_retention_and_coverage(infra: Infra) -> None:
    schedules = (await infra.call("backup.schedule.list", {}, CLI)).schedules
    assert schedules and any(s.retention.keep_daily for s in schedules)
    uncovered = (await infra.call("backup.coverage", {}, CLI)).uncovered
    assert uncovered
    target = uncovered[0]
    made = await infra.call(
        "backup.schedule.create",
        {
            "schedule": "sun 04:00",
            "storage": "local",
            "vm_ids": [target],
            "retention": {"keep_weekly": 4},
        },
        CLI,
    )
    assert made.vm_ids == [target] and made.retention.keep_weekly == 4
    assert target not in (await infra.call("backup.coverage", {}, CLI)).uncovered
    await infra.call("backup.schedule.delete", {"schedule_id": made.id}, CLI)
    assert target in (await infra.call("backup.coverage", {}, CLI)).uncovered


async def test_a_schedule_to_a_non_backup_storage_is_refused(infra: Infra) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call(
            "backup.schedule.create",
            {"schedule": "02:00", "storage": "local-lvm", "all": True},
            CLI,
        )
    assert err.value.field == "storage"


async def test_the_vm_detail_has_its_backup_block(infra: Infra) -> None:
    b = (await infra.call("backup.list", {"limit": 1}, CLI)).backups[0]
    detail = await infra.call("vm.get", {"vm_id": b.vm_id}, CLI)
    assert detail.backup.last_backup == b.created_at
    assert detail.backup.backup_size_gb == b.size_gb
    assert detail.backup.enabled is not None


async def test_deleting_a_vm_without_keeping_backups_removes_them(infra: Infra) -> None:
    stopped = {
        vm.vmid: vm
        for vm in (
            await infra.call("vm.list", {"status": "stopped", "type": "qemu", "limit": 200}, CLI)
        ).vms
        if not vm.lock
    }
    backups = (await infra.call("backup.list", {"limit": 200}, CLI)).backups
    b = next(b for b in backups if b.vmid in stopped and not b.protected)
    accepted = await infra.call("vm.delete", {"vm_id": b.vm_id, "keep_backups": False}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "completed", job.error
    left = [
        x
        for x in (await infra.call("backup.list", {"limit": 200}, CLI)).backups
        if x.vmid == b.vmid
    ]
    assert all(x.protected for x in left)


async def test_a_vzdump_failing_midway_fails_the_job_with_pves_lines(
    infra: Infra, sandbox: SandboxServer
) -> None:
    sandbox.faults.vzdump_fail_rate = 1.0
    vm_id, _ = await a_vm(infra)
    accepted = await infra.call("backup.create", {"vm_id": vm_id, "storage": "local"}, CLI)
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "failed"
    assert "job errors" in (job.error or "")
    assert any(
        line.source == "pve" and line.level == "error" and "ERROR" in line.message
        for line in job.logs
    )
