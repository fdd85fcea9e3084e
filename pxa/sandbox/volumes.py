"""Files a storage holds (ISOs, templates, imports, backups) and how PVE names them.

Guest disks are not kept here: they are read from the guests' configs, so the
content list and the configs can never disagree (see storage_images.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, fields
from typing import Any

from pxa.sandbox.errors import param_error

# compress option → archive suffix (vzdump's compressor_info)
COMPRESSORS = {"0": "", "1": ".lzo", "lzo": ".lzo", "gzip": ".gz", "zstd": ".zst"}
# subdirectories of a file-based storage, by content (Plugin.pm $vtype_subdirs)
SUBDIRS = {
    "images": "images",
    "rootdir": "private",
    "iso": "template/iso",
    "vztmpl": "template/cache",
    "backup": "dump",
    "snippets": "snippets",
    "import": "import",
}


_VOLID_RE = re.compile(r"^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$", re.IGNORECASE)


@dataclass
class Volume:
    volid: str
    content: str  # iso | vztmpl | import | snippets | backup
    size: int
    ctime: int
    format: str  # iso, tzst, ova, vma.zst, tar.zst, pbs-vm, pbs-ct ...
    node: str | None = None  # the node whose local storage holds it; None when shared
    vmid: int | None = None
    subtype: str | None = None  # qemu | lxc, for backups
    notes: str | None = None
    protected: bool = False
    encrypted: str | None = None  # PBS: the key fingerprint
    verification: dict[str, str] | None = None  # PBS: {state, upid}
    # the guest as it was backed up: config, os, profile, firewall (restore reads it)
    guest: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def storage(self) -> str:
        return self.volid.split(":", 1)[0]

    @property
    def volname(self) -> str:
        return self.volid.split(":", 1)[1]

    @property
    def filename(self) -> str:
        return self.volname.rsplit("/", 1)[-1]

    def item(self) -> dict[str, Any]:
        """An entry of the content list."""
        out: dict[str, Any] = {
            "volid": self.volid,
            "content": self.content,
            "format": self.format,
            "size": self.size,
            "ctime": self.ctime,
        }
        if self.vmid is not None:
            out["vmid"] = self.vmid
        if self.subtype:
            out["subtype"] = self.subtype
        if self.notes:
            out["notes"] = self.notes.split("\n", 1)[0]  # the list shows the first line only
        if self.protected:
            out["protected"] = 1
        if self.encrypted:
            out["encrypted"] = self.encrypted
        if self.verification:
            out["verification"] = dict(self.verification)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Volume:
        return cls(**data)


def archive_name(kind: str, vmid: int, ctime: float, compress: str) -> str:
    """`vzdump-qemu-101-2025_01_31-02_00_04.vma.zst`; the stamp is local time."""
    stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.localtime(ctime))
    ext = ".vma" if kind == "qemu" else ".tar"
    return f"vzdump-{kind}-{vmid}-{stamp}{ext}{COMPRESSORS.get(compress, '')}"


def archive_format(name: str) -> str:
    """What the content list calls a backup file's format: `vma.zst`, `tar.gz` ..."""
    return name.split(".", 1)[1] if "." in name else "raw"


def pbs_name(kind: str, vmid: int, ctime: float) -> str:
    """`vm/101/2025-01-31T01:00:04Z`: PBS snapshots are named in UTC."""
    btype = "vm" if kind == "qemu" else "ct"
    return f"{btype}/{vmid}/{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ctime))}"


def pbs_volid(storage: str, kind: str, vmid: int, ctime: float) -> str:
    return f"{storage}:backup/{pbs_name(kind, vmid, ctime)}"


def template_format(name: str) -> str:
    """`debian-12-standard_12.7-1_amd64.tar.zst` → `tzst`, as the content list shows it."""
    return "t" + name.rsplit(".", 1)[-1]


def split_volid(volid: str, param: str = "volume") -> tuple[str, str]:
    """(storage, volname), or PVE's 400 for something that is no volume ID."""
    m = _VOLID_RE.match(volid)
    if m is None:
        raise param_error({param: f"unable to parse volume ID '{volid}'"})
    return m.group(1), m.group(2)


def real_volume_id(storeid: str | None, volume: str) -> tuple[str, str]:
    """(volid, storage): a bare volume name is taken relative to the `storage` given."""
    if ":" in volume:
        sid, _ = split_volid(volume)
        if storeid and sid != storeid:
            raise param_error({"volume": f"storage ID mismatch ({sid} != {storeid})"})
        return volume, sid
    if not storeid:
        raise param_error({"volume": "no storage specified - incomplete volume ID"})
    return f"{storeid}:{volume}", storeid
