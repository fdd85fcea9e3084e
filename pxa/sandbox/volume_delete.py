"""Deleting a volume: an `imgdel` task whose worker may still refuse.

As in pve-storage the checks run in the worker: the storage must come online, a
protected backup stays (`cannot remove protected volume ...`), and a disk a guest
still uses cannot go (the sandbox keeps guests and storages consistent).
With `delay`, the call waits for the task and returns null, or the task's error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import storage_content
from pxa.sandbox.errors import PveError, TaskError, fail
from pxa.sandbox.storage_state import StorageState, offline_message, state_of
from pxa.sandbox.tasks import Task, effect

if TYPE_CHECKING:
    from pxa.sandbox.routing import Call
    from pxa.sandbox.volumes import Volume
    from pxa.sandbox.world import World

SECONDS = 0.5


def plan_delete(
    call: Call, state: StorageState, volid: str, storeid: str, vol: Volume | None
) -> str | None:
    conf = state.config(storeid)
    image = None if vol else storage_content.find_image(call.world, state, volid, call.node)
    owner = vol.vmid if vol else (image.vmid if image else None)
    error = _refusal(call.world, state, conf, storeid, volid, vol, image, call.node)
    upid = call.world.spawn(
        node=call.node,
        kind="imgdel",
        ident=f"{owner}@{storeid}" if owner else storeid,
        user=call.principal.actor,
        action="imgdel",
        seconds=SECONDS,
        now=call.now,
        args={"volid": volid, "node": call.node, "error": error},
    )
    if not call.get("delay"):
        return upid
    task = call.world.tasks.by_upid[upid]
    call.world.tasks.finish(call.world, task)  # short enough to wait for
    if task.is_error():
        raise fail(str(task.exitstatus))
    return None


def _refusal(
    world: World,
    state: StorageState,
    conf: dict[str, Any],
    storeid: str,
    volid: str,
    vol: Volume | None,
    image: Any,
    node: str,
) -> str | None:
    try:
        state.activate(world, storeid, node)
    except PveError as exc:
        return exc.message
    if vol is not None and vol.protected:
        if conf["type"] == "pbs":
            return (
                f"proxmox-backup-client failed: Error: cannot remove protected snapshot "
                f'"{vol.volname.split("/", 1)[1]}"'
            )
        return f"cannot remove protected volume '{vol.volname}' on '{storeid}'"
    if image is not None:
        name = volid.split(":", 1)[1].rsplit("/", 1)[-1]
        if conf["type"] in ("lvm", "lvmthin"):
            vg = conf.get("vgname")
            return f"lvremove '{vg}/{name}' error:   Logical volume {vg}/{name} in use."
        return f"volume '{volid}' is in use by VM {image.vmid}"
    return None


@effect("imgdel")
def _imgdel(world: World, task: Task, at: float) -> list[str]:
    if task.args.get("error"):
        raise TaskError(task.args["error"])
    state = state_of(world)
    volid = task.args["volid"]
    storeid = volid.split(":", 1)[0]
    if storeid in world.faults.offline_storages and storeid in state.configs:
        raise TaskError(offline_message(storeid, state.configs[storeid]))
    vol = state.find(volid, task.args["node"])
    lines = []
    if vol is None:
        lines.append(f"WARN: volume '{volid}' does not exist")
    elif vol.protected:
        raise TaskError(f"cannot remove protected volume '{vol.volname}' on '{storeid}'")
    else:
        state.remove(vol)
    return [*lines, f"Removed volume '{volid}'"]
