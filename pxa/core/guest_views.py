"""Building the policy engine's views from what the PVE API says (live scans)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

from pxa.core.infra import Infra
from pxa.errors import PxaError
from pxa.models.backup import Backup
from pxa.policy.view import (
    BackupView,
    CloudInitView,
    ClusterView,
    DiskView,
    FirewallRuleView,
    FirewallView,
    GuestView,
    NicView,
    NodeView,
    OsView,
    SnapshotView,
    TokenView,
)
from pxa.proxmox import mapping, parse

OS_NAME = re.compile(
    r"(ubuntu|debian|centos|rocky|alma|rhel|fedora|windows|alpine)[-_ ]?"
    r"(?:server[-_ ]?)?(\d+(?:\.\d+)?)",
    re.I,
)
SECRET_PATTERNS = (
    re.compile(r"(?i)\b(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*\S{4,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)


def os_from_name(text: str | None) -> tuple[str, str] | None:
    m = OS_NAME.search(text or "")
    return (m.group(1).lower(), m.group(2)) if m else None


def _os(config: dict[str, Any], osinfo: dict[str, Any] | None, base_name: str | None) -> OsView:
    if osinfo and osinfo.get("id"):
        return OsView(
            family=str(osinfo["id"]).lower(),
            version=str(osinfo.get("version-id", "")),
            source="agent",
            evidence=f"agent get-osinfo: {osinfo.get('pretty-name', '')}",
        )
    for text, source in (
        (base_name, "template"),
        (config.get("name") if config.get("template") else None, "template"),
    ):
        found = os_from_name(text)
        if found:
            return OsView(
                family=found[0], version=found[1], source=source, evidence=f"template {text}"
            )
    ostype = config.get("ostype")
    return OsView(
        family="windows" if str(ostype).startswith("w") else None,
        source="ostype" if ostype else None,
        evidence=f"ostype: {ostype}" if ostype else None,
    )


def _rule(r: dict[str, Any]) -> FirewallRuleView:
    line = " ".join(
        f"{k}={r[k]}"
        for k in ("type", "action", "macro", "proto", "dport", "source", "dest", "enable")
        if r.get(k) is not None
    )
    return FirewallRuleView(
        direction=r.get("type", "in"),
        action=str(r.get("action", "")),
        protocol=r.get("proto"),
        dport=r.get("dport"),
        source=r.get("source"),
        dest=r.get("dest"),
        macro=r.get("macro"),
        enabled=bool(r.get("enable")),
        evidence=f"rule {r.get('pos')}: {line}",
    )


def _cpu(config: dict[str, Any]) -> tuple[str | None, list[str]]:
    cpu = config.get("cpu")
    if not cpu:
        return "kvm64", []  # what QEMU runs when the config names no CPU type
    props = parse.property_string(str(cpu), default_key="cputype")
    flags = [f for f in props.get("flags", "").split(";") if f]
    return props.get("cputype"), flags


def _secrets(config: dict[str, Any]) -> list[str]:
    found = []
    for key in ("description", "tags"):
        text = str(config.get(key) or "")
        if any(p.search(text) for p in SECRET_PATTERNS):
            found.append(key)
    return found


def _base_template(infra: Infra, config: dict[str, Any]) -> str | None:
    """A linked clone's disks name their template (`base-9000-disk-0/vm-101-disk-0`)."""
    for key, value in config.items():
        if parse.DISK_KEY.match(key) and isinstance(value, str):
            m = re.search(r"base-(\d+)-disk", value)
            if m:
                row = infra.inventory.guests.get(mapping.guest_id("qemu", int(m.group(1))))
                return row.get("name") if row else None
    return None


async def guest_view(
    infra: Infra,
    row: dict[str, Any],
    *,
    backups: list[Backup],
    uncovered: set[str] | None,
    off_node_storages: set[str],
    with_agent: bool,
) -> GuestView:
    node, vmid, kind = row["node"], int(row["vmid"]), row["type"]
    gid = mapping.guest_id(kind, vmid)
    a = infra.adapter
    if kind == "qemu":
        config, fw_opts, rules, snaps = await asyncio.gather(
            a.config(node, vmid, kind),
            a.firewall_options(node, vmid, kind),
            a.security.vm_rules(node, vmid, kind),
            a.snapshots(node, vmid),
        )
    else:
        config, fw_opts, rules, snaps = await a.config(node, vmid, kind), {}, [], []
    running = row.get("status") == "running"
    agent_on = str(config.get("agent", "0"))[:1] == "1" or "enabled=1" in str(config.get("agent"))
    osinfo = await a.security.osinfo(node, vmid) if with_agent and running and agent_on else None
    tags = parse.parse_tags(config.get("tags"))
    cpu_type, cpu_flags = _cpu(config)
    nics = []
    for key in sorted(k for k in config if parse.NET_KEY.match(k)):
        props = parse.property_string(str(config[key]))
        nics.append(
            NicView(
                id=key,
                bridge=props.get("bridge"),
                vlan_id=int(props["tag"]) if props.get("tag", "").isdigit() else None,
                firewall=props.get("firewall") == "1",
                evidence=f"{key}: {config[key]}",
            )
        )
    disks = [
        DiskView(
            id=d.disk_id,
            storage=d.storage,
            size_gb=d.size_gb,
            evidence=f"{d.disk_id}: {config.get(d.disk_id)}",
        )
        for d in mapping.disks_from_config(config)
        if d.type not in ("cdrom", "cloudinit")
    ]
    cloud = None
    if kind == "qemu" and any(
        k in config for k in ("ciuser", "cipassword", "sshkeys", "ipconfig0")
    ):
        keys = parse.decode_sshkeys(config.get("sshkeys"))
        cloud = CloudInitView(
            user=config.get("ciuser"),
            password_set=bool(config.get("cipassword")),
            ssh_keys=len(keys),
            evidence="cipassword: **********"
            if config.get("cipassword")
            else f"sshkeys: {len(keys)} key(s)",
        )
    mine = [b for b in backups if b.vmid == vmid]
    return GuestView(
        id=gid,
        name=row.get("name") or str(vmid),
        kind=kind,
        node=node,
        environment=mapping.environment_of(tags),
        tags=tags,
        status=row.get("status"),
        template=bool(config.get("template")),
        protection=bool(config.get("protection")),
        agent_enabled=agent_on if kind == "qemu" else None,
        cpu_type=cpu_type,
        cpu_flags=cpu_flags,
        os=_os(config, osinfo, _base_template(infra, config)),
        firewall=FirewallView(
            enabled=bool(fw_opts.get("enable")) if kind == "qemu" else None,
            policy_in=fw_opts.get("policy_in"),
            policy_out=fw_opts.get("policy_out"),
            rules=[_rule(r) for r in rules],
        )
        if kind == "qemu"
        else FirewallView(),
        nics=nics,
        disks=disks,
        cloud_init=cloud,
        backups=BackupView(
            covered=None if uncovered is None else gid not in uncovered,
            count=len(mine),
            last_backup_at=max((b.created_at for b in mine if b.created_at), default=None),
            storages=sorted({b.storage for b in mine}),
            off_node=any(b.storage in off_node_storages for b in mine) if mine else None,
        ),
        snapshots=[
            SnapshotView(name=s.name, created_at=s.created_at)
            for s in mapping.snapshots_from(snaps)
        ],
        secrets_in_config=_secrets(config),
    )


async def _quiet(coro: Any) -> Any:
    try:
        return await coro
    except PxaError:
        return None


async def cluster_view(infra: Infra, *, off_node_storages: set[str]) -> ClusterView:
    a = infra.adapter.security
    cluster_fw = await _quiet(a.cluster_firewall())
    nodes = []
    for name, row in sorted(infra.inventory.nodes.items()):
        online = row.get("status") == "online"
        version = await _quiet(a.node_version(name)) if online else None
        packages = await _quiet(a.package_versions(name)) if online else None
        # OldVersion is what is installed; Version is apt's candidate, maybe not yet installed.
        qemu = next(
            (
                p.get("OldVersion") or p.get("Version")
                for p in packages or []
                if p.get("Package") == "pve-qemu-kvm"
            ),
            None,
        )
        node_fw = await _quiet(a.node_firewall(name)) if online else None
        nodes.append(
            NodeView(
                name=name,
                online=online,
                pve_version=(version or {}).get("version"),
                qemu_version=qemu,
                kernel=(version or {}).get("kernel"),
                firewall_enabled=None if node_fw is None else bool(node_fw.get("enable", 1)),
            )
        )
    tokens = []
    for user in await _quiet(a.users()) or []:
        for t in user.get("tokens") or []:
            expire = t.get("expire")
            tokens.append(
                TokenView(
                    id=f"{user['userid']}!{t['tokenid']}",
                    privsep=bool(t.get("privsep", 1)),
                    expire=datetime.fromtimestamp(expire, UTC) if expire else None,
                )
            )
    return ClusterView(
        firewall_enabled=None if cluster_fw is None else bool(cluster_fw.get("enable")),
        nodes=nodes,
        tokens=tokens,
        shared_backup_storages=sorted(off_node_storages),
        now=datetime.now(UTC),
    )
