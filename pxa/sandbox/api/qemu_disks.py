"""Clone, resize and convert to template: the calls that touch a VM's volumes."""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

from pxa.sandbox.api.common import qemu, spawn
from pxa.sandbox.disks import (
    disk_name,
    is_cdrom,
    is_cloudinit,
    next_disk,
    parse_drive,
    print_drive,
    volname,
    volume_for,
)
from pxa.sandbox.errors import fail
from pxa.sandbox.guests import SNAPSHOT_META, Guest
from pxa.sandbox.lifecycle import SECONDS, clone_plan
from pxa.sandbox.netcfg import mac_address, parse_net, print_net
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.topology import storage
from pxa.sandbox.vmconfig import QEMU_META

DISK_KEYS = tuple(
    [f"ide{i}" for i in range(4)]
    + [f"scsi{i}" for i in range(31)]
    + [f"virtio{i}" for i in range(16)]
    + [f"sata{i}" for i in range(6)]
    + ["efidisk0", "tpmstate0"]
)
NOT_CLONED = (*SNAPSHOT_META, "lock", "template", "runningmachine", "runningcpu")


def register(r: Router) -> None:
    vm = "/nodes/{node}/qemu/{vmid}"
    r.post(
        f"{vm}/clone",
        clone,
        perms=[perm("/vms/{vmid}", "VM.Clone"), perm("/vms/{newid}", "VM.Allocate")],
        params=[
            integer("newid", optional=False, minimum=100, maximum=999999999),
            string("name", format="dns-name"),
            string("description"),
            boolean("full"),
            string("target", format="pve-node"),
            string("storage", format="pve-storage-id"),
            string("format", enum=("raw", "qcow2", "vmdk")),
            string("pool"),
            string("snapname", format="pve-configid"),
            integer("bwlimit", minimum=0),
        ],
    )
    r.put(
        f"{vm}/resize",
        resize,
        perms=[perm("/vms/{vmid}", "VM.Config.Disk")],
        params=[
            string("disk", optional=False, enum=DISK_KEYS),
            string("size", optional=False, pattern=r"\+?\d+(\.\d+)?[KMGT]?"),
            string("digest", max_length=64),
            boolean("skiplock"),
        ],
    )
    r.post(
        f"{vm}/template",
        template,
        perms=[perm("/vms/{vmid}", "VM.Allocate")],
        params=[string("disk", enum=DISK_KEYS)],
    )


def clone(call: Call) -> str:
    world, src = call.world, qemu(call)
    src.check_lock()
    newid = call.params["newid"]
    snapname = call.get("snapname")
    if snapname and snapname not in src.snapshots:
        raise fail(f"snapshot '{snapname}' does not exist")
    full = bool(call.get("full", not src.template))
    for option in ("storage", "format"):
        if call.get(option) is not None and not full:
            raise fail(f"parameter '{option}' not allowed for linked clones")
    target = call.get("target")
    if target and target != call.node:
        if target not in world.nodes:
            raise fail(f"no such cluster node '{target}'")
        raise fail(f"can't clone VM to node '{target}' (VM uses local storage)")
    store = call.get("storage")
    if store is not None and (storage(store) is None or not storage(store).holds("images")):
        raise fail(f"storage '{store}' does not exist or does not support images")
    if newid in world.guests:
        raise fail(f"unable to create VM {newid}: config file already exists")
    old = src.snapshots[snapname] if snapname else src.config
    conf = {k: v for k, v in old.items() if k not in NOT_CLONED and not k.startswith("unused")}
    drives = _clone_drives(src, conf, newid, full, store)
    for key in [k for k in conf if k.startswith("net") and k[3:].isdigit()]:
        net = parse_net(str(conf[key]))
        net["macaddr"] = mac_address(world.seed, newid, key, "clone", src.vmid)
        conf[key] = print_net(net)
    salt = f"{world.seed}:{newid}:{call.now}".encode()
    conf.update(
        name=call.get("name") or f"Copy-of-VM-{src.name}",
        meta=f"{QEMU_META},ctime={int(call.now)}",
        smbios1=f"uuid={uuid.UUID(bytes=hashlib.md5(salt).digest(), version=4)}",
        vmgenid=str(uuid.UUID(bytes=hashlib.md5(salt + b"g").digest(), version=4)),
    )
    if call.get("description") is not None:
        conf["description"] = call.get("description")
    world.guests[newid] = Guest(
        newid,
        call.node,
        "qemu",
        conf,
        os=src.os,
        profile=src.profile,
        agent_ready=src.agent_ready,
        fw_options=copy.deepcopy(src.fw_options),
        fw_rules=copy.deepcopy(src.fw_rules),
    )
    kind = "qmclone-full" if full else "qmclone-linked"
    return spawn(
        call,
        "qmclone",
        "clone",
        seconds=SECONDS[kind],
        args={"newid": newid},
        plan=clone_plan(src, full, drives),
        locks=((newid, "clone"),),
    )


def _clone_drives(
    src: Guest, conf: dict[str, Any], newid: int, full: bool, store: str | None
) -> dict[str, str]:
    """Rename every volume for `newid`; returns {key: new value} of copied disks."""
    copied: dict[str, str] = {}
    used: set[str] = set()
    for key in [k for k in src.drives() if k in conf]:
        drive = parse_drive(str(conf[key]))
        if drive["file"] == "none" or (is_cdrom(drive) and not is_cloudinit(drive)):
            continue
        source_store = drive["file"].partition(":")[0]
        target_store = store or source_store
        if is_cloudinit(drive):
            drive["file"] = volume_for(target_store, f"vm-{newid}-cloudinit")
            conf[key] = print_drive(drive)
            continue
        name = next_disk(newid, used)
        used.add(name)
        if full:
            drive["file"] = volume_for(target_store, name)
        else:
            if not disk_name(drive["file"]).startswith("base-"):
                raise fail(f"Linked clone feature is not supported for drive '{key}'")
            drive["file"] = f"{source_store}:{volname(drive['file'])}/{name}"
        conf[key] = print_drive(drive)
        copied[key] = conf[key]
    return copied


def resize(call: Call) -> str:
    g = qemu(call)
    if not call.get("skiplock"):
        g.check_lock()
    digest = call.get("digest")
    if digest and digest != g.digest():
        raise fail("detected modified configuration - file changed by other user? Try again.")
    key = call.params["disk"]
    if key not in g.config:
        raise fail(f"disk '{key}' does not exist")
    drive = parse_drive(str(g.config[key]))
    if is_cdrom(drive):
        raise fail("you can't resize a cdrom")
    return spawn(call, "resize", "resize", args={"disk": key, "size": call.params["size"]})


def template(call: Call) -> str:
    g = qemu(call)
    g.check_lock()
    if g.template:
        raise fail("you can't convert a template to a template")
    if g.running:
        raise fail("you can't convert a VM to template if VM is running")
    return spawn(call, "qmtemplate", "template")
