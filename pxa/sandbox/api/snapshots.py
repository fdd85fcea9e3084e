"""`/nodes/{node}/qemu/{vmid}/snapshot`: list, create, config, rollback, delete."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import vmconfig
from pxa.sandbox.api.common import AUDIT, qemu, spawn, subdirs
from pxa.sandbox.errors import fail
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router, perm

SNAP = perm("/vms/{vmid}", "VM.Snapshot")
BASE = "/nodes/{node}/qemu/{vmid}/snapshot"
RESERVED = ("current", "pending", "vzdump")


def register(r: Router) -> None:
    r.get(BASE, list_snapshots, perms=[AUDIT])
    r.post(
        BASE,
        create,
        perms=[SNAP],
        params=[
            string("snapname", optional=False, format="pve-configid", max_length=40),
            string("description"),
            boolean("vmstate"),
        ],
    )
    r.get(f"{BASE}/{{snapname}}", snapshot_index, proxy=False)
    r.delete(f"{BASE}/{{snapname}}", delete, perms=[SNAP], params=[boolean("force")])
    r.get(
        f"{BASE}/{{snapname}}/config",
        read_config,
        perms=[perm("/vms/{vmid}", "VM.Snapshot", "VM.Snapshot.Rollback", "VM.Audit", any_of=True)],
    )
    r.put(
        f"{BASE}/{{snapname}}/config", update_config, perms=[SNAP], params=[string("description")]
    )
    r.post(
        f"{BASE}/{{snapname}}/rollback",
        rollback,
        perms=[perm("/vms/{vmid}", "VM.Snapshot", "VM.Snapshot.Rollback", any_of=True)],
        params=[boolean("start")],
    )


def _snapshot(call: Call) -> tuple[Guest, dict[str, Any]]:
    g = qemu(call)
    name = call.params["snapname"]
    if name not in g.snapshots:
        raise fail(f"snapshot '{name}' does not exist")
    return g, g.snapshots[name]


def list_snapshots(call: Call) -> list[dict[str, Any]]:
    g = qemu(call)
    items = []
    for name, snap in g.snapshots.items():
        item = {
            "name": name,
            "snaptime": snap.get("snaptime", 0),
            "vmstate": 1 if snap.get("vmstate") else 0,
            "description": snap.get("description", ""),
        }
        if snap.get("parent"):
            item["parent"] = snap["parent"]
        items.append(item)
    current: dict[str, Any] = {
        "name": "current",
        "digest": g.digest(),
        "running": int(g.running),
        "description": "You are here!",
    }
    if g.config.get("parent"):
        current["parent"] = g.config["parent"]
    return [*items, current]


def create(call: Call) -> str:
    g = qemu(call)
    name = call.params["snapname"]
    if name.lower() in RESERVED:
        raise fail(f"unable to use snapshot name '{name}' (reserved name)")
    if name in g.snapshots:
        raise fail(f"snapshot name '{name}' already used")
    g.check_lock()
    return spawn(
        call,
        "qmsnapshot",
        "snapshot",
        locks=((g.vmid, "snapshot"),),
        seconds=6.0 if call.get("vmstate") and g.running else None,
        args={
            "snapname": name,
            "description": call.get("description"),
            "vmstate": call.get("vmstate", 0),
        },
    )


def snapshot_index(call: Call) -> list[dict[str, str]]:
    _snapshot(call)
    return subdirs("config", "rollback")


def delete(call: Call) -> str:
    g, _ = _snapshot(call)
    if not call.get("force"):
        g.check_lock()
    return spawn(
        call,
        "qmdelsnapshot",
        "delsnapshot",
        locks=((g.vmid, "snapshot-delete"),),
        args={"snapname": call.params["snapname"]},
    )


def read_config(call: Call) -> dict[str, Any]:
    g, snap = _snapshot(call)
    return {**vmconfig.readback(snap), "digest": g.digest()}


def update_config(call: Call) -> None:
    _, snap = _snapshot(call)
    if call.get("description") is not None:
        snap["description"] = call.get("description")
    return None


def rollback(call: Call) -> str:
    g, _ = _snapshot(call)
    g.check_lock()
    return spawn(
        call,
        "qmrollback",
        "rollback",
        locks=((g.vmid, "rollback"),),
        args={"snapname": call.params["snapname"], "start": call.get("start", 0)},
    )
