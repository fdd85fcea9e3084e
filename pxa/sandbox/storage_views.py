"""Storage status as nodes report it: sizes derived from the volumes each storage holds.

One storage instance is (storage, node) for a local storage and the storage itself
when shared. `used` sums the files plus the written part of guest disks; PBS counts
its deduplicated chunks. Offline or disabled storages report `active: 0`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import storage_images
from pxa.sandbox.storage_state import StorageState, state_of
from pxa.sandbox.topology import GiB

if TYPE_CHECKING:
    from pxa.sandbox.world import World

OS_BASE = 6 * GiB  # the system itself on the root filesystem that holds /var/lib/vz
PBS_DEDUP = 0.05  # share of another snapshot's logical size that adds new chunks
PBS_FIRST = 0.37 * 0.5  # a group's first snapshot: written data, compressed


def usage(world: World, state: StorageState, storeid: str, node: str) -> tuple[int, int]:
    """(total, used) in bytes of `storeid` as seen from `node`."""
    conf = state.config(storeid)
    total = state.capacity.get(storeid, 1024 * GiB)
    shared = state.shared(storeid)
    files = state.files(storeid, node)
    if conf["type"] == "pbs":
        used = _pbs_used([(v.vmid, v.subtype, v.size) for v in files])
    else:
        used = sum(v.size for v in files)
        used += storage_images.used_bytes(storage_images.images(world, storeid, node, shared))
        if conf.get("path") == "/var/lib/vz":
            used += OS_BASE
    return total, min(total, used)


def _pbs_used(snapshots: list[tuple[int | None, str | None, int]]) -> int:
    groups: dict[tuple[int | None, str | None], list[int]] = {}
    for vmid, subtype, size in snapshots:
        groups.setdefault((vmid, subtype), []).append(size)
    used = 0.0
    for sizes in groups.values():
        used += max(sizes) * PBS_FIRST + sum(sizes) * PBS_DEDUP
    return int(used)


def node_status(world: World, storeid: str, node: str) -> dict[str, Any]:
    """One row of `/nodes/{node}/storage`, also the reply of `.../status`."""
    state = state_of(world)
    conf = state.config(storeid)
    enabled = state.enabled_on(storeid, node)
    row: dict[str, Any] = {
        "storage": storeid,
        "type": conf["type"],
        "content": conf.get("content", ""),
        "shared": int(state.shared(storeid)),
        "enabled": int(enabled),
        "active": 0,
        "total": 0,
        "used": 0,
        "avail": 0,
    }
    if enabled and state.is_online(world, storeid, node):
        total, used = usage(world, state, storeid, node)
        row.update(active=1, total=total, used=used, avail=total - used)
    return row


def cluster_rows(world: World, node: str) -> list[dict[str, Any]]:
    """`/cluster/resources` entries of type storage for one node."""
    state = state_of(world)
    rows = []
    for storeid, conf in state.configs.items():
        if not state.enabled_on(storeid, node):
            continue
        item: dict[str, Any] = {
            "id": f"storage/{node}/{storeid}",
            "type": "storage",
            "storage": storeid,
            "node": node,
            "plugintype": conf["type"],
            "shared": int(state.shared(storeid)),
            "content": conf.get("content", ""),
            "status": "unknown",
        }
        if state.is_online(world, storeid, node):
            total, used = usage(world, state, storeid, node)
            item.update(status="available", disk=used, maxdisk=total)
        rows.append(item)
    return rows


FORMATS = {
    "dir": (["qcow2", "raw", "vmdk"], "qcow2"),
    "nfs": (["qcow2", "raw", "vmdk"], "qcow2"),
    "cifs": (["qcow2", "raw", "vmdk"], "qcow2"),
    "btrfs": (["raw", "subvol"], "raw"),
    "zfspool": (["raw", "subvol"], "raw"),
    "lvm": (["raw"], "raw"),
    "lvmthin": (["raw"], "raw"),
}


def formats(storage_type: str) -> dict[str, Any] | None:
    found = FORMATS.get(storage_type)
    if found is None:
        return None
    return {"supported": found[0], "default": found[1]}
