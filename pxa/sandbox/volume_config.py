"""The guest config inside a backup archive, as `vzdump/extractconfig` prints it.

vma archives carry `#qmdump#map:` lines that tie each disk to its device in the
archive; the restore uses them to allocate the new disks.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox.disks import is_drive, parse_drive
from pxa.sandbox.volumes import Volume


def config_text(vol: Volume) -> str:
    guest = vol.guest or {}
    conf: dict[str, Any] = guest.get("config", {})
    lines = [
        f"#{line}" for line in str(conf.get("description", "")).split("\n") if "description" in conf
    ]
    lines += [f"{k}: {conf[k]}" for k in sorted(conf) if k != "description"]
    if guest.get("kind") == "qemu":
        for key in sorted(conf):
            if not is_drive(key):
                continue
            drive = parse_drive(str(conf[key]))
            if drive.get("media") == "cdrom":
                continue
            store = drive["file"].split(":", 1)[0]
            fmt = "qcow2" if drive["file"].endswith(".qcow2") else "raw"
            lines.append(f"#qmdump#map:{key}:drive-{key}:{store}:{fmt}:")
    return "".join(line + "\n" for line in lines)
