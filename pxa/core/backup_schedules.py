"""Backup schedules (PVE backup jobs, /cluster/backup) and which guests none covers."""

from __future__ import annotations

from typing import Any

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.storage import pools
from pxa.errors import Invalid, NotFound
from pxa.models.backup import (
    BackupSchedule,
    Coverage,
    Retention,
    ScheduleCreate,
    ScheduleList,
    ScheduleRef,
    ScheduleUpdate,
)
from pxa.models.common import Message, NoInput, Risk
from pxa.models.vm import VmBackup
from pxa.proxmox import parse
from pxa.proxmox.mapping import guest_id

COMPRESS = {"zstd": "zstd", "gzip": "gzip", "lzo": "lzo", "none": "0"}
KEEP = ("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")


def retention_of(value: str | dict[str, Any] | None) -> Retention:
    # PVE hands prune-backups over as a property string or, from some calls, as an object.
    props = (
        {k: str(v) for k, v in value.items()}
        if isinstance(value, dict)
        else parse.property_string(value or "")
    )
    return Retention(
        **{
            k: int(props[k.replace("_", "-")])
            for k in KEEP
            if props.get(k.replace("_", "-"), "").isdigit()
        }
    )


def retention_param(r: Retention) -> str | None:
    parts = [f"{k.replace('_', '-')}={getattr(r, k)}" for k in KEEP if getattr(r, k) is not None]
    return ",".join(parts) or None


def _ids(infra: Infra, vmids: str | None) -> list[str]:
    out = []
    for v in (vmids or "").split(","):
        if v.strip().isdigit():
            n = int(v)
            out.append(
                guest_id("lxc", n)
                if guest_id("lxc", n) in infra.inventory.guests
                else guest_id("qemu", n)
            )
    return out


def schedule_from(infra: Infra, row: dict[str, Any]) -> BackupSchedule:
    return BackupSchedule(
        id=row["id"],
        schedule=row.get("schedule") or row.get("starttime") or "",
        storage=row.get("storage", ""),
        all=bool(row.get("all")),
        vm_ids=_ids(infra, row.get("vmid")),
        exclude=_ids(infra, row.get("exclude")),
        mode=row.get("mode", "snapshot"),
        compression={"0": "none"}.get(str(row.get("compress")), row.get("compress")),
        enabled=row.get("enabled", 1) not in (0, "0", False),
        retention=retention_of(row.get("prune-backups")),
        notes_template=row.get("notes-template"),
        comment=row.get("comment"),
    )


async def schedules(infra: Infra) -> list[BackupSchedule]:
    await infra.inventory.ensure_fresh()
    return [schedule_from(infra, r) for r in await infra.adapter.backups.jobs()]


@operation(
    "backup.schedule.list",
    summary="List backup schedules with retention",
    input=NoInput,
    output=ScheduleList,
    scope="backup:read",
    risk=Risk.read,
)
async def schedule_list(infra: Infra, _: NoInput, ctx: CallContext) -> ScheduleList:
    return ScheduleList(schedules=await schedules(infra))


async def _vmids(infra: Infra, refs: list[str], field: str) -> str | None:
    ids = []
    for ref in refs:
        try:
            ids.append(str((await infra.guest(ref))["vmid"]))
        except NotFound:
            raise Invalid(
                f"unknown VM {ref!r}", field=field, reason="unknown_vm", provided_value=ref
            ) from None
    return ",".join(ids) or None


async def _check_storage(infra: Infra, storage: str) -> None:
    backup_stores = [p.id for p in await pools(infra) if "backup" in p.content]
    if storage not in backup_stores:
        raise Invalid(
            f"{storage!r} is not a backup storage; backup storages: {', '.join(backup_stores)}",
            field="storage",
            reason="not_backup_storage",
            provided_value=storage,
        )


@operation(
    "backup.schedule.create",
    summary="Create a backup schedule",
    input=ScheduleCreate,
    output=BackupSchedule,
    scope="backup:write",
    risk=Risk.write,
)
async def schedule_create(infra: Infra, req: ScheduleCreate, ctx: CallContext) -> BackupSchedule:
    if not req.all and not req.vm_ids:
        raise Invalid("say which VMs: vm_ids, or all=true", field="vm_ids", reason="empty")
    if req.all and req.vm_ids:
        raise Invalid(
            "give vm_ids or all=true, not both (use exclude with all)",
            field="vm_ids",
            reason="conflicts_with_all",
        )
    await _check_storage(infra, req.storage)
    params: dict[str, Any] = {
        "schedule": req.schedule,
        "storage": req.storage,
        "mode": req.mode,
        "compress": COMPRESS[req.compression],
        "enabled": req.enabled,
    }
    if req.all:
        params["all"] = True
    if vmid := await _vmids(infra, req.vm_ids, "vm_ids"):
        params["vmid"] = vmid
    if exclude := await _vmids(infra, req.exclude, "exclude"):
        params["exclude"] = exclude
    if keep := retention_param(req.retention):
        params["prune-backups"] = keep
    for key, value in (("notes-template", req.notes_template), ("comment", req.comment)):
        if value:
            params[key] = value
    before = {j["id"] for j in await infra.adapter.backups.jobs()}
    await infra.adapter.backups.create_job(**params)
    after = await schedules(infra)
    return next(s for s in after if s.id not in before)


async def _schedule(infra: Infra, schedule_id: str) -> BackupSchedule:
    for s in await schedules(infra):
        if s.id == schedule_id:
            return s
    raise NotFound(f"backup schedule {schedule_id!r} not found")


@operation(
    "backup.schedule.update",
    summary="Change a backup schedule",
    input=ScheduleUpdate,
    output=BackupSchedule,
    scope="backup:write",
    risk=Risk.write,
)
async def schedule_update(infra: Infra, req: ScheduleUpdate, ctx: CallContext) -> BackupSchedule:
    await _schedule(infra, req.schedule_id)
    params: dict[str, Any] = {}
    if req.storage is not None:
        await _check_storage(infra, req.storage)
        params["storage"] = req.storage
    for key in ("schedule", "mode", "enabled", "comment"):
        if getattr(req, key) is not None:
            params[key] = getattr(req, key)
    if req.compression is not None:
        params["compress"] = COMPRESS[req.compression]
    if req.all is not None:
        params["all"] = req.all
    if req.vm_ids is not None:
        params["vmid"] = await _vmids(infra, req.vm_ids, "vm_ids") or ""
    if req.retention is not None:
        params["prune-backups"] = retention_param(req.retention) or "keep-all=1"
    if not params:
        raise Invalid("nothing to change", field="schedule_id", reason="no_changes")
    await infra.adapter.backups.update_job(req.schedule_id, **params)
    return await _schedule(infra, req.schedule_id)


@operation(
    "backup.schedule.delete",
    summary="Delete a backup schedule",
    input=ScheduleRef,
    output=Message,
    scope="backup:write",
    risk=Risk.destructive,
)
async def schedule_delete(infra: Infra, ref: ScheduleRef, ctx: CallContext) -> Message:
    await _schedule(infra, ref.schedule_id)
    await infra.adapter.backups.delete_job(ref.schedule_id)
    return Message(message=f"backup schedule {ref.schedule_id} deleted")


@operation(
    "backup.coverage",
    summary="Which guests no enabled backup schedule covers",
    input=NoInput,
    output=Coverage,
    scope="backup:read",
    risk=Risk.read,
)
async def backup_coverage(infra: Infra, _: NoInput, ctx: CallContext) -> Coverage:
    await infra.inventory.ensure_fresh()
    rows = await infra.adapter.backups.not_backed_up()
    ids = [guest_id(r.get("type", "qemu"), int(r["vmid"])) for r in rows]
    names = {g: str(infra.inventory.guests.get(g, {}).get("name", "")) for g in ids}
    return Coverage(uncovered=sorted(ids), names=names)


async def backup_block(infra: Infra, vm_id: str, vmid: int) -> VmBackup:
    """The VM detail's `backup` block, from schedules and the backups stored."""
    from pxa.core.backups import all_backups

    covering = [
        s
        for s in await schedules(infra)
        if s.enabled and ((s.all and vm_id not in s.exclude) or vm_id in s.vm_ids)
    ]
    stored = await all_backups(infra, vmid)
    keep_daily = next((s.retention.keep_daily for s in covering if s.retention.keep_daily), None)
    latest = stored[0] if stored else None
    return VmBackup(
        enabled=bool(covering),
        schedule=covering[0].schedule if covering else None,
        retention_days=keep_daily,
        last_backup=latest.created_at if latest else None,
        backup_size_gb=latest.size_gb if latest else None,
    )
