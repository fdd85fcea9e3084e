"""A guest's backup as a volume: its name on the target storage, its size, its contents.

vzdump writes the guest config into the archive without snapshots, `lock`, `parent`
or unused disks; the record keeps that config (and the firewall) so a restore
brings the guest back as it was.
"""

from __future__ import annotations

import copy
from typing import Any

from pxa.sandbox.disks import is_drive, parse_drive, parse_size
from pxa.sandbox.guests import Guest
from pxa.sandbox.stats import unit
from pxa.sandbox.volumes import COMPRESSORS, Volume, archive_format, archive_name, pbs_volid

# share of the written data that compression leaves (none, lzo, gzip, zstd)
RATIO = {"": 1.0, ".lzo": 0.62, ".gz": 0.5, ".zst": 0.45}
WRITTEN = 0.37  # share of a disk that is really written (thin provisioning)
NOT_BACKED_UP = ("lock", "parent")


def guest_record(g: Guest) -> dict[str, Any]:
    """What a backup keeps of the guest."""
    config = {
        k: copy.deepcopy(v)
        for k, v in g.config.items()
        if k not in NOT_BACKED_UP and not k.startswith("unused")
    }
    return {
        "kind": g.kind,
        "config": config,
        "os": g.os,
        "profile": g.profile,
        "agent_ready": g.agent_ready,
        "fw_options": copy.deepcopy(g.fw_options),
        "fw_rules": copy.deepcopy(g.fw_rules),
    }


def backed_up_disks_with_reasons(g: Guest) -> list[tuple[str, str, bool, str]]:
    """(key, volume, included, reason) per volume, as `get_backup_volumes` decides."""
    out = []
    for key in sorted(g.config):
        is_mp = key.startswith("mp") and key[2:].isdigit()
        if not (is_drive(key) or key == "rootfs" or is_mp):
            continue
        drive = parse_drive(str(g.config[key]))
        if g.kind == "lxc":
            if key == "rootfs":
                out.append((key, drive["file"], True, "rootfs"))
            else:
                on = drive.get("backup") == "1"
                out.append((key, drive["file"], on, "backup=1" if on else "volume"))
            continue
        if drive.get("media") == "cdrom":
            continue
        if key.startswith("efidisk") and g.config.get("bios") != "ovmf":
            out.append((key, drive["file"], False, "efidisk but no OMVF BIOS"))
            continue
        on = drive.get("backup", "1") != "0"
        out.append((key, drive["file"], on, "backup=no" if "backup" in drive else "backup=yes"))
    return out


def backed_up_disks(g: Guest) -> list[tuple[str, str, int]]:
    """(key, volume, size) of every disk vzdump includes: no CD-ROMs, no cloud-init."""
    out = []
    for key, file, included, _ in backed_up_disks_with_reasons(g):
        if included:
            drive = parse_drive(str(g.config[key]))
            out.append((key, file, parse_size(drive["size"]) if "size" in drive else 0))
    return out


def disk_bytes(g: Guest) -> int:
    return sum(size for _, _, size in backed_up_disks(g))


def archive_size(g: Guest, compress: str, ctime: float, total: int | None = None) -> int:
    """A plausible archive size that drifts a little from one backup to the next."""
    suffix = COMPRESSORS.get(compress, "")
    wobble = 0.95 + 0.1 * unit(g.vmid, int(ctime) // 3600)
    total = disk_bytes(g) if total is None else total
    return int(total * WRITTEN * RATIO[suffix] * wobble) + 4096


def backup_volume(
    g: Guest,
    storeid: str,
    storage_type: str,
    ctime: float,
    *,
    compress: str = "zstd",
    notes: str | None = None,
    protected: bool = False,
    encrypted: str | None = None,
    node: str | None = None,
    record: dict[str, Any] | None = None,
) -> Volume:
    """The volume a backup of `g` at `ctime` becomes on `storeid`.

    Backups of one unchanged guest may share one `record` (it is never changed in place).
    """
    record = guest_record(g) if record is None else record
    disks = backed_up_disks(g)
    total = sum(size for _, _, size in disks)
    if storage_type == "pbs":
        return Volume(
            volid=pbs_volid(storeid, g.kind, g.vmid, ctime),
            content="backup",
            size=total + 4096 * len(disks) + 1024,
            ctime=int(ctime),
            format="pbs-vm" if g.kind == "qemu" else "pbs-ct",
            vmid=g.vmid,
            subtype=g.kind,
            notes=notes,
            protected=protected,
            encrypted=encrypted,
            guest=record,
        )
    name = archive_name(g.kind, g.vmid, ctime, compress)
    return Volume(
        volid=f"{storeid}:backup/{name}",
        content="backup",
        size=archive_size(g, compress, ctime, total),
        ctime=int(ctime),
        format=archive_format(name),
        node=node,
        vmid=g.vmid,
        subtype=g.kind,
        notes=notes,
        protected=protected,
        guest=record,
    )
