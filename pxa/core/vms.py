"""VM operations: list, get, update, power, delete, snapshots. Creation is in vm_create."""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

from pxa.core import pages
from pxa.core.backup_schedules import backup_block
from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid, Locked, NodeOffline, NotFound, PxaError
from pxa.models.common import Pagination, Risk
from pxa.models.job import JobQuery, JobStatus
from pxa.models.vm import (
    JobAccepted,
    SnapshotCreate,
    SnapshotList,
    SnapshotRef,
    Vm,
    VmDelete,
    VmDetail,
    VmList,
    VmListQuery,
    VmRef,
    VmStatus,
    VmStop,
    VmUpdate,
    Vulnerabilities,
)
from pxa.proxmox import mapping, parse
from pxa.store.scans import ScanRepo

# ---- reading ---------------------------------------------------------------------------


@operation(
    "vm.list",
    summary="List VMs with filters, sorting and pagination",
    input=VmListQuery,
    output=VmList,
    scope="vm:read",
    risk=Risk.read,
)
async def vm_list(infra: Infra, q: VmListQuery, ctx: CallContext) -> VmList:
    await infra.inventory.ensure_fresh()
    vms = _mark_creating(infra, infra.inventory.vms())
    rows = _ordered(infra, vms, q)
    start = q.offset
    if q.cursor:
        start = pages.position(rows, q.cursor, q.sort, q.order, q.limit, _sort_key)
    page = rows[start : start + q.limit]
    await infra.inventory.enrich([vm.id for vm in page])
    after = _mark_creating(infra, infra.inventory.vms())
    if after is not vms:  # enriching (or a refresh meanwhile) made new Vm objects
        fresh = {vm.id: vm for vm in after}
        page = [fresh.get(vm.id, vm) for vm in page]
    pagination = Pagination.of(len(rows), q.limit, start)
    if page and pagination.has_next:
        pagination.next_cursor = pages.encode(_sort_key(page[-1], q.sort), "n", q.sort, q.order)
    if page and start > 0:
        pagination.previous_cursor = pages.encode(_sort_key(page[0], q.sort), "p", q.sort, q.order)
    return VmList(vms=page, pagination=pagination)


# Per core, the list of VMs last listed and its rows filtered and sorted per query. The
# inventory hands out one list until it changes, so a page of 50 from 10,000 VMs is a
# slice of rows already in order, not a filter and a sort (~15 ms) on every request. Only
# the current list is held: a new one drops the rows made from the old.
_ORDERED: weakref.WeakKeyDictionary[Infra, tuple[list[Vm], dict[str, list[Vm]]]] = (
    weakref.WeakKeyDictionary()
)
_ORDERED_KEEP = 32  # queries per list


def _ordered(infra: Infra, vms: list[Vm], q: VmListQuery) -> list[Vm]:
    source, by_query = _ORDERED.get(infra, (None, {}))
    if source is not vms:
        by_query = {}
        _ORDERED[infra] = (vms, by_query)
    key = q.model_dump_json(exclude={"limit", "offset", "cursor"})
    rows = by_query.get(key)
    if rows is None:
        rows = [vm for vm in vms if _matches(vm, q)]
        rows.sort(key=lambda vm: _sort_key(vm, q.sort), reverse=q.order == "desc")
        if len(by_query) >= _ORDERED_KEEP:
            by_query.pop(next(iter(by_query)))
        by_query[key] = rows
    return rows


def _mark_creating(infra: Infra, vms: list[Vm]) -> list[Vm]:
    running, _ = infra.jobs.repo.query(
        JobQuery(status=JobStatus.running, type="vm_creation", limit=200)
    )
    targets = {j.target for j in running}
    if not targets:
        return vms
    return [
        vm.model_copy(update={"status": VmStatus.creating}) if vm.id in targets else vm
        for vm in vms
    ]


def _matches(vm: Vm, q: VmListQuery) -> bool:
    if vm.template and not q.include_templates:
        return False
    if q.status and vm.status != q.status:
        return False
    if q.environment and vm.environment != q.environment:
        return False
    if q.node and vm.node != q.node:
        return False
    if q.tag and q.tag.lower() not in vm.tags:
        return False
    if q.type and vm.type != q.type:
        return False
    if q.search:
        needle = q.search.lower()
        hay = (vm.name.lower(), vm.id, str(vm.vmid), vm.ip_address or "", vm.node)
        if not any(needle in h for h in hay):
            return False
    return True


def _sort_key(vm: Vm, field: str) -> tuple[Any, ...]:
    value = getattr(vm, field, None)
    # None sorts last whatever the order; ties break on name then vmid so pages are stable.
    return (value is None, value if value is not None else 0, vm.name, vm.vmid)


@operation(
    "vm.get",
    summary="Show one VM: configuration, disks, NICs, live performance, snapshots",
    input=VmRef,
    output=VmDetail,
    scope="vm:read",
    risk=Risk.read,
)
async def vm_get(infra: Infra, ref: VmRef, ctx: CallContext) -> VmDetail:
    row = await infra.guest(ref.vm_id)
    node, vmid, kind = row["node"], int(row["vmid"]), row["type"]
    _require_node(infra, node, row)
    config = await infra.adapter.config(node, vmid, kind)
    status = await infra.adapter.status(node, vmid, kind)
    snaps: list[dict[str, Any]] = []
    firewall: bool | None = None
    ips: dict[str, str] | None = None
    if kind == "qemu":
        snaps = await infra.adapter.snapshots(node, vmid)
        fw = await infra.adapter.firewall_options(node, vmid)
        firewall = bool(fw.get("enable"))
        if status.get("status") == "running" and str(config.get("agent", "0"))[:1] == "1":
            ips = mapping.agent_ips(await infra.adapter.agent_interfaces(node, vmid))
    detail = mapping.vm_detail(
        row,
        config,
        status,
        firewall_enabled=firewall,
        snapshots=mapping.snapshots_from(snaps),
        ips=ips,
    )
    latest = ScanRepo(infra.database).latest_for(detail.id)
    if latest is not None:
        detail.security.compliance_score = latest.compliance_score
        detail.security.last_security_scan = latest.at
        detail.security.vulnerabilities = Vulnerabilities(**latest.vulnerabilities)
    # If storages cannot be read, the detail still shows; its backup block stays unknown.
    with contextlib.suppress(PxaError):
        detail.backup = await backup_block(infra, detail.id, vmid)
    facts = mapping.config_facts(config)
    if detail.configuration.network and not facts["ip_address"]:
        facts["ip_address"] = next(
            (n.ip_address for n in detail.configuration.network if n.ip_address), None
        )
    infra.inventory.remember(
        detail.id,
        {**facts, "firewall_enabled": firewall, "qmpstatus": status.get("qmpstatus")},
    )
    return detail


# ---- changing --------------------------------------------------------------------------


def _require_node(infra: Infra, node: str, row: dict[str, Any]) -> None:
    if infra.inventory.node_online(node) is False:
        raise NodeOffline(
            f"node {node} is offline: {row.get('name') or row['vmid']} is unreachable"
        )


def _require_unlocked(row: dict[str, Any]) -> None:
    if row.get("lock"):
        name = row.get("name") or row["vmid"]
        raise Locked(
            f"VM {name} ({row['vmid']}) is locked ({row['lock']}); wait for that to finish",
            details={"lock": row["lock"]},
        )


async def mutable_guest(infra: Infra, ref: str) -> dict[str, Any]:
    row = await infra.guest(ref, fresh=True)
    _require_node(infra, row["node"], row)
    _require_unlocked(row)
    if row.get("template"):
        raise Conflict(f"{row.get('name')} is a template; clone it instead")
    return row


def _job(
    infra: Infra,
    ctx: CallContext,
    row: dict[str, Any],
    type_: str,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any] | None = None,
    *,
    message: str,
    done: str,
    expected: float = 5.0,
) -> JobAccepted:
    gid = mapping.guest_id(row["type"], int(row["vmid"]))
    job_id = infra.jobs.create(
        type_,
        workflow="pve_task",
        params={
            "method": method,
            "args": args,
            "kwargs": kwargs or {},
            "message": message,
            "done_message": done,
            "result": {"vm_id": gid},
        },
        state={"expected_seconds": expected},
        target=gid,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(job_id=job_id, status="running", target=gid, message=message)


@operation(
    "vm.start",
    summary="Start a VM",
    input=VmRef,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.write,
)
async def vm_start(infra: Infra, ref: VmRef, ctx: CallContext) -> JobAccepted:
    row = await mutable_guest(infra, ref.vm_id)
    if row.get("status") == "running":
        raise Conflict(f"VM {row.get('name')} is already running")
    name, node, vmid = row.get("name"), row["node"], int(row["vmid"])
    return _job(
        infra,
        ctx,
        row,
        "vm_start",
        "power",
        [node, vmid, "start", row["type"]],
        message=f"starting {name}",
        done=f"{name} is running",
        expected=3,
    )


@operation(
    "vm.stop",
    summary="Stop a VM: a guest shutdown (graceful) or a hard stop",
    input=VmStop,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.write,
    risk_for=lambda a: Risk.write if a.graceful else Risk.destructive,
)
async def vm_stop(infra: Infra, req: VmStop, ctx: CallContext) -> JobAccepted:
    row = await mutable_guest(infra, req.vm_id)
    if row.get("status") != "running":
        raise Conflict(f"VM {row.get('name')} is not running")
    name, node, vmid = row.get("name"), row["node"], int(row["vmid"])
    if req.graceful:
        kwargs = {"timeout": req.timeout_seconds, "forceStop": 1}
        return _job(
            infra,
            ctx,
            row,
            "vm_shutdown",
            "power",
            [node, vmid, "shutdown", row["type"]],
            kwargs,
            message=f"shutting down {name} (hard stop after {req.timeout_seconds}s)",
            done=f"{name} is stopped",
            expected=5,
        )
    return _job(
        infra,
        ctx,
        row,
        "vm_stop",
        "power",
        [node, vmid, "stop", row["type"]],
        message=f"stopping {name} (hard stop)",
        done=f"{name} is stopped",
        expected=3,
    )


@operation(
    "vm.restart",
    summary="Restart (reboot) a running VM",
    input=VmRef,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.write,
)
async def vm_restart(infra: Infra, ref: VmRef, ctx: CallContext) -> JobAccepted:
    row = await mutable_guest(infra, ref.vm_id)
    if row.get("status") != "running":
        raise Conflict(f"VM {row.get('name')} is not running; start it instead")
    name, node, vmid = row.get("name"), row["node"], int(row["vmid"])
    return _job(
        infra,
        ctx,
        row,
        "vm_restart",
        "power",
        [node, vmid, "reboot", row["type"]],
        message=f"rebooting {name}",
        done=f"{name} rebooted",
        expected=5,
    )


@operation(
    "vm.update",
    summary="Change a VM's cores, memory, name, description or tags",
    input=VmUpdate,
    output=VmDetail,
    scope="vm:write",
    risk=Risk.write,
)
async def vm_update(infra: Infra, req: VmUpdate, ctx: CallContext) -> VmDetail:
    row = await mutable_guest(infra, req.vm_id)
    if row["type"] != "qemu":
        raise Invalid("only QEMU VMs can be edited for now", field="vm_id")
    params: dict[str, Any] = {}
    cfg = req.configuration
    if cfg.cpu_cores is not None:
        params["cores"] = cfg.cpu_cores
    if cfg.cpu_sockets is not None:
        params["sockets"] = cfg.cpu_sockets
    if cfg.memory_mb is not None:
        params["memory"] = cfg.memory_mb
    if req.name is not None and req.name != row.get("name"):
        _require_unique_name(infra, req.name)
        params["name"] = req.name
    if req.description is not None:
        params["description"] = req.description
    tags = req.tags
    if req.environment is not None:
        current = parse.parse_tags(row.get("tags")) if tags is None else tags
        tags = [
            req.environment,
            *[t for t in current if t not in ("production", "staging", "development")],
        ]
    if tags is not None:
        params["tags"] = parse.format_tags(tags)
    if not params:
        raise Invalid(
            "nothing to change: give configuration, name, description or tags",
            field="configuration",
            reason="no_changes",
        )
    await infra.adapter.set_config(row["node"], int(row["vmid"]), **params)
    infra.inventory.forget(mapping.guest_id(row["type"], int(row["vmid"])))
    infra.inventory.invalidate()
    return await vm_get(infra, VmRef(vm_id=mapping.guest_id(row["type"], int(row["vmid"]))), ctx)


def _require_unique_name(infra: Infra, name: str) -> None:
    for row in infra.inventory.guests.values():
        if row.get("name") == name:
            gid = mapping.guest_id(row["type"], int(row["vmid"]))
            raise Conflict(
                f"a VM named {name!r} already exists ({gid})",
                details={"field": "name"},
            )


@operation(
    "vm.delete",
    summary="Delete a VM and its disks",
    input=VmDelete,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.destructive,
)
async def vm_delete(infra: Infra, req: VmDelete, ctx: CallContext) -> JobAccepted:
    row = await infra.guest(req.vm_id, fresh=True)
    _require_node(infra, row["node"], row)
    _require_unlocked(row)
    if row.get("status") == "running" and not req.force:
        raise Conflict(f"VM {row.get('name')} is running: stop it first, or delete with force=true")
    gid = mapping.guest_id(row["type"], int(row["vmid"]))
    job_id = infra.jobs.create(
        "vm_deletion",
        workflow="vm_delete",
        params={
            "node": row["node"],
            "vmid": int(row["vmid"]),
            "kind": row["type"],
            "name": row.get("name"),
            "force": req.force,
            "keep_backups": req.keep_backups,
            "running": row.get("status") == "running",
        },
        target=gid,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(
        job_id=job_id, status="running", target=gid, message=f"deleting {row.get('name')}"
    )


# ---- snapshots -------------------------------------------------------------------------


@operation(
    "vm.snapshot.list",
    summary="List a VM's snapshots",
    input=VmRef,
    output=SnapshotList,
    scope="vm:read",
    risk=Risk.read,
)
async def snapshot_list(infra: Infra, ref: VmRef, ctx: CallContext) -> SnapshotList:
    row = await infra.guest(ref.vm_id)
    _require_node(infra, row["node"], row)
    if row["type"] != "qemu":
        return SnapshotList(snapshots=[])
    rows = await infra.adapter.snapshots(row["node"], int(row["vmid"]))
    return SnapshotList(snapshots=mapping.snapshots_from(rows))


@operation(
    "vm.snapshot.create",
    summary="Take a snapshot of a VM (optionally with its RAM)",
    input=SnapshotCreate,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.write,
)
async def snapshot_create(infra: Infra, req: SnapshotCreate, ctx: CallContext) -> JobAccepted:
    row = await mutable_guest(infra, req.vm_id)
    existing = await infra.adapter.snapshots(row["node"], int(row["vmid"]))
    if any(s.get("name") == req.name for s in existing):
        raise Conflict(
            f"{row.get('name')} already has a snapshot named {req.name!r}",
            details={"field": "name"},
        )
    if req.include_memory and row.get("status") != "running":
        raise Invalid(
            "include_memory needs a running VM",
            field="include_memory",
            reason="vm_not_running",
            provided_value=True,
        )
    kwargs: dict[str, Any] = {"snapname": req.name, "vmstate": req.include_memory}
    if req.description:
        kwargs["description"] = req.description
    return _job(
        infra,
        ctx,
        row,
        "vm_snapshot",
        "snapshot_create",
        [row["node"], int(row["vmid"])],
        kwargs,
        message=f"snapshot {req.name} of {row.get('name')}",
        done=f"snapshot {req.name} taken",
        expected=4,
    )


async def _snapshot_row(infra: Infra, req: SnapshotRef) -> dict[str, Any]:
    row = await mutable_guest(infra, req.vm_id)
    existing = await infra.adapter.snapshots(row["node"], int(row["vmid"]))
    if not any(s.get("name") == req.snapshot_id for s in existing if s.get("name") != "current"):
        raise NotFound(f"{row.get('name')} has no snapshot named {req.snapshot_id!r}")
    return row


@operation(
    "vm.snapshot.restore",
    summary="Roll a VM back to a snapshot (current state is lost)",
    input=SnapshotRef,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.destructive,
)
async def snapshot_restore(infra: Infra, req: SnapshotRef, ctx: CallContext) -> JobAccepted:
    row = await _snapshot_row(infra, req)
    return _job(
        infra,
        ctx,
        row,
        "vm_snapshot_restore",
        "snapshot_rollback",
        [row["node"], int(row["vmid"]), req.snapshot_id],
        message=f"rolling {row.get('name')} back to {req.snapshot_id}",
        done=f"{row.get('name')} is at snapshot {req.snapshot_id}",
        expected=4,
    )


@operation(
    "vm.snapshot.delete",
    summary="Delete a VM's snapshot",
    input=SnapshotRef,
    output=JobAccepted,
    scope="vm:write",
    risk=Risk.destructive,
)
async def snapshot_delete(infra: Infra, req: SnapshotRef, ctx: CallContext) -> JobAccepted:
    row = await _snapshot_row(infra, req)
    return _job(
        infra,
        ctx,
        row,
        "vm_snapshot_delete",
        "snapshot_delete",
        [row["node"], int(row["vmid"]), req.snapshot_id],
        message=f"deleting snapshot {req.snapshot_id} of {row.get('name')}",
        done=f"snapshot {req.snapshot_id} deleted",
        expected=3,
    )
