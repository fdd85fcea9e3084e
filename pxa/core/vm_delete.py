"""Deleting a VM: a hard stop first when forced, then destroy with its disks."""

from __future__ import annotations

from typing import Any

from pxa.core.workflow import JobContext, workflow


@workflow("vm_delete")
async def delete_workflow(ctx: JobContext) -> dict[str, Any]:
    p, a = ctx.params, ctx.adapter
    node, vmid, kind, name = p["node"], p["vmid"], p["kind"], p["name"]
    if p.get("running") and p.get("force"):
        ctx.span(0, 40)
        await ctx.task(
            "stop",
            lambda: a.power(node, vmid, "stop", kind),
            f"{name} is running: stopping it hard first (force)",
        )
    ctx.span(40 if p.get("running") else 0, 100)
    await ctx.task(
        "destroy",
        lambda: a.destroy(node, vmid, kind, purge=True, **{"destroy-unreferenced-disks": True}),
        f"destroying {name} ({vmid}) and its disks",
    )
    if p.get("keep_backups", True):
        ctx.log("backup archives of this VM were kept")
    else:
        await ctx.step("backups", lambda: _delete_backups(ctx, vmid))
    return {"vm_id": f"{'ct' if kind == 'lxc' else 'vm'}-{vmid}", "name": name, "deleted": True}


async def _delete_backups(ctx: JobContext, vmid: int) -> int:
    """Delete the VM's backup archives everywhere; protected ones stay, and the log says so."""
    from pxa.core.backups import all_backups
    from pxa.core.infra import current

    removed = 0
    for b in await all_backups(current(ctx), vmid):
        if b.protected:
            ctx.log(f"kept protected backup {b.volid}", "warning")
            continue
        await ctx.task(
            f"backup:{b.volid}",
            lambda b=b: ctx.adapter.storage.delete_volume(b.node, b.storage, b.volid),
            f"deleting backup {b.volid}",
        )
        removed += 1
    ctx.log(f"{removed} backup archive(s) deleted")
    return removed
