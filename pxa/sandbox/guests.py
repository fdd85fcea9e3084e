"""A guest (QEMU VM or LXC container): its config, snapshots, power state, firewall."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pxa.sandbox.disks import BUS_ORDER, drive_size, is_cdrom, is_drive, parse_drive
from pxa.sandbox.errors import fail

MiB = 1 << 20
# Keys whose values live in a snapshot section as well as the current config.
SNAPSHOT_META = ("snaptime", "description", "vmstate", "parent", "snapstate")


@dataclass
class Guest:
    vmid: int
    node: str
    kind: str  # qemu | lxc
    config: dict[str, Any]
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    power: str = "stopped"  # stopped | running | paused
    started_at: float | None = None
    fw_options: dict[str, Any] = field(default_factory=dict)
    fw_rules: list[dict[str, Any]] = field(default_factory=list)
    agent_ready: bool = True  # the agent inside the guest answers when the VM runs
    os: str = "ubuntu-22.04"  # key into the guest-OS table (agent/get-osinfo)
    profile: str = "app"  # load profile for the simulated stats

    # --- identity ------------------------------------------------------------------

    @property
    def name(self) -> str:
        if self.kind == "lxc":
            return str(self.config.get("hostname", f"CT{self.vmid}"))
        return str(self.config.get("name", f"VM {self.vmid}"))

    @property
    def lock(self) -> str | None:
        return self.config.get("lock")

    @property
    def template(self) -> bool:
        return bool(self.config.get("template"))

    @property
    def running(self) -> bool:
        return self.power in ("running", "paused")

    def check_lock(self) -> None:
        if self.lock:
            who = "CT" if self.kind == "lxc" else "VM"
            raise fail(f"{who} is locked ({self.lock})")

    def set_lock(self, lock: str | None) -> None:
        if lock:
            self.config["lock"] = lock
        else:
            self.config.pop("lock", None)

    # --- sizes ---------------------------------------------------------------------

    @property
    def cpus(self) -> int:
        if self.kind == "lxc":
            return int(self.config.get("cores", 1))
        if "vcpus" in self.config:
            return int(self.config["vcpus"])
        return int(self.config.get("sockets", 1)) * int(self.config.get("cores", 1))

    @property
    def maxmem(self) -> int:
        mem = str(self.config.get("memory", 512))
        return int(mem.removeprefix("current=").split(",")[0]) * MiB

    @property
    def maxdisk(self) -> int:
        if self.kind == "lxc":
            rootfs = self.config.get("rootfs")
            return drive_size(parse_drive(rootfs)) if rootfs else 0
        boot = self.boot_disk()
        return drive_size(parse_drive(self.config[boot])) if boot else 0

    def drives(self) -> list[str]:
        """Drive keys in bus order (ide, sata, scsi, virtio, ...) and index."""
        keys = [k for k in self.config if is_drive(k)]
        return sorted(keys, key=_drive_order)

    def boot_disk(self) -> str | None:
        order = str(self.config.get("boot", ""))
        if order.startswith("order="):
            for key in order[6:].split(";"):
                if (
                    key in self.config
                    and is_drive(key)
                    and not is_cdrom(parse_drive(self.config[key]))
                ):
                    return key
        for key in self.drives():
            if not is_cdrom(parse_drive(self.config[key])):
                return key
        return None

    def volumes(self) -> set[str]:
        """Names (`vm-101-disk-0`) of every volume the guest references, snapshots included."""
        names: set[str] = set()
        for conf in [self.config, *self.snapshots.values()]:
            for key, value in conf.items():
                if is_drive(key) or key.startswith("unused") or key in ("rootfs", "vmstate"):
                    file = str(value).split(",")[0]
                    names.add(file.partition(":")[2].rsplit("/", 1)[-1].split(".")[0])
        return names

    # --- the config file -------------------------------------------------------------

    def config_text(self) -> str:
        """The config file as PVE writes it; its SHA-1 is the `digest`."""
        text = _section(self.config)
        for name in sorted(self.snapshots):
            text += f"\n[{name}]\n" + _section(self.snapshots[name])
        return text

    def digest(self) -> str:
        return hashlib.sha1(self.config_text().encode()).hexdigest()

    # --- persistence -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "vmid": self.vmid,
            "node": self.node,
            "kind": self.kind,
            "config": self.config,
            "snapshots": self.snapshots,
            "power": self.power,
            "started_at": self.started_at,
            "fw_options": self.fw_options,
            "fw_rules": self.fw_rules,
            "agent_ready": self.agent_ready,
            "os": self.os,
            "profile": self.profile,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Guest:
        return cls(**data)


def _section(conf: dict[str, Any]) -> str:
    lines = []
    description = conf.get("description")
    if description is not None:
        lines += [f"#{line}" for line in str(description).split("\n")]
    lines += [f"{k}: {conf[k]}" for k in sorted(conf) if k not in ("description", "digest")]
    return "".join(line + "\n" for line in lines)


def _drive_order(key: str) -> tuple[int, int]:
    bus = key.rstrip("0123456789")
    return BUS_ORDER.index(bus), int(key[len(bus) :])
