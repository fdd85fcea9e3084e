"""Restoring a VM from a backup: `POST /nodes/{node}/qemu` with `archive`.

Pre-fork checks and wording follow qemu-server's create_vm: disk options conflict
with `archive`; an existing VMID needs `force` (`unable to restore VM 101 - VM 101
already exists on node 'pve1'`) and must not be locked; a running or protected VM
fails inside the `qmrestore` task. The VM is locked `create` while it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import restore_plan
from pxa.sandbox.disks import is_drive
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.storage_state import state_of
from pxa.sandbox.volumes import split_volid

if TYPE_CHECKING:
    from pxa.sandbox.routing import Call

# Parameters only a restore uses, on top of the create call's.
RESTORE_PARAMS = (
    string("archive", max_length=255),
    boolean("live-restore"),
    integer("bwlimit", minimum=0),
)


def restore_vm(call: Call) -> str:
    world, vmid, node = call.world, call.vmid, call.node
    archive = str(call.params["archive"])
    for key in sorted(call.params):
        if is_drive(key):
            raise param_error({key: "option conflicts with option 'archive'"})
    vol = _archive(call, archive)
    emsg = f"unable to restore VM {vmid} -"
    existing = world.guests.get(vmid)
    if existing is not None:
        who = "VM" if existing.kind == "qemu" else "CT"
        if not call.get("force") or existing.node != node or existing.kind != "qemu":
            raise fail(f"{emsg} {who} {vmid} already exists on node '{existing.node}'")
        if existing.lock:
            raise fail(f"{emsg} VM is locked ({existing.lock})")
    else:
        # create_and_lock_config: the VM exists, empty and locked, from now on
        world.guests[vmid] = Guest(vmid, node, "qemu", {}, agent_ready=False, os="", profile="dev")
    args: dict[str, Any] = {
        "archive": archive,
        "storage": call.get("storage"),
        "unique": call.get("unique", 0),
        "start": call.get("start", 0),
        "live": call.get("live-restore", 0),
        "existed": existing is not None,
    }
    lines, seconds = restore_plan.plan(world, node, vmid, archive, vol, args)
    return world.spawn(
        node=node,
        kind="qmrestore",
        ident=vmid,
        user=call.principal.actor,
        action="restore",
        seconds=seconds,
        now=call.now,
        args={"vmid": vmid, **args},
        plan=[(0.9 * i / max(1, len(lines)), line) for i, line in enumerate(lines)],
        locks=((vmid, "create"),),
    )


def _archive(call: Call, archive: str) -> Any:
    """The backup volume, after PVE's pre-fork access checks (PBS is checked later)."""
    state = state_of(call.world)
    if ":" not in archive:
        raise fail(f"can't find file '{archive}'")
    storeid, volname = split_volid(archive, "archive")
    conf = state.config(storeid)
    if not volname.startswith("backup/"):
        raise fail(f"unable to use volume {archive} - content type needs to be 'backup'")
    vol = state.find(archive, call.node)
    if conf["type"] == "pbs":
        return vol  # a missing snapshot fails inside the task
    state.activate(call.world, storeid, call.node)
    if vol is None:
        raise fail(f"can't find file '{archive}'")
    return vol
