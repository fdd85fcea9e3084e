"""`/nodes/{node}/qemu/{vmid}/config` (GET, async POST, sync PUT) and `pending`."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import vmconfig
from pxa.sandbox.api.common import AUDIT, qemu, spawn
from pxa.sandbox.errors import fail
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.vmkeys import CONFIG_KEYS, UPDATE_EXTRA

MODIFY = perm(
    "/vms/{vmid}",
    "VM.Config.Disk",
    "VM.Config.CDROM",
    "VM.Config.CPU",
    "VM.Config.Memory",
    "VM.Config.Network",
    "VM.Config.HWType",
    "VM.Config.Options",
    "VM.Config.Cloudinit",
    any_of=True,
)
MODIFIED = "detected modified configuration - file changed by other user? Try again."


def register(r: Router) -> None:
    r.get(
        "/nodes/{node}/qemu/{vmid}/config",
        read_config,
        perms=[AUDIT],
        params=[boolean("current"), string("snapshot", format="pve-configid")],
    )
    r.post(
        "/nodes/{node}/qemu/{vmid}/config",
        update_async,
        perms=[MODIFY],
        params=[*CONFIG_KEYS, *UPDATE_EXTRA, integer("background_delay", minimum=1, maximum=30)],
    )
    r.put(
        "/nodes/{node}/qemu/{vmid}/config",
        update_sync,
        perms=[MODIFY],
        params=[*CONFIG_KEYS, *UPDATE_EXTRA],
    )
    r.get("/nodes/{node}/qemu/{vmid}/pending", pending, perms=[AUDIT])


def read_config(call: Call) -> dict[str, Any]:
    g = qemu(call)
    conf = g.config
    snapname = call.get("snapshot")
    if snapname:
        if snapname not in g.snapshots:
            raise fail(f"snapshot '{snapname}' does not exist")
        conf = g.snapshots[snapname]
    return {**vmconfig.readback(conf), "digest": g.digest()}


def _update(call: Call) -> list[str]:
    g = qemu(call)
    if not call.get("skiplock"):
        g.check_lock()
    digest = call.get("digest")
    if digest and digest != g.digest():
        raise fail(MODIFIED)
    changes = vmconfig.config_changes(call.params)
    delete = split_list(call.get("delete") or "")
    if not changes and not delete and not call.get("revert"):
        raise fail("no options specified")
    return vmconfig.apply(g, changes, delete, call.world.seed)


def update_async(call: Call) -> str:
    lines = _update(call)
    plan = [(0.0, f"update VM {call.vmid}: " + _summary(call))] + [(0.5, x) for x in lines]
    return spawn(call, "qmconfig", "noop", plan=plan)


def update_sync(call: Call) -> None:
    _update(call)
    return None


def _summary(call: Call) -> str:
    hidden = {"cipassword": "<hidden>"}
    parts = [
        f"-{k} {hidden.get(k, v)}"
        for k, v in sorted(call.params.items())
        if k not in ("node", "vmid")
    ]
    return " ".join(parts)


def pending(call: Call) -> list[dict[str, Any]]:
    g = qemu(call)
    conf = vmconfig.readback(g.config)
    return [{"key": key, "value": conf[key]} for key in sorted(conf)]
