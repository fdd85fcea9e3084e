"""What completing (or stopping) each kind of VM task does to the world.

API handlers run PVE's pre-fork checks and spawn a task naming one of these
effects; the effect runs when the simulated task ends and may still fail the task
(`TaskError`), as qemu-server's workers do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pxa.sandbox.disks import disk_name, format_size, human, parse_drive, parse_size, print_drive
from pxa.sandbox.errors import TaskError
from pxa.sandbox.guests import SNAPSHOT_META, Guest
from pxa.sandbox.netcfg import parse_net
from pxa.sandbox.tasks import CLEANUPS, Task, effect
from pxa.sandbox.topology import BRIDGES

if TYPE_CHECKING:
    from pxa.sandbox.world import World

# Realistic durations in seconds, before the speed factor.
SECONDS = {
    "qmstart": 2.0,
    "qmstop": 2.0,
    "qmshutdown": 4.0,
    "qmreboot": 6.0,
    "qmreset": 1.0,
    "qmpause": 1.0,
    "qmsuspend": 3.0,
    "qmresume": 1.0,
    "qmclone-full": 12.0,
    "qmclone-linked": 2.0,
    "resize": 2.0,
    "qmsnapshot": 3.0,
    "qmdelsnapshot": 2.0,
    "qmrollback": 3.0,
    "qmcreate": 3.0,
    "qmdestroy": 2.0,
    "qmtemplate": 2.0,
    "qmconfig": 0.5,
}


def _guest(world: World, task: Task) -> Guest:
    vmid = int(task.args["vmid"])
    g = world.guests.get(vmid)
    if g is None:
        raise TaskError(
            f"Configuration file 'nodes/{task.node}/qemu-server/{vmid}.conf' does not exist"
        )
    return g


@effect("noop")
def _noop(world: World, task: Task, at: float) -> list[str]:
    return []


@effect("start")
def _start(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if g.running:
        raise TaskError(f"VM {g.vmid} already running")
    for key, value in g.config.items():
        if key.startswith("net") and key[3:].isdigit():
            bridge = parse_net(str(value)).get("bridge")
            if bridge and bridge not in BRIDGES:
                raise TaskError(f"bridge '{bridge}' does not exist")
    if g.lock == "suspended":
        g.set_lock(None)
    g.power, g.started_at = "running", at
    return []


@effect("stop")
def _stop(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    g.power, g.started_at = "stopped", None
    return []


@effect("restart")
def _restart(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if not g.running:
        raise TaskError(f"VM {g.vmid} not running")
    g.power, g.started_at = "running", at
    return []


@effect("pause")
def _pause(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if not g.running:
        raise TaskError(f"VM {g.vmid} not running")
    if task.args.get("todisk"):
        g.power, g.started_at = "stopped", None
        g.set_lock("suspended")
        return ["suspend VM to disk", "saving VM state and RAM using storage 'local-lvm'"]
    g.power = "paused"
    return []


@effect("resume")
def _resume(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if not g.running:
        raise TaskError(f"VM {g.vmid} not running")
    g.power = "running"
    return []


@effect("create")
def _create(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    g.set_lock(None)
    if task.args.get("start"):
        world.spawn(
            node=g.node,
            kind="qmstart",
            ident=g.vmid,
            user=task.user,
            action="start",
            seconds=SECONDS["qmstart"],
            now=at,
            args={"vmid": g.vmid},
        )
    return []


def _remove_new_guest(world: World, task: Task) -> None:
    world.guests.pop(int(task.args.get("newid", task.args["vmid"])), None)


CLEANUPS["create"] = _remove_new_guest
CLEANUPS["clone"] = _remove_new_guest


@effect("clone")
def _clone(world: World, task: Task, at: float) -> list[str]:
    target = world.guests.get(int(task.args["newid"]))
    if target is None:
        raise TaskError("clone failed: target VM vanished")
    target.set_lock(None)
    return []


def clone_plan(source: Guest, full: bool, drives: dict[str, str]) -> list[tuple[float, str]]:
    """Log lines of a clone, spread over its progress."""
    lines: list[tuple[float, str]] = []
    for key, new_value in drives.items():
        old = parse_drive(source.config[key])
        name = disk_name(parse_drive(new_value)["file"])
        verb = "full" if full else "linked"
        lines.append((0.0, f"create {verb} clone of drive {key} ({old['file']})"))
        lines.append((0.01, f'  Logical volume "{name}" created.'))
        if full and "size" in old:
            size = parse_size(old["size"])
            for step in range(0, 11):
                done = size * step / 10
                lines.append(
                    (
                        0.05 + 0.09 * step,
                        f"transferred {human(done)} of {human(size)} ({100 * step / 10:.2f}%)",
                    )
                )
    return lines


@effect("resize")
def _resize(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    key, spec = task.args["disk"], str(task.args["size"])
    if key not in g.config:
        raise TaskError(f"disk '{key}' does not exist")
    drive = parse_drive(g.config[key])
    current = parse_size(drive.get("size", "0"))
    wanted = parse_size(spec.lstrip("+"))
    new = current + wanted if spec.startswith("+") else wanted
    if new < current:
        raise TaskError("shrinking disks is not supported")
    drive["size"] = format_size(new)
    g.config[key] = print_drive(drive)
    name = disk_name(drive["file"])
    # LVM counts 4 MiB extents.
    return [
        f"  Size of logical volume pve/{name} changed from {current / (1 << 30):.2f} GiB "
        f"({current >> 22} extents) to {new / (1 << 30):.2f} GiB ({new >> 22} extents).",
        f"  Logical volume pve/{name} successfully resized.",
    ]


@effect("template")
def _template(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if g.running:
        raise TaskError("you can't convert a VM to template if VM is running")
    lines = []
    for key in g.drives():
        drive = parse_drive(g.config[key])
        name = disk_name(drive["file"])
        if name.startswith("vm-") and "-disk-" in name and "/" not in drive["file"]:
            base = "base-" + name[3:]
            drive["file"] = drive["file"].replace(name, base)
            g.config[key] = print_drive(drive)
            lines.append(f'  Renamed "{name}" to "{base}" in volume group "pve"')
            lines.append(f"  Logical volume pve/{base} changed.")
    g.config["template"] = 1
    return lines


@effect("snapshot")
def _snapshot(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    name = task.args["snapname"]
    snap = {k: v for k, v in g.config.items() if k not in (*SNAPSHOT_META, "lock")}
    if g.config.get("parent"):
        snap["parent"] = g.config["parent"]
    snap["snaptime"] = int(at)
    if task.args.get("description"):
        snap["description"] = task.args["description"]
    lines = []
    if task.args.get("vmstate") and g.running:
        snap["vmstate"] = f"local-lvm:vm-{g.vmid}-state-{name}"
        snap["runningmachine"] = "pc-i440fx-9.2+pve1"
        lines += [
            "saving VM state and RAM using storage 'local-lvm'",
            f"completed saving the VM state in 2s, saved {human(g.maxmem * 0.4)}",
        ]
    for key in g.drives():
        drive = parse_drive(g.config[key])
        if drive.get("media") == "cdrom":
            continue
        lines.append(f"snapshotting 'drive-{key}' ({drive['file']})")
        lines.append(f'  Logical volume "snap_{disk_name(drive["file"])}_{name}" created.')
    g.snapshots[name] = snap
    g.config["parent"] = name
    return lines


@effect("delsnapshot")
def _delsnapshot(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    name = task.args["snapname"]
    snap = g.snapshots.pop(name, None)
    if snap is None:
        raise TaskError(f"snapshot '{name}' does not exist")
    for other in g.snapshots.values():
        if other.get("parent") == name:
            _set_parent(other, snap.get("parent"))
    if g.config.get("parent") == name:
        _set_parent(g.config, snap.get("parent"))
    return [
        f'  Logical volume "snap_{disk_name(parse_drive(g.config[k])["file"])}_{name}" '
        "successfully removed."
        for k in g.drives()
        if parse_drive(g.config[k]).get("media") != "cdrom"
    ]


def _set_parent(conf: dict[str, object], parent: object) -> None:
    if parent:
        conf["parent"] = parent
    else:
        conf.pop("parent", None)


@effect("rollback")
def _rollback(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    name = task.args["snapname"]
    snap = g.snapshots.get(name)
    if snap is None:
        raise TaskError(f"snapshot '{name}' does not exist")
    keep = {k: g.config[k] for k in ("description",) if k in g.config}
    g.config = {
        k: v
        for k, v in snap.items()
        if k not in ("snaptime", "vmstate", "parent", "runningmachine", "runningcpu", "description")
    }
    g.config.update(keep)
    g.config["parent"] = name
    if snap.get("vmstate"):
        g.power, g.started_at = "running", at
    else:
        g.power, g.started_at = "stopped", None
        if task.args.get("start"):
            world.spawn(
                node=g.node,
                kind="qmstart",
                ident=g.vmid,
                user=task.user,
                action="start",
                seconds=SECONDS["qmstart"],
                now=at,
                args={"vmid": g.vmid},
            )
    return []


@effect("destroy")
def _destroy(world: World, task: Task, at: float) -> list[str]:
    g = _guest(world, task)
    if g.running:
        raise TaskError(f"VM {g.vmid} is running - destroy failed")
    lines = [
        f'  Logical volume "{name}" successfully removed.' for name in sorted(g.volumes()) if name
    ]
    del world.guests[g.vmid]
    return lines
