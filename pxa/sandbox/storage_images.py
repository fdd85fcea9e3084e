"""Guest disks as storages list them, read from the guests' configs.

Every volume a config references (disks, cloud-init drives, unused disks, snapshot
RAM states) is an image on its storage; images of containers are `rootdir`. The
index depends only on the configs, so it is rebuilt once per world change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pxa.sandbox.disks import is_drive, parse_drive, parse_size, volname
from pxa.sandbox.lab import BASE_EPOCH

if TYPE_CHECKING:
    from pxa.sandbox.world import World

MiB = 1 << 20
THIN_FILL = 0.37  # share of a thin volume that is really written (as views.py assumes)
CLOUDINIT_SIZE = 4 * MiB


@dataclass(frozen=True)
class Image:
    volid: str
    vmid: int
    node: str  # where the guest lives: a local storage holds it there
    content: str  # images | rootdir
    size: int
    fmt: str
    ctime: int
    parent: str | None = None

    def item(self, file_based: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "volid": self.volid,
            "content": self.content,
            "format": self.fmt,
            "size": self.size,
            "vmid": self.vmid,
            "ctime": self.ctime,
        }
        if file_based:  # only file-based storages report what is really used
            out["used"] = int(self.size * THIN_FILL)
        if self.parent:
            out["parent"] = self.parent
        return out


_cache: dict[str, Any] = {"key": None, "value": {}}


def index(world: World) -> dict[str, list[Image]]:
    """storeid → images, over every guest of the world."""
    key = (id(world), world.version)
    if _cache["key"] != key:
        _cache.update(key=key, value=_build(world))
    return _cache["value"]  # type: ignore[no-any-return]


def images(world: World, storeid: str, node: str, shared: bool) -> list[Image]:
    return [i for i in index(world).get(storeid, []) if shared or i.node == node]


def _build(world: World) -> dict[str, list[Image]]:
    out: dict[str, list[Image]] = {}
    for g in world.guests.values():
        seen: set[str] = set()
        content = "rootdir" if g.kind == "lxc" else "images"
        ctime = _ctime(g.config, g.vmid)
        for conf in [g.config, *g.snapshots.values()]:
            for key, value in conf.items():
                if not (
                    is_drive(key)
                    or key.startswith(("unused", "mp"))
                    or key in ("rootfs", "vmstate")
                ):
                    continue
                drive = parse_drive(str(value))
                file = drive["file"]
                if (
                    ":" not in file
                    or file in seen
                    or (drive.get("media") == "cdrom" and "cloudinit" not in file)
                ):
                    continue
                seen.add(file)
                store = file.split(":", 1)[0]
                out.setdefault(store, []).append(
                    _image(file, drive, g.vmid, g.node, content, ctime)
                )
    return out


def _image(
    file: str, drive: dict[str, str], vmid: int, node: str, content: str, ctime: int
) -> Image:
    name = volname(file)
    size = parse_size(drive["size"]) if "size" in drive else 0
    if "cloudinit" in name:
        size = CLOUDINIT_SIZE
    fmt = "qcow2" if name.endswith(".qcow2") else "raw"
    parent = None
    if "/" in name and name.split("/", 1)[0].startswith("base-"):
        parent = f"{file.split(':', 1)[0]}:{name.split('/', 1)[0]}"
    return Image(file, vmid, node, content, size, fmt, ctime, parent)


def _ctime(config: dict[str, Any], vmid: int) -> int:
    meta = str(config.get("meta", ""))
    for part in meta.split(","):
        if part.startswith("ctime="):
            return int(part[6:])
    return BASE_EPOCH + vmid


def used_bytes(imgs: list[Image]) -> int:
    return int(sum(i.size * THIN_FILL for i in imgs))
