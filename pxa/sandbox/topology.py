"""Cluster nodes, and the storages the lab starts with.

`storage(name)` answers from the storage.cfg of the world serving the current
request, and from the lab's two default storages outside a request. Disk allocation
and clone targets ask it with no world at hand, as PVE code reads its cluster-wide
storage.cfg; the app sets the world per request (storage_state.scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import Any

GiB = 1 << 30
TiB = 1 << 40

CLUSTER_NAME = "pxa-lab"
PVE_VERSION = "9.1.1"
PVE_RELEASE = "9.1"
PVE_REPOID = "42d3c8a1"
KERNEL = "6.14.11-4-pve"
QEMU_VERSION = "9.2.0"
MACHINE = "pc-i440fx-9.2+pve1"
BRIDGES = ("vmbr0",)


@dataclass
class Node:
    name: str
    nodeid: int
    ip: str
    cpus: int
    sockets: int
    cpu_model: str
    maxmem: int
    rootfs: int
    boot_time: float  # epoch of the node's last boot (drives uptime and UPID pstart)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Storage:
    storage: str
    type: str  # dir | lvmthin | nfs | pbs ...
    content: str
    total: int
    shared: int = 0

    def holds(self, content: str) -> bool:
        return content in self.content.split(",")


STORAGES: tuple[Storage, ...] = (
    Storage("local", "dir", "backup,iso,snippets,vztmpl", 94 * GiB),
    Storage("local-lvm", "lvmthin", "images,rootdir", 2 * TiB),
)


Lookup = Callable[[str], "Storage | None"]
_LOOKUP: ContextVar[Lookup | None] = ContextVar("storage_lookup", default=None)


def storage(name: str) -> Storage | None:
    lookup = _LOOKUP.get()
    if lookup is not None:
        return lookup(name)
    return next((s for s in STORAGES if s.storage == name), None)


@contextmanager
def storage_lookup(lookup: Lookup) -> Iterator[None]:
    """Answer `storage()` with `lookup` for the duration (one request, one world)."""
    token = _LOOKUP.set(lookup)
    try:
        yield
    finally:
        _LOOKUP.reset(token)


def default_nodes(created: float) -> dict[str, Node]:
    specs = (
        ("pve1", 1, "192.168.1.11", 32, 1, "AMD EPYC 7313P 16-Core Processor", 256),
        ("pve2", 2, "192.168.1.12", 32, 1, "AMD EPYC 7313P 16-Core Processor", 256),
        ("pve3", 3, "192.168.1.13", 16, 1, "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz", 128),
    )
    return {
        name: Node(
            name,
            nid,
            ip,
            cpus,
            sockets,
            model,
            mem * GiB,
            94 * GiB,
            boot_time=created - 86400 * (41 - 9 * nid),
        )
        for name, nid, ip, cpus, sockets, model, mem in specs
    }
