"""Backup operations: list across storages, create (vzdump), restore, delete.

Schedules and coverage are in backup_schedules.py.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.storage import pools
from pxa.core.vmids import new_vmid
from pxa.errors import Conflict, Invalid, Locked, NodeOffline, NotFound, PxaError
from pxa.models.backup import (
    Backup,
    BackupCreate,
    BackupList,
    BackupQuery,
    BackupRef,
    BackupRestore,
)
from pxa.models.common import Risk
from pxa.models.storage import StoragePool
from pxa.models.vm import JobAccepted
from pxa.proxmox.mapping import guest_id

COMPRESSION = {".zst": "zstd", ".gz": "gzip", ".lzo": "lzo"}
COMPRESS_PARAM = {"zstd": "zstd", "gzip": "gzip", "lzo": "lzo", "none": "0"}


def backup_id(volid: str) -> str:
    return "bkp_" + hashlib.sha1(volid.encode()).hexdigest()[:12]


def _compression(volid: str, fmt: str | None) -> str | None:
    if fmt and fmt.startswith("pbs"):
        return "zstd"  # PBS compresses every chunk with zstd
    for suffix, name in COMPRESSION.items():
        if volid.endswith(suffix):
            return name
    return "none"


def _backup(infra: Infra, row: dict[str, Any], storage: str, node: str) -> Backup:
    volid = row["volid"]
    vmid = int(row["vmid"]) if row.get("vmid") else None
    guest = None
    if vmid is not None:
        guest = infra.inventory.guests.get(guest_id("qemu", vmid)) or infra.inventory.guests.get(
            guest_id("lxc", vmid)
        )
    fmt = row.get("format")
    kind = "lxc" if (fmt or "").startswith(("tar", "pbs-ct")) or "-lxc-" in volid else "qemu"
    verification = row.get("verification")
    return Backup(
        id=backup_id(volid),
        volid=volid,
        vm_id=guest_id(kind, vmid) if vmid else None,
        vmid=vmid,
        vm_name=guest.get("name") if guest else None,
        guest_type=kind if vmid else None,
        storage=storage,
        node=node,
        created_at=datetime.fromtimestamp(row["ctime"], UTC) if row.get("ctime") else None,
        size_gb=round(row["size"] / 1024**3, 2) if row.get("size") else None,
        format=fmt,
        compression=_compression(volid, fmt),
        notes=row.get("notes") or None,
        protected=bool(row.get("protected")),
        encrypted=bool(row.get("encrypted")),
        verification=verification.get("state") if isinstance(verification, dict) else None,
    )


async def all_backups(infra: Infra, vmid: int | None = None) -> list[Backup]:
    """Every backup on every storage that holds backups, newest first."""
    await infra.inventory.ensure_fresh()
    found: dict[str, Backup] = {}
    for pool in await pools(infra):
        if "backup" not in pool.content or not pool.enabled:
            continue
        nodes = [u.node for u in pool.usage if u.active]
        for node in nodes[:1] if pool.shared else nodes:
            params: dict[str, Any] = {"content": "backup"}
            if vmid:
                params["vmid"] = vmid
            try:
                rows = await infra.adapter.storage.content(node, pool.id, **params)
            except PxaError:
                continue  # an unreachable storage hides its backups, it does not fail the list
            for row in rows:
                b = _backup(infra, row, pool.id, node)
                found.setdefault(b.volid, b)
    return sorted(
        found.values(), key=lambda b: b.created_at or datetime.min.replace(tzinfo=UTC), reverse=True
    )


@operation(
    "backup.list",
    summary="List backups across every storage, newest first",
    input=BackupQuery,
    output=BackupList,
    scope="backup:read",
    risk=Risk.read,
)
async def backup_list(infra: Infra, q: BackupQuery, ctx: CallContext) -> BackupList:
    vmid = None
    if q.vm_id:
        vmid = int((await infra.guest(q.vm_id))["vmid"])
    rows = await all_backups(infra, vmid)
    if q.storage:
        rows = [b for b in rows if b.storage == q.storage]
    return BackupList(backups=rows[q.offset : q.offset + q.limit], total=len(rows))


async def find_backup(infra: Infra, ref: str) -> Backup:
    for b in await all_backups(infra):
        if ref in (b.id, b.volid):
            return b
    raise NotFound(f"backup {ref!r} not found")


@operation(
    "backup.get",
    summary="Show one backup",
    input=BackupRef,
    output=Backup,
    scope="backup:read",
    risk=Risk.read,
)
async def backup_get(infra: Infra, ref: BackupRef, ctx: CallContext) -> Backup:
    return await find_backup(infra, ref.backup_id)


def _pick_storage(stores: list[StoragePool], node: str, req: BackupCreate) -> StoragePool:
    usable = [
        p
        for p in stores
        if "backup" in p.content
        and p.enabled
        and node in p.nodes
        and any(u.node == node and u.active for u in p.usage)
    ]
    if req.storage:
        pool = next((p for p in stores if p.id == req.storage), None)
        if pool is None or "backup" not in pool.content:
            raise Invalid(
                f"{req.storage!r} is not a backup storage; backup storages: "
                f"{', '.join(p.id for p in stores if 'backup' in p.content)}",
                field="storage",
                reason="not_backup_storage",
                provided_value=req.storage,
            )
        if pool not in usable:
            raise Invalid(
                f"storage {pool.id} is not online on {node}",
                field="storage",
                reason="storage_offline",
                provided_value=req.storage,
            )
        chosen = pool
    else:
        if req.encryption:
            usable = [p for p in usable if p.encrypted_backups]
        if not usable:
            raise Invalid(
                f"no backup storage is online on {node}"
                + (" with encryption" if req.encryption else ""),
                field="storage",
                reason="no_backup_storage",
            )
        # Prefer a storage off the node (shared, PBS) over the node's own disk.
        chosen = sorted(usable, key=lambda p: (not p.shared, p.type != "pbs", p.id))[0]
    if req.encryption and not chosen.encrypted_backups:
        raise Invalid(
            f"storage {chosen.id} cannot encrypt backups: encryption needs a Proxmox Backup "
            "Server storage with an encryption key",
            field="encryption",
            reason="storage_cannot_encrypt",
            provided_value=True,
        )
    return chosen


@operation(
    "backup.create",
    summary="Back up a VM now (vzdump) to a backup storage",
    input=BackupCreate,
    output=JobAccepted,
    scope="backup:write",
    risk=Risk.write,
)
async def backup_create(infra: Infra, req: BackupCreate, ctx: CallContext) -> JobAccepted:
    row = await infra.guest(req.vm_id, fresh=True)
    name, node, vmid = row.get("name"), row["node"], int(row["vmid"])
    if infra.inventory.node_online(node) is False:
        raise NodeOffline(f"node {node} is offline: {name} cannot be backed up")
    if row.get("lock"):
        raise Locked(
            f"VM {name} ({vmid}) is locked ({row['lock']}); try again when it is done",
            details={"lock": row["lock"]},
        )
    pool = _pick_storage(await pools(infra), node, req)
    params: dict[str, Any] = {
        "storage": pool.id,
        "mode": req.mode,
        "compress": COMPRESS_PARAM[req.compression],
    }
    if req.description:
        params["notes-template"] = req.description
    if req.protected:
        params["protected"] = True
    gid = guest_id(row["type"], vmid)
    job_id = infra.jobs.create(
        "backup_creation",
        workflow="pve_task",
        params={
            "method": "backups.vzdump",
            "args": [node, vmid],
            "kwargs": params,
            "message": f"backing up {name} to {pool.id} ({req.mode}, {req.compression})",
            "done_message": f"backup of {name} finished",
            "result": {"vm_id": gid, "storage": pool.id},
            "event": "backup.completed",
        },
        state={"expected_seconds": 10},
        target=gid,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(
        job_id=job_id, status="running", target=gid, message=f"backing up {name} to {pool.id}"
    )


def _restore_risk(req: BackupRestore) -> Risk:
    return Risk.destructive if req.target == "same" else Risk.write


@operation(
    "backup.restore",
    summary="Restore a backup as a new VM, or over its VM (which must be stopped)",
    input=BackupRestore,
    output=JobAccepted,
    scope="backup:write",
    risk=Risk.write,
    risk_for=_restore_risk,
)
async def backup_restore(infra: Infra, req: BackupRestore, ctx: CallContext) -> JobAccepted:
    b = await find_backup(infra, req.backup_id)
    if b.guest_type == "lxc":
        raise Invalid(
            "restoring container backups is not supported yet; restore it in the Proxmox web UI",
            field="backup_id",
            reason="lxc_restore_unsupported",
            provided_value=req.backup_id,
        )
    await infra.inventory.ensure_fresh(0)
    params: dict[str, Any] = {}
    if req.storage:
        params["storage"] = req.storage
    if req.start:
        params["start"] = True
    if req.target == "same":
        if b.vmid is None:
            raise Invalid(
                "this backup does not say which VM it came from; restore it as new",
                field="target",
                reason="unknown_origin",
            )
        row = infra.inventory.guests.get(guest_id("qemu", b.vmid))
        if row is None:
            raise NotFound(f"VM {b.vmid} no longer exists; restore the backup as a new VM")
        if row.get("status") == "running":
            raise Conflict(
                f"VM {row.get('name')} is running: stop it before restoring over it",
                details={"vm_id": guest_id("qemu", b.vmid)},
            )
        if row.get("lock"):
            raise Locked(f"VM {row.get('name')} is locked ({row['lock']})")
        node, vmid, params["force"] = row["node"], b.vmid, True
        what = f"restoring {b.volid} over {row.get('name')} ({vmid})"
    else:
        vmid = await new_vmid(infra, req.vmid)
        node = b.node
        params["unique"] = True
        what = f"restoring {b.volid} as new VM {vmid} on {node}"
    gid = guest_id("qemu", vmid)
    job_id = infra.jobs.create(
        "backup_restore",
        workflow="pve_task",
        params={
            "method": "backups.restore",
            "args": [node, vmid, b.volid],
            "kwargs": params,
            "message": what,
            "done_message": f"restored to {gid}",
            "result": {"vm_id": gid, "backup_id": b.id},
        },
        state={"expected_seconds": 15},
        target=gid,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(job_id=job_id, status="running", target=gid, message=what)


@operation(
    "backup.delete",
    summary="Delete a backup archive (protected backups are refused)",
    input=BackupRef,
    output=JobAccepted,
    scope="backup:write",
    risk=Risk.destructive,
)
async def backup_delete(infra: Infra, ref: BackupRef, ctx: CallContext) -> JobAccepted:
    b = await find_backup(infra, ref.backup_id)
    if b.protected:
        raise Conflict(
            f"backup {b.volid} is protected: remove the protection first",
            details={"backup_id": b.id},
        )
    job_id = infra.jobs.create(
        "backup_deletion",
        workflow="pve_task",
        params={
            "method": "storage.delete_volume",
            "args": [b.node, b.storage, b.volid],
            "message": f"deleting backup {b.volid}",
            "done_message": "backup deleted",
            "result": {"backup_id": b.id},
        },
        state={"expected_seconds": 2},
        target=b.id,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(
        job_id=job_id, status="running", target=b.id, message=f"deleting backup {b.volid}"
    )
