"""The lab's storages: storage.cfg, the images on `local`, and the backup history.

`local` (dir) and `local-lvm` (lvmthin) exist on every node; `nfs-backup` is a
shared NFS export for backups and ISOs; `pbs-main` is a Proxmox Backup Server
datastore with client-side encryption. Keys and fingerprints follow from the seed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

from pxa.sandbox import backup_history
from pxa.sandbox.lab import BASE_EPOCH
from pxa.sandbox.storage_state import StorageState
from pxa.sandbox.topology import STORAGES, TiB
from pxa.sandbox.volumes import Volume, template_format

if TYPE_CHECKING:
    from pxa.sandbox.world import World

PBS_SERVER = "192.168.1.30"
NFS_SERVER = "192.168.1.20"

# (file, size, days before BASE_EPOCH it was uploaded, nodes or None for all)
ISOS: tuple[tuple[str, int, int, tuple[str, ...] | None], ...] = (
    ("ubuntu-24.04.1-live-server-amd64.iso", 2_773_874_688, -240, None),
    ("ubuntu-22.04.5-live-server-amd64.iso", 2_136_926_208, -150, ("pve1",)),
    ("debian-12.8.0-amd64-netinst.iso", 660_602_880, -330, ("pve1", "pve2")),
)
TEMPLATES: tuple[tuple[str, int, int], ...] = (
    ("debian-12-standard_12.7-1_amd64.tar.zst", 126_322_404, -300),
)
SHARED_ISOS: tuple[tuple[str, int, int], ...] = (("virtio-win-0.1.266.iso", 753_106_944, -200),)


def fingerprint(seed: int, what: str) -> str:
    digest = hashlib.sha256(f"pxa-lab:{seed}:{what}".encode()).digest()
    return ":".join(f"{b:02x}" for b in digest)


def encryption_key(seed: int) -> str:
    """A PBS key file as `proxmox-backup-client key create --kdf none` writes it."""
    data = hashlib.sha512(f"pxa-lab:{seed}:key".encode()).digest()[:48]
    return json.dumps(
        {
            "kdf": None,
            "created": "2025-01-14T09:12:44+00:00",
            "modified": "2025-01-14T09:12:44+00:00",
            "data": base64.b64encode(data).decode(),
            "fingerprint": fingerprint(seed, "key"),
        }
    )


def lab_configs(seed: int) -> dict[str, dict[str, Any]]:
    local, lvm = STORAGES
    return {
        "local": {
            "type": "dir",
            "path": "/var/lib/vz",
            "content": local.content,
            "prune-backups": "keep-all=1",
        },
        "local-lvm": {
            "type": "lvmthin",
            "vgname": "pve",
            "thinpool": "data",
            "content": lvm.content,
        },
        "nfs-backup": {
            "type": "nfs",
            "server": NFS_SERVER,
            "export": "/export/pve-backup",
            "path": "/mnt/pve/nfs-backup",
            "content": "backup,iso",
            "options": "vers=4.2",
            "prune-backups": "keep-last=4",
            "shared": 1,
        },
        "pbs-main": {
            "type": "pbs",
            "server": PBS_SERVER,
            "datastore": "backups",
            "username": "pve-backup@pbs",
            "fingerprint": fingerprint(seed, "pbs-server"),
            "encryption-key": fingerprint(seed, "key"),
            "content": "backup",
            "prune-backups": "keep-daily=7,keep-monthly=6,keep-weekly=4",
            "shared": 1,
        },
    }


def generate(world: World) -> StorageState:
    local, lvm = STORAGES
    state = StorageState(
        configs=lab_configs(world.seed),
        secrets={
            "pbs-main": {
                "password": hashlib.sha256(f"{world.seed}:pbs".encode()).hexdigest()[:24],
                "encryption-key": encryption_key(world.seed),
            }
        },
        capacity={
            "local": local.total,
            "local-lvm": lvm.total,
            "nfs-backup": 8 * TiB,
            "pbs-main": 12 * TiB,
        },
        volumes=_files(world),
    )
    state.volumes += backup_history.generate(world, state)
    return state


def _files(world: World) -> list[Volume]:
    out = []
    for node in world.nodes:
        for name, size, days, nodes in ISOS:
            if nodes is None or node in nodes:
                out.append(
                    Volume(
                        f"local:iso/{name}",
                        "iso",
                        size,
                        BASE_EPOCH + days * 86400,
                        "iso",
                        node=node,
                    )
                )
        for name, size, days in TEMPLATES:
            out.append(
                Volume(
                    f"local:vztmpl/{name}",
                    "vztmpl",
                    size,
                    BASE_EPOCH + days * 86400,
                    template_format(name),
                    node=node,
                )
            )
    for name, size, days in SHARED_ISOS:
        out.append(Volume(f"nfs-backup:iso/{name}", "iso", size, BASE_EPOCH + days * 86400, "iso"))
    return out
