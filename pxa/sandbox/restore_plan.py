"""The `qmrestore` task: log lines of a vma or PBS restore, and what finishing it does.

Disks are allocated anew for the target VMID (`vm-<vmid>-disk-<n>`) on `storage`
or, without it, on the storage each disk came from; the cloud-init drive is made
again. The backed-up config (and firewall) becomes the VM's; `unique` draws new MACs.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pxa.sandbox.disks import is_drive, parse_drive, print_drive
from pxa.sandbox.errors import TaskError
from pxa.sandbox.guests import Guest
from pxa.sandbox.lifecycle import SECONDS
from pxa.sandbox.netcfg import mac_address, parse_net, print_net
from pxa.sandbox.storage_state import StorageState, offline_message, state_of
from pxa.sandbox.storage_types import content_set
from pxa.sandbox.tasks import Task, effect
from pxa.sandbox.volumes import Volume

if TYPE_CHECKING:
    from pxa.sandbox.world import World

DECOMPRESS = {"zst": "zstd -q -d -c", "gz": "zcat", "lzo": "lzop -d -c"}
NOT_CLEANED = (
    "error before or during data restore, some or all disks were not completely "
    "restored. VM {vmid} state is NOT cleaned up."
)


def plan(
    world: World, node: str, vmid: int, archive: str, vol: Volume | None, args: dict[str, Any]
) -> tuple[list[str], float]:
    """Lines for the log and the realistic duration; stores the disk mapping in `args`."""
    state = state_of(world)
    g = world.guests[vmid]
    refused = [NOT_CLEANED.format(vmid=vmid)]  # the worker's warning before it dies
    if vol is None or not vol.guest or g.running or g.config.get("protection"):
        return refused, 0.5  # the worker refuses straight away (see the effect)
    mapping, error = _mapping(state, vol, vmid, args.get("storage"))
    args["disks"], args["error"] = mapping, error
    if error:
        return refused, 0.5
    lines: list[str] = []
    if args.get("existed"):
        lines += [f'  Logical volume "{n}" successfully removed.' for n in sorted(g.volumes()) if n]
    lines += (
        _pbs_lines(state, vol, mapping)
        if vol.format.startswith("pbs")
        else (_vma_lines(state, vol, mapping, world.nodes[node].nodeid))
    )
    lines.append("rescan volumes...")
    total = sum(size for _, _, size in mapping.values())
    seconds = min(60.0, 3 + total / (1 << 30) * (0.1 if vol.format.startswith("pbs") else 0.25))
    return lines, seconds


def _mapping(
    state: StorageState, vol: Volume, vmid: int, target: str | None
) -> tuple[dict[str, tuple[str, str, int]], str | None]:
    """key → (old volume, new volume, size) for every disk, or the worker's error."""
    out: dict[str, tuple[str, str, int]] = {}
    config = (vol.guest or {}).get("config", {})
    n = 0
    for key in sorted(k for k in config if is_drive(k)):
        drive = parse_drive(str(config[key]))
        cloudinit = "cloudinit" in drive["file"]
        if drive.get("media") == "cdrom" and not cloudinit:
            continue
        store = target or drive["file"].split(":", 1)[0]
        if store not in state.configs or "images" not in content_set(state.configs[store]):
            return {}, f"storage '{store}' does not support vm images"
        name = f"vm-{vmid}-cloudinit" if cloudinit else f"vm-{vmid}-disk-{n}"
        n += 0 if cloudinit else 1
        if state.configs[store].get("path"):
            name = f"{vmid}/{name}.qcow2"
        size = _size(drive.get("size", "0"))
        out[key] = (drive["file"], f"{store}:{name}", size)
    return out, None


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    return int(float(text[:-1]) * units[text[-1]]) if text[-1:] in units else int(text or 0)


def _vma_lines(
    state: StorageState, vol: Volume, mapping: dict[str, tuple[str, str, int]], nodeid: int
) -> list[str]:
    path = f"{state.path(vol.storage, 'backup')}/{vol.filename}"
    tmp = f"/var/tmp/vzdumptmp{4100 + 97 * nodeid}"
    comp = DECOMPRESS.get(vol.format.rsplit(".", 1)[-1])
    source = (
        f"{comp} {path} | vma extract -v -r {tmp}.fifo - {tmp}"
        if comp
        else (f"vma extract -v -r {tmp}.fifo {path} {tmp}")
    )
    lines = [f"restore vma archive: {source}", "CFG: size: 712 name: qemu-server.conf"]
    disks = {k: v for k, v in mapping.items() if "cloudinit" not in v[1]}
    for i, (key, (_, _, size)) in enumerate(sorted(disks.items()), start=1):
        lines.append(f"DEV: dev_id={i} size: {size} devname: drive-{key}")
    lines.append(f"CTIME: {time.strftime('%a %b %d %H:%M:%S %Y', time.localtime(vol.ctime))}")
    for key, (_, new, _) in sorted(mapping.items()):
        lines += _allocated(state, new)
        if key in disks:
            lines.append(f"map 'drive-{key}' to '{_device(state, new)}' (write zeros = 0)")
    total = sum(size for _, _, size in disks.values())
    for pct in (1, 25, 50, 75, 100):
        lines.append(
            f"progress {pct}% (read {total * pct // 100} bytes, duration "
            f"{pct * max(1, total >> 30) // 40} sec)"
        )
    lines.append(f"total bytes read {total}, sparse bytes {int(total * 0.59)} (59%)")
    lines.append("space reduction due to 4K zero blocks 2.63%")
    return lines


def _pbs_lines(
    state: StorageState, vol: Volume, mapping: dict[str, tuple[str, str, int]]
) -> list[str]:
    conf = state.config(vol.storage)
    repo = f"{conf.get('username', 'root@pam')}@{conf.get('server')}:{conf.get('datastore')}"
    snap = vol.volname.split("/", 1)[1]
    lines: list[str] = []
    for key, (_, new, size) in sorted(mapping.items()):
        lines += _allocated(state, new)
        if "cloudinit" in new:
            continue
        key_opt = f" --keyfile /etc/pve/priv/storage/{vol.storage}.enc" if vol.encrypted else ""
        lines += [
            f"restore proxmox backup image: /usr/bin/pbs-restore --repository {repo} {snap} "
            f"drive-{key}.img.fidx {_device(state, new)} --verbose --format raw{key_opt} "
            "--skip-zero",
            f"connecting to repository '{repo}'",
            f"open block backend for target '{_device(state, new)}'",
            f"starting to restore snapshot '{snap}'",
            "download and verify backup index",
        ]
        lines += [
            f"progress {p}% (read {size * p // 100} bytes, zeroes = 58% "
            f"({int(size * p * 0.0058)} bytes), duration {p // 20} sec)"
            for p in (25, 50, 75, 100)
        ]
        lines.append(
            f"restore image complete (bytes={size}, duration=5.00s, "
            f"speed={size / 5 / (1 << 20):.2f}MB/s)"
        )
    return lines


def _allocated(state: StorageState, volid: str) -> list[str]:
    store, name = volid.split(":", 1)
    lines = []
    if state.configs[store]["type"] in ("lvm", "lvmthin"):
        lines.append(f'  Logical volume "{name}" created.')
    return [*lines, f"new volume ID is '{volid}'"]


def _device(state: StorageState, volid: str) -> str:
    store, name = volid.split(":", 1)
    conf = state.configs[store]
    if conf.get("path"):
        return f"{conf['path']}/images/{name}"
    if conf["type"] == "zfspool":
        return f"/dev/zvol/{conf.get('pool')}/{name}"
    return f"/dev/{conf.get('vgname', 'pve')}/{name}"


@effect("restore")
def _restore(world: World, task: Task, at: float) -> list[str]:
    vmid = int(task.args["vmid"])
    g = world.guests.get(vmid)
    emsg = f"unable to restore VM {vmid} -"
    if g is None:
        raise TaskError(
            f"Configuration file 'nodes/{task.node}/qemu-server/{vmid}.conf' does not exist"
        )
    if g.config.get("protection"):
        raise TaskError(f"{emsg} protection mode enabled")
    if g.running:
        raise TaskError(f"{emsg} vm is running")
    state = state_of(world)
    storeid = str(task.args["archive"]).split(":", 1)[0]
    if storeid in world.faults.offline_storages and storeid in state.configs:
        raise TaskError(offline_message(storeid, state.configs[storeid]))
    vol = state.find(task.args["archive"], task.node)
    if vol is None or not vol.guest:
        raise TaskError(f"{emsg} backup archive '{task.args['archive']}' does not exist")
    if task.args.get("error"):
        raise TaskError(f"{emsg} {task.args['error']}")
    record = vol.guest
    conf = dict(record["config"])
    for key, (_, new, _) in task.args.get("disks", {}).items():
        drive = parse_drive(str(conf[key]))
        drive["file"] = new
        conf[key] = print_drive(drive)
    if task.args.get("unique"):
        for key in [k for k in conf if k.startswith("net") and k[3:].isdigit()]:
            net = parse_net(str(conf[key]))
            net["macaddr"] = mac_address(world.seed, vmid, key, "unique", int(at))
            conf[key] = print_net(net)
    world.guests[vmid] = Guest(
        vmid,
        task.node,
        "qemu",
        conf,
        os=record.get("os", ""),
        profile=record.get("profile", "app"),
        agent_ready=record.get("agent_ready", True),
        fw_options=dict(record.get("fw_options", {})),
        fw_rules=[dict(r) for r in record.get("fw_rules", [])],
    )
    world.guests[vmid].set_lock("create")  # released when the task's locks are
    if task.args.get("start") and not task.args.get("live"):
        world.spawn(
            node=task.node,
            kind="qmstart",
            ident=vmid,
            user=task.user,
            action="start",
            seconds=SECONDS["qmstart"],
            now=at,
            args={"vmid": vmid},
        )
        return ["Execute autostart"]
    return []
