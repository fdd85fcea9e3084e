"""The forms of the Networks, Storage, Backups and Security panes: which fields each
operation's form has, where each value goes in the arguments, and the defaults taken from
the pane's selection. The panes open them as `OperationForm(op, fields, ...)`.
"""

from __future__ import annotations

from pxa.models.backup import BackupSchedule
from pxa.models.network import Network
from pxa.models.storage import CREATABLE, StoragePool
from pxa.tui.widgets.op_form import FormField

KEEP = ("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")
DEFAULT_KEEP = {"keep_daily": 7, "keep_weekly": 4}


def choices(*values: str) -> list[tuple[str, str]]:
    """Select options whose label is the value."""
    return [(v, v) for v in values]


# --- networks -----------------------------------------------------------------------------


def create_fields() -> list[FormField]:
    return [
        FormField("name", "name", placeholder="Production"),
        FormField("vlan_id", "VLAN id", "int", placeholder="1–4094"),
        FormField("subnet", "subnet", placeholder="192.168.60.0/24"),
        FormField("gateway", "gateway", placeholder="192.168.60.1"),
        FormField("dns_servers", "DNS servers", "list", placeholder="comma-separated"),
        FormField("dhcp_enabled", "DHCP", "bool"),
        FormField("dhcp_start", "DHCP from", path="dhcp_range.start"),
        FormField("dhcp_end", "DHCP to", path="dhcp_range.end"),
        FormField("zone", "SDN zone", placeholder="default: the only VLAN zone"),
    ]


def update_fields(net: Network) -> list[FormField]:
    r = net.dhcp_range
    return [
        FormField("name", "name", value=net.name),
        FormField("gateway", "gateway", value=net.gateway),
        FormField("dns_servers", "DNS servers", "list", value=net.dns_servers),
        FormField("dhcp_enabled", "DHCP", "bool", value=net.dhcp_enabled),
        FormField("dhcp_start", "DHCP from", path="dhcp_range.start", value=r.start if r else None),
        FormField("dhcp_end", "DHCP to", path="dhcp_range.end", value=r.end if r else None),
    ]


def rule_fields() -> list[FormField]:
    protocols = choices("tcp", "udp", "icmp", "any")
    return [
        FormField(
            "action", "action", "select", options=choices("allow", "deny", "reject"), value="allow"
        ),
        FormField("protocol", "protocol", "select", options=protocols, value="tcp"),
        FormField("port", "port", placeholder="22, 8000:8080 or 80,443"),
        FormField("source", "source", placeholder="CIDR or IP; empty: anywhere"),
        FormField("destination", "destination", placeholder="CIDR or IP; empty: anywhere"),
        FormField("comment", "comment"),
        FormField("enabled", "enabled", "bool", value=True),
    ]


# --- storage ------------------------------------------------------------------------------


def pool_fields() -> list[FormField]:
    def on(*types: str) -> tuple[str, frozenset[str]]:
        return ("type", frozenset(types))

    return [
        FormField("name", "storage id", placeholder="backup-nfs"),
        FormField("type", "type", "select", options=choices(*CREATABLE), value="dir"),
        FormField("content", "content", "list", placeholder="iso, vztmpl, backup, images"),
        FormField("nodes", "nodes", "list", placeholder="empty: every node"),
        FormField("path", "path", placeholder="/mnt/data", show_when=on("dir", "nfs")),
        FormField("server", "server", placeholder="192.168.1.20", show_when=on("nfs", "pbs")),
        FormField("export", "export", placeholder="/export/pve", show_when=on("nfs")),
        FormField("vgname", "volume group", show_when=on("lvmthin")),
        FormField("thinpool", "thin pool", show_when=on("lvmthin")),
        FormField("pool", "ZFS pool", placeholder="rpool/data", show_when=on("zfspool")),
        FormField("datastore", "datastore", show_when=on("pbs")),
        FormField("username", "username", placeholder="user@pbs!token", show_when=on("pbs")),
        FormField("password", "password", "password", show_when=on("pbs")),
        FormField("fingerprint", "fingerprint", show_when=on("pbs")),
    ]


def upload_fields(pool: StoragePool) -> list[FormField]:
    kinds = [k for k in ("iso", "vztmpl", "import") if k in pool.content] or ["iso"]
    nodes = choices(*(u.node for u in pool.usage if u.active))
    return [
        FormField("path", "file", placeholder="~/Downloads/debian-12.iso"),
        FormField("content", "content", "select", options=choices(*kinds), value=kinds[0]),
        FormField("node", "node", "select", options=nodes, placeholder="the first node"),
        FormField("checksum", "sha256", placeholder="optional: the expected digest"),
    ]


# --- backups ------------------------------------------------------------------------------


def backup_create_fields(
    guests: list[tuple[str, str]], vm: str | None, storages: list[str]
) -> list[FormField]:
    """`guests`: (label, id) of each guest; `vm`: the one chosen first, if any."""
    if vm not in {value for _, value in guests}:
        vm = None
    return [
        FormField("vm_id", "VM", "select", options=guests, value=vm, placeholder="choose a VM"),
        FormField(
            "storage", "storage", "select", options=choices(*storages), placeholder="one that fits"
        ),
        FormField(
            "mode",
            "mode",
            "select",
            options=choices("snapshot", "suspend", "stop"),
            value="snapshot",
        ),
        FormField(
            "compression",
            "compression",
            "select",
            options=choices("zstd", "gzip", "lzo", "none"),
            value="zstd",
        ),
        FormField("description", "notes"),
        FormField("protected", "protected", "bool"),
    ]


def restore_fields() -> list[FormField]:
    targets = [("as a new VM", "new"), ("over the original VM (destructive)", "same")]
    return [
        FormField("target", "restore", "select", options=targets, value="new"),
        FormField(
            "vmid",
            "new VMID",
            "int",
            placeholder="default: the next free one",
            show_when=("target", frozenset({"new"})),
        ),
        FormField("storage", "disk storage", placeholder="default: as in the backup"),
        FormField("start", "start after", "bool"),
    ]


def schedule_fields(storages: list[str], s: BackupSchedule | None = None) -> list[FormField]:
    r = s.retention if s else None
    return [
        FormField(
            "schedule", "when", value=s.schedule if s else None, placeholder="02:00, sat 03:00"
        ),
        FormField(
            "storage",
            "storage",
            "select",
            options=choices(*storages),
            value=s.storage if s else None,
        ),
        FormField("all", "every guest", "bool", value=s.all if s else False),
        FormField(
            "vm_ids", "guests", "list", value=s.vm_ids if s else None, placeholder="vm-101, ct-200"
        ),
        *(
            FormField(
                key,
                key.replace("_", " "),
                "int",
                path=f"retention.{key}",
                value=getattr(r, key) if r else DEFAULT_KEEP.get(key),
            )
            for key in KEEP
        ),
        FormField("enabled", "enabled", "bool", value=s.enabled if s else True),
        FormField("comment", "comment", value=s.comment if s else None),
    ]


# --- security -----------------------------------------------------------------------------


def scan_fields() -> list[FormField]:
    kinds = choices("configuration", "compliance", "vulnerability")
    return [
        FormField("scan_type", "scan type", "select", options=kinds, value="configuration"),
        FormField(
            "targets", "targets", "list", value=["all"], help="VM ids or names, tag:x, env:x"
        ),
        FormField(
            "deep_scan",
            "deep scan",
            "bool",
            path="scan_options.deep_scan",
            help="also ask each running guest's agent",
        ),
        FormField(
            "frameworks",
            "frameworks",
            "list",
            path="scan_options.frameworks",
            placeholder="CIS, SOC2",
        ),
    ]
