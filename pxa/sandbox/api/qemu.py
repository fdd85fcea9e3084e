"""`/nodes/{node}/qemu`: list, create, the VM index and destroy."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import restore, views, vmconfig
from pxa.sandbox.api.common import qemu, spawn, subdirs
from pxa.sandbox.errors import fail
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import boolean
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.vmkeys import CONFIG_KEYS, CREATE_EXTRA

VM_DIRS = (
    "config",
    "pending",
    "status",
    "snapshot",
    "firewall",
    "agent",
    "clone",
    "resize",
    "template",
    "rrddata",
    "unlink",
    "vncproxy",
    "migrate",
    "feature",
    "sendkey",
)


def register(r: Router) -> None:
    r.get("/nodes/{node}/qemu", list_vms, params=[boolean("full")])
    r.post(
        "/nodes/{node}/qemu",
        create_vm,
        params=[*CONFIG_KEYS, *CREATE_EXTRA, *restore.RESTORE_PARAMS],
        perms=[perm("/vms/{vmid}", "VM.Allocate")],
    )
    r.get("/nodes/{node}/qemu/{vmid}", vm_index)
    r.delete(
        "/nodes/{node}/qemu/{vmid}",
        destroy_vm,
        params=[boolean("purge"), boolean("destroy-unreferenced-disks"), boolean("skiplock")],
        perms=[perm("/vms/{vmid}", "VM.Allocate")],
    )


def list_vms(call: Call) -> list[dict[str, Any]]:
    p, full = call.principal, bool(call.get("full"))
    return [
        views.qemu_status(call.world, g, call.now, full=full)
        for g in call.world.guests.values()
        if g.node == call.node and g.kind == "qemu" and p.can(f"/vms/{g.vmid}", "VM.Audit")
    ]


def vm_index(call: Call) -> list[dict[str, str]]:
    qemu(call)
    return subdirs(*VM_DIRS)


def create_vm(call: Call) -> str:
    if call.get("archive"):
        return restore.restore_vm(call)
    world, vmid = call.world, call.vmid
    existing = world.guests.get(vmid)
    if existing is not None:
        raise fail(
            f"unable to create VM {vmid} - VM {vmid} already exists on node '{existing.node}'"
        )
    if call.get("pool"):
        raise fail(f"pool '{call.get('pool')}' does not exist")
    # A VM made from scratch has no guest OS yet, so no agent answers inside it.
    guest = Guest(vmid, call.node, "qemu", {}, agent_ready=False, os="", profile="dev")
    lines = vmconfig.apply(guest, vmconfig.config_changes(call.params), [], world.seed)
    vmconfig.finish_new(guest, world.seed, call.now)
    world.guests[vmid] = guest
    plan = [(0.8 * i / max(1, len(lines)), line) for i, line in enumerate(lines)]
    return spawn(
        call,
        "qmcreate",
        "create",
        args={"start": call.get("start", 0)},
        plan=plan,
        locks=((vmid, "create"),),
    )


def destroy_vm(call: Call) -> str:
    g = qemu(call)
    if not call.get("skiplock"):
        g.check_lock()
    if g.config.get("protection"):
        raise fail(f"can't remove VM {g.vmid} - protection mode enabled")
    if g.running:
        raise fail(f"VM {g.vmid} is running - destroy failed")
    return spawn(call, "qmdestroy", "destroy", args={"purge": call.get("purge", 0)})
