"""Applying create/update parameters to a QEMU config the way qemu-server stores them."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from pxa.sandbox.disks import allocate, is_cdrom, is_cloudinit, is_drive, parse_drive
from pxa.sandbox.errors import PveError, fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.guests import Guest
from pxa.sandbox.netcfg import check_sshkeys, mac_address, parse_ipconfig, parse_net, print_net
from pxa.sandbox.params import spec_for
from pxa.sandbox.vmkeys import CONFIG_KEYS

_SPECS = {p.name: p for p in CONFIG_KEYS}
QEMU_META = "creation-qemu=9.0.2"
MASKED = "**********"


def config_changes(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters that are config keys (not vmid, node, digest, delete ...)."""
    return {k: v for k, v in params.items() if spec_for(_SPECS, k) is not None}


def apply(guest: Guest, changes: dict[str, Any], delete: list[str], seed: int) -> list[str]:
    """Validate and store `changes`, drop `delete`; returns allocation log lines."""
    errors: dict[str, str] = {}
    lines: list[str] = []
    for key in delete:
        if key in changes:
            errors[key] = f"unable to delete '{key}' - option is set at the same time"
    if errors:
        raise param_error(errors)
    used = guest.volumes()
    staged: dict[str, Any] = {}
    for key in sorted(changes):
        try:
            staged[key] = _canonical(guest, key, changes[key], used, seed, lines)
        except ValueError as exc:
            errors[key] = str(exc)
        except LookupError as exc:
            raise fail(str(exc.args[0])) from None
    if errors:
        raise param_error(errors)  # nothing is stored unless every value is valid
    for key, value in staged.items():
        old = guest.config.get(key)
        if old is not None and is_drive(key) and str(old) != value:
            _to_unused(guest, str(old))
        guest.config[key] = value
    for key in delete:
        old = guest.config.pop(key, None)
        if old is not None and is_drive(key):
            _to_unused(guest, str(old))
    return lines


def _canonical(
    guest: Guest, key: str, value: Any, used: set[str], seed: int, lines: list[str]
) -> Any:
    spec = spec_for(_SPECS, key)
    if spec is not None and spec.type != "string":
        return value
    text = str(value)
    if key.startswith("net"):
        net = parse_net(text)
        if "macaddr" not in net:
            net["macaddr"] = mac_address(seed, guest.vmid, key, len(used))
        return print_net(net)
    if is_drive(key):
        canonical, log = allocate(key, text, guest.vmid, used)
        lines += log
        return canonical
    if key.startswith("ipconfig"):
        parse_ipconfig(text)
        return text
    if key == "sshkeys":
        try:
            check_sshkeys(text)
        except ValueError as exc:
            raise PveError(500, str(exc)) from None
        return text
    if key == "cipassword":
        return "$5$" + hashlib.sha256(text.encode()).hexdigest()[:43]
    if key == "tags":
        return ";".join(sorted(set(split_list(text)), key=str.lower))
    if key == "memory":
        amount = text.removeprefix("current=")
        if not amount.isdigit() or int(amount) < 16:
            raise ValueError("invalid format - current: value must have a minimum value of 16")
        return amount
    return text


def _to_unused(guest: Guest, old: str) -> None:
    drive = parse_drive(old)
    if is_cdrom(drive) or is_cloudinit(drive) or drive["file"] == "none":
        return
    n = 0
    while f"unused{n}" in guest.config:
        n += 1
    guest.config[f"unused{n}"] = drive["file"]


def finish_new(guest: Guest, seed: int, now: float) -> None:
    """The keys qemu-server adds on create: meta, vmgenid, smbios1 uuid, boot order."""
    salt = f"{seed}:{guest.vmid}:{now}".encode()
    conf = guest.config
    conf.setdefault("meta", f"{QEMU_META},ctime={int(now)}")
    conf.setdefault("vmgenid", str(uuid.UUID(bytes=hashlib.md5(salt + b"g").digest(), version=4)))
    conf.setdefault("smbios1", f"uuid={uuid.UUID(bytes=hashlib.md5(salt).digest(), version=4)}")
    if "boot" not in conf:
        disks = [k for k in guest.drives() if not is_cdrom(parse_drive(conf[k]))]
        cdroms = [
            k
            for k in guest.drives()
            if is_cdrom(parse_drive(conf[k])) and not is_cloudinit(parse_drive(conf[k]))
        ]
        nets = sorted(
            (k for k in conf if k.startswith("net") and k[3:].isdigit()), key=lambda k: int(k[3:])
        )
        order = disks[:1] + cdroms + nets[:1]
        if order:
            conf["boot"] = "order=" + ";".join(order)


def readback(conf: dict[str, Any]) -> dict[str, Any]:
    """A config as GET returns it: secrets masked."""
    out = {key: conf[key] for key in sorted(conf)}
    if "cipassword" in out:
        out["cipassword"] = MASKED
    return out
