"""Mapping PVE objects (/cluster/resources rows, qemu config, status) to domain models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pxa.models.vm import (
    ENVIRONMENTS,
    Disk,
    Nic,
    Snapshot,
    Vm,
    VmConfiguration,
    VmDetail,
    VmPerformance,
    VmSecurity,
    VmSecuritySummary,
    VmStatus,
)
from pxa.proxmox import parse

OS_TYPES = {
    "l26": "linux",
    "l24": "linux-2.4",
    "win11": "windows-11",
    "win10": "windows-10",
    "w2k22": "windows-2022",
    "other": "other",
}


def guest_id(kind: str, vmid: int) -> str:
    return f"{'ct' if kind == 'lxc' else 'vm'}-{vmid}"


def environment_of(tags: list[str]) -> str | None:
    return next((t for t in tags if t in ENVIRONMENTS), None)


def status_of(
    status: str | None, qmpstatus: str | None = None, lock: str | None = None
) -> VmStatus:
    if lock == "create":
        return VmStatus.creating
    if qmpstatus in ("paused", "suspended", "prelaunch"):
        return VmStatus.paused
    try:
        return VmStatus(status or "unknown")
    except ValueError:
        return VmStatus.unknown


def _pct(used: float | None, total: float | None) -> float | None:
    if used is None or not total:
        return None
    return round(100.0 * used / total, 1)


def _ts(epoch: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch else None


def vm_from_resource(row: dict[str, Any], known: dict[str, Any] | None = None) -> Vm:
    """One `/cluster/resources` type=vm row → Vm. `known` adds what only the config tells."""
    tags = parse.parse_tags(row.get("tags"))
    kind = row.get("type", "qemu")
    vmid = int(row["vmid"])
    known = known or {}
    cpu = row.get("cpu")
    vm = Vm(
        id=guest_id(kind, vmid),
        vmid=vmid,
        name=row.get("name") or f"VM {vmid}",
        type=kind,
        node=row.get("node", ""),
        status=status_of(row.get("status"), known.get("qmpstatus"), row.get("lock")),
        environment=environment_of(tags),
        template=bool(row.get("template")),
        lock=row.get("lock") or None,
        cpu_cores=row.get("maxcpu"),
        memory_mb=int(row["maxmem"] // 1024**2) if row.get("maxmem") else None,
        storage_gb=parse.gib(row.get("maxdisk")),
        cpu_usage_percent=round(cpu * 100, 1) if cpu is not None else None,
        memory_usage_percent=_pct(row.get("mem"), row.get("maxmem")),
        uptime_seconds=row.get("uptime") if row.get("status") == "running" else None,
        ip_address=known.get("ip_address"),
        os_type=known.get("os_type"),
        pool=row.get("pool"),
        created_at=known.get("created_at"),
        tags=tags,
        security=_security(known.get("firewall_enabled")),
    )
    return _slim(vm)


# Memory at 10,000 guests, each mapped twice while a refresh replaces the list: every list
# Vm sets the same fields, so one set of their names serves all (pydantic keeps a ~2 KB
# set per instance, only ever added to, never emptied), and the security summary has
# three possible values, so three instances serve all.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_SECURITY: dict[bool | None, VmSecuritySummary] = {}


def _slim(vm: Vm) -> Vm:
    names = frozenset(vm.__pydantic_fields_set__)
    object.__setattr__(vm, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(names, set(names)))
    return vm


def _security(firewall_enabled: bool | None) -> VmSecuritySummary:
    summary = _SECURITY.get(firewall_enabled)
    if summary is None:
        summary = _SECURITY[firewall_enabled] = VmSecuritySummary(firewall_enabled=firewall_enabled)
    return summary


# The fields of a resources row the list model reads, other than live usage: when they
# are unchanged a refresh only moves usage figures, which are copied in (keep in step
# with vm_from_resource).
_SHAPE_FIELDS = (
    "name",
    "node",
    "status",
    "lock",
    "tags",
    "template",
    "type",
    "vmid",
    "maxcpu",
    "maxmem",
    "maxdisk",
    "pool",
)


def row_shape(row: dict[str, Any]) -> tuple[Any, ...]:
    get = row.get
    return tuple([get(k) for k in _SHAPE_FIELDS])


def with_live_usage(vm: Vm, row: dict[str, Any]) -> Vm:
    """`vm` with the usage figures of a newer row of the same shape.

    A new object, so views comparing old and new rows see the change. Built the way
    pydantic's `model_construct` builds one, minus its per-field pass (at 10,000 guests a
    refresh would cost as much as validating afresh): the fields come from a validated Vm,
    the figures are computed as in vm_from_resource, and the fields set is shared.
    """
    cpu = row.get("cpu")
    fields = vm.__dict__.copy()
    fields["cpu_usage_percent"] = round(cpu * 100, 1) if cpu is not None else None
    fields["memory_usage_percent"] = _pct(row.get("mem"), row.get("maxmem"))
    fields["uptime_seconds"] = row.get("uptime") if row.get("status") == "running" else None
    copy = Vm.__new__(Vm)
    object.__setattr__(copy, "__dict__", fields)
    object.__setattr__(copy, "__pydantic_fields_set__", vm.__pydantic_fields_set__)
    object.__setattr__(copy, "__pydantic_extra__", None)
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy


def disks_from_config(config: dict[str, Any]) -> list[Disk]:
    disks = []
    for key, value in config.items():
        if not parse.DISK_KEY.match(key) or not isinstance(value, str):
            continue
        d = parse.parse_disk(value)
        if d["media"] == "cdrom":
            kind = "cloudinit" if "cloudinit" in (d["volume"] or "") else "cdrom"
        else:
            kind = "ssd" if d["ssd"] == "1" else "hdd"
        size = parse.size_bytes(d["size"])
        disks.append(
            Disk(
                disk_id=key,
                size_gb=parse.gib(size),
                type=kind,
                storage=d["storage"],
                volume=d["volume"],
            )
        )
    return sorted(disks, key=lambda d: _slot_order(d.disk_id))


def _slot_order(key: str) -> tuple[int, int]:
    buses = ("scsi", "virtio", "sata", "ide", "efidisk", "tpmstate")
    bus = next((i for i, b in enumerate(buses) if key.startswith(b)), 9)
    digits = "".join(ch for ch in key if ch.isdigit())
    return bus, int(digits or 0)


def nics_from_config(config: dict[str, Any], agent_ips: dict[str, str] | None = None) -> list[Nic]:
    nics = []
    for key, value in config.items():
        m = parse.NET_KEY.match(key)
        if not m or not isinstance(value, str):
            continue
        n = parse.parse_net(value)
        ipc = parse.parse_ipconfig(config.get(f"ipconfig{m.group(1)}", "") or "")
        mac = (n["mac"] or "").upper() or None
        ip = ipc["ip"] or (agent_ips or {}).get(mac or "")
        nics.append(
            Nic(
                interface=key,
                model=n["model"],
                mac_address=mac,
                bridge=n["bridge"],
                vlan_id=int(n["tag"]) if n["tag"] else None,
                firewall=n["firewall"] == "1",
                ip_address=ip,
                subnet=ipc["subnet"],
                gateway=ipc["gateway"],
            )
        )
    return sorted(nics, key=lambda n: int(n.interface[3:]))


def agent_ips(result: list[dict[str, Any]] | None) -> dict[str, str]:
    """network-get-interfaces → {MAC: first IPv4}, skipping loopback."""
    out: dict[str, str] = {}
    for iface in result or []:
        mac = (iface.get("hardware-address") or "").upper()
        for addr in iface.get("ip-addresses") or []:
            if addr.get("ip-address-type") == "ipv4" and not addr["ip-address"].startswith("127."):
                out.setdefault(mac, addr["ip-address"])
    return out


def first_ip(config: dict[str, Any], ips: dict[str, str] | None = None) -> str | None:
    return next((n.ip_address for n in nics_from_config(config, ips) if n.ip_address), None)


def lxc_ip(config: dict[str, Any]) -> str | None:
    """A container's netN carries its address itself: `name=eth0,...,ip=10.0.0.5/24`."""
    for key in sorted(k for k in config if parse.NET_KEY.match(k)):
        ip = parse.property_string(str(config[key])).get("ip", "")
        if ip and ip not in ("dhcp", "manual"):
            return ip.split("/", 1)[0]
    return None


def bridges_of(config: dict[str, Any]) -> list[str]:
    """Where a guest's NICs are plugged: `vmbr0`, an SDN vnet, or `vmbr0.10` for a tagged NIC."""
    out = []
    for key in sorted(k for k in config if parse.NET_KEY.match(k)):
        props = parse.property_string(str(config[key]))
        bridge = props.get("bridge")
        if not bridge:
            continue
        for name in (bridge, f"{bridge}.{props['tag']}" if props.get("tag") else None):
            if name and name not in out:
                out.append(name)
    return out


def config_facts(config: dict[str, Any]) -> dict[str, Any]:
    """What the list view can show once a guest's config has been read once."""
    return {
        "bridges": bridges_of(config),
        "ip_address": first_ip(config) if "hostname" not in config else lxc_ip(config),
        "os_type": OS_TYPES.get(config.get("ostype", ""), config.get("ostype")),
        "created_at": _ts(parse.parse_meta_ctime(config.get("meta"))),
    }


def vm_detail(
    row: dict[str, Any],
    config: dict[str, Any],
    status: dict[str, Any],
    *,
    firewall_enabled: bool | None,
    snapshots: list[Snapshot],
    ips: dict[str, str] | None = None,
) -> VmDetail:
    kind = row.get("type", "qemu")
    vmid = int(row["vmid"])
    tags = parse.parse_tags(config.get("tags", row.get("tags")))
    memory = config.get("memory")
    memory_mb = int(str(memory).split(",")[0].split("=")[-1]) if memory else None
    disks = disks_from_config(config)
    running = status.get("status") == "running"
    uptime = status.get("uptime") if running else None
    facts = config_facts(config)
    return VmDetail(
        id=guest_id(kind, vmid),
        vmid=vmid,
        name=config.get("name") or row.get("name") or f"VM {vmid}",
        type=kind,
        node=row["node"],
        description=config.get("description"),
        status=status_of(status.get("status"), status.get("qmpstatus"), config.get("lock")),
        environment=environment_of(tags),
        template=bool(config.get("template")),
        lock=config.get("lock"),
        tags=tags,
        configuration=VmConfiguration(
            cpu_cores=int(config.get("cores", 1)),
            cpu_sockets=int(config.get("sockets", 1)),
            memory_mb=memory_mb,
            storage=disks,
            network=nics_from_config(config, ips),
            os_type=facts["os_type"],
            agent_enabled=str(config.get("agent", "0")).split(",")[0] in ("1", "enabled=1"),
            protection=bool(config.get("protection")),
            boot_on_start=bool(config.get("onboot")) if "onboot" in config else None,
        ),
        performance=VmPerformance(
            cpu_usage_percent=round(status["cpu"] * 100, 1)
            if running and "cpu" in status
            else None,
            memory_usage_percent=_pct(status.get("mem"), status.get("maxmem")) if running else None,
            disk_usage_percent=_pct(status.get("disk"), status.get("maxdisk")) or None,
            network_rx_mbps=None,
            network_tx_mbps=None,
            uptime_seconds=uptime,
        ),
        security=VmSecurity(
            firewall_enabled=firewall_enabled,
            ssh_key_auth=bool(config.get("sshkeys")) if kind == "qemu" else None,
        ),
        snapshots=snapshots,
        created_at=facts["created_at"],
    )


def snapshots_from(rows: list[dict[str, Any]]) -> list[Snapshot]:
    snaps = [
        Snapshot(
            name=r["name"],
            description=(r.get("description") or None),
            created_at=_ts(r.get("snaptime")),
            include_memory=bool(r.get("vmstate")),
            parent=r.get("parent"),
        )
        for r in rows
        if r.get("name") != "current"
    ]
    return sorted(snaps, key=lambda s: s.created_at or datetime.min.replace(tzinfo=UTC))
