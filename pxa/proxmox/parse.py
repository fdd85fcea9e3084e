"""Parsing PVE's property strings: netN, disks, ipconfigN, tags, sizes, meta."""

from __future__ import annotations

import re
import urllib.parse

NIC_MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3", "i82551", "i82557b", "i82559er")
DISK_KEY = re.compile(r"^(scsi|virtio|sata|ide)(\d+)$|^(efidisk0|tpmstate0)$")
NET_KEY = re.compile(r"^net(\d+)$")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([KMGT]?)$")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def property_string(value: str, default_key: str | None = None) -> dict[str, str]:
    """`virtio=BC:..,bridge=vmbr0` → {"virtio": "BC:..", "bridge": "vmbr0"}.

    A bare first item (`local-lvm:vm-100-disk-0`) is stored under `default_key`.
    """
    out: dict[str, str] = {}
    for i, part in enumerate(value.split(",")):
        if not part:
            continue
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
        elif i == 0 and default_key:
            out[default_key] = part.strip()
        else:
            out[part.strip()] = "1"
    return out


def size_bytes(text: str | None) -> int | None:
    if not text:
        return None
    m = _SIZE.match(text.strip().upper())
    if not m:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def gib(n_bytes: int | float | None) -> float | None:
    return None if n_bytes is None else round(n_bytes / 1024**3, 2)


def parse_tags(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [t for t in re.split(r"[;, ]+", raw.strip()) if t]


def format_tags(tags: list[str]) -> str:
    return ";".join(tags)


def parse_net(value: str) -> dict[str, str | None]:
    props = property_string(value)
    model = next((m for m in NIC_MODELS if m in props), props.get("model"))
    mac = props.get(model) if model and model in props else props.get("macaddr")
    return {
        "model": model,
        "mac": mac,
        "bridge": props.get("bridge"),
        "tag": props.get("tag"),
        "firewall": props.get("firewall"),
    }


def parse_ipconfig(value: str) -> dict[str, str | None]:
    props = property_string(value)
    ip = props.get("ip")
    address, subnet = None, None
    if ip and ip not in ("dhcp", "auto") and "/" in ip:
        address, prefix = ip.split("/", 1)
        subnet = _network_of(address, int(prefix))
    elif ip and ip not in ("dhcp", "auto"):
        address = ip
    return {"ip": address, "cidr": ip, "subnet": subnet, "gateway": props.get("gw")}


def _network_of(address: str, prefix: int) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_interface(f"{address}/{prefix}").network)
    except ValueError:
        return None


def parse_disk(value: str) -> dict[str, str | None]:
    props = property_string(value, default_key="file")
    volume = props.get("file", "")
    storage = volume.split(":", 1)[0] if ":" in volume else None
    return {
        "volume": volume or None,
        "storage": storage,
        "size": props.get("size"),
        "media": props.get("media"),
        "ssd": props.get("ssd"),
    }


def parse_meta_ctime(meta: str | None) -> int | None:
    if not meta:
        return None
    ctime = property_string(meta).get("ctime")
    return int(ctime) if ctime and ctime.isdigit() else None


def encode_sshkeys(keys: list[str]) -> str:
    """PVE wants the keys percent-encoded before form encoding (`quote`, not `quote_plus`)."""
    return urllib.parse.quote("\n".join(k.strip() for k in keys if k.strip()), safe="")


def decode_sshkeys(value: str | None) -> list[str]:
    if not value:
        return []
    return [k for k in urllib.parse.unquote(value).splitlines() if k.strip()]
