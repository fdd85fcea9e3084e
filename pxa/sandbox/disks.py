"""Drive strings: sizes, parsing and printing, and allocating new volumes.

`scsi0: local-lvm:32` becomes `local-lvm:vm-<vmid>-disk-<n>,size=32G`, the way
qemu-server writes it back; options print sorted after the volume, as PVE does.
"""

from __future__ import annotations

import re

from pxa.sandbox.topology import storage

DRIVE_RE = re.compile(
    r"^(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)$"
)
BUS_ORDER = ("ide", "sata", "scsi", "virtio", "efidisk", "tpmstate")
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMGT]?)$")
_NEW_RE = re.compile(r"^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def is_drive(key: str) -> bool:
    return bool(DRIVE_RE.match(key))


def parse_size(text: str) -> int:
    m = _SIZE_RE.match(text)
    if not m:
        raise ValueError(f"unable to parse size '{text}'")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def format_size(size: int) -> str:
    """The largest unit that represents `size` exactly, like PVE's format_size."""
    for unit in ("T", "G", "M", "K"):
        if size % _UNITS[unit] == 0 and size >= _UNITS[unit]:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


def human(size: float) -> str:
    """`32.0 GiB` as qemu-server's progress lines print sizes."""
    for unit in ("TiB", "GiB", "MiB", "KiB"):
        step = _UNITS[unit[0]]
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size:.1f} B"


def parse_drive(value: str) -> dict[str, str]:
    parts = value.split(",")
    drive: dict[str, str] = {}
    for i, part in enumerate(parts):
        key, sep, val = part.partition("=")
        if i == 0 and not sep:
            drive["file"] = key
        elif sep:
            drive[key] = val
        else:
            raise ValueError(f"invalid format - unable to parse drive options '{value}'")
    if "file" not in drive:
        raise ValueError("invalid format - missing volume")
    return drive


def print_drive(drive: dict[str, str]) -> str:
    rest = ",".join(f"{k}={drive[k]}" for k in sorted(drive) if k != "file")
    return drive["file"] + ("," + rest if rest else "")


def is_cdrom(drive: dict[str, str]) -> bool:
    return drive.get("media") == "cdrom"


def is_cloudinit(drive: dict[str, str]) -> bool:
    return "cloudinit" in drive["file"]


def drive_size(drive: dict[str, str]) -> int:
    return parse_size(drive["size"]) if "size" in drive else 0


def volname(file: str) -> str:
    return file.partition(":")[2]


def disk_name(file: str) -> str:
    """`local-lvm:base-9000-disk-0/vm-101-disk-0` → `vm-101-disk-0`."""
    name = volname(file).rsplit("/", 1)[-1]
    return name.removesuffix(".qcow2").removesuffix(".raw")


def volume_for(store: str, name: str) -> str:
    """The volume id of `name` on `store`; directory storages keep qcow2 files per VMID."""
    s = storage(store)
    if s is not None and s.type == "dir":
        vmid = name.split("-")[1]
        return f"{store}:{vmid}/{name}.qcow2"
    return f"{store}:{name}"


def next_disk(vmid: int, used: set[str]) -> str:
    n = 0
    while f"vm-{vmid}-disk-{n}" in used:
        n += 1
    return f"vm-{vmid}-disk-{n}"


def allocate(key: str, value: str, vmid: int, used: set[str]) -> tuple[str, list[str]]:
    """Turn a drive value from a create/update call into what PVE stores.

    Returns the canonical string and the log lines allocation prints. Raises
    ValueError for a malformed value (the caller reports it as a parameter error).
    """
    drive = parse_drive(value)
    file = drive["file"]
    store, _, rest = file.partition(":")
    if file == "none" or not rest:
        if file != "none":
            raise ValueError(f"invalid format - unable to parse volume ID '{file}'")
        return print_drive(drive), []
    target = storage(store)
    if target is None:
        raise LookupError(f"storage '{store}' does not exist")
    if rest == "cloudinit":
        name = f"vm-{vmid}-cloudinit"
        drive["file"] = volume_for(store, name)
        drive["media"] = "cdrom"
        used.add(name)
        return print_drive(drive), [f'  Logical volume "{name}" created.']
    if _NEW_RE.match(file):
        if not target.holds("images"):
            raise LookupError(f"storage '{store}' does not support content-type 'images'")
        size = parse_size(rest + "G")
        name = next_disk(vmid, used)
        used.add(name)
        drive["file"] = volume_for(store, name)
        drive["size"] = format_size(size)
        lines = [
            f'  Logical volume "{name}" created.',
            f"{key}: successfully created disk '{print_drive(drive)}'",
        ]
        return print_drive(drive), lines
    if rest.startswith("iso/") and "media" not in drive and key.startswith(("ide", "sata")):
        drive["media"] = "cdrom"
    return print_drive(drive), []
