"""The normalised view rules judge: a guest and the cluster around it.

Built by the core from the PVE API for live scans, and from an infrastructure spec for
generated Terraform. `None` means "not known", which rules must not treat as a failure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class FirewallRuleView(BaseModel):
    direction: Literal["in", "out", "forward", "group"] = "in"
    action: str  # ACCEPT | DROP | REJECT | a security group's name
    protocol: str | None = None
    dport: str | None = None  # "22", "80,443", "8000:8080"
    source: str | None = None  # None or "" means anywhere
    dest: str | None = None
    macro: str | None = None  # PVE macros such as "SSH", "RDP"
    enabled: bool = True
    evidence: str | None = None  # the config line, for the finding


class FirewallView(BaseModel):
    enabled: bool | None = None
    policy_in: str | None = None  # ACCEPT | DROP | REJECT; PVE's default for a VM is DROP
    policy_out: str | None = None
    rules: list[FirewallRuleView] = Field(default_factory=list)


class NicView(BaseModel):
    id: str  # net0
    bridge: str | None = None
    vlan_id: int | None = None
    firewall: bool | None = None
    evidence: str | None = None


class DiskView(BaseModel):
    id: str  # scsi0
    storage: str | None = None
    size_gb: float | None = None
    evidence: str | None = None


class OsView(BaseModel):
    family: str | None = None  # ubuntu | debian | rhel | windows | ...
    version: str | None = None  # "22.04", "12", "2019"
    source: Literal["template", "agent", "spec", "ostype"] | None = None
    evidence: str | None = None


class CloudInitView(BaseModel):
    user: str | None = None
    password_set: bool = False
    ssh_keys: int = 0
    evidence: str | None = None


class BackupView(BaseModel):
    covered: bool | None = None  # an enabled schedule includes the guest
    last_backup_at: datetime | None = None
    storages: list[str] = Field(default_factory=list)  # where its backups are
    off_node: bool | None = None  # at least one backup is on shared or remote storage
    count: int | None = None  # backups found; 0 = never backed up, None = not looked


class SnapshotView(BaseModel):
    name: str
    created_at: datetime | None = None


class ServicesView(BaseModel):
    """What the guest is for, when a spec says so (live scans leave these unknown)."""

    web_server: bool | None = None
    tls: bool | None = None
    packages: list[str] = Field(default_factory=list)


class GuestView(BaseModel):
    id: str
    name: str
    kind: Literal["qemu", "lxc"] = "qemu"
    node: str | None = None
    environment: str | None = None
    tags: list[str] = Field(default_factory=list)
    status: str | None = None
    template: bool = False
    protection: bool | None = None
    agent_enabled: bool | None = None
    cpu_type: str | None = None  # "host", "x86-64-v2-AES", "kvm64"
    cpu_flags: list[str] = Field(default_factory=list)  # "+spec-ctrl", "-pcid"
    os: OsView = Field(default_factory=OsView)
    firewall: FirewallView = Field(default_factory=FirewallView)
    nics: list[NicView] = Field(default_factory=list)
    disks: list[DiskView] = Field(default_factory=list)
    cloud_init: CloudInitView | None = None
    backups: BackupView = Field(default_factory=BackupView)
    snapshots: list[SnapshotView] = Field(default_factory=list)
    services: ServicesView = Field(default_factory=ServicesView)
    secrets_in_config: list[str] = Field(
        default_factory=list, description="config keys or spec fields holding a literal secret"
    )
    source: Literal["live", "spec"] = "live"


class TokenView(BaseModel):
    id: str  # user@realm!name
    privsep: bool | None = None
    expire: datetime | None = None


class NodeView(BaseModel):
    name: str
    online: bool = True
    pve_version: str | None = None  # "9.1.1"
    qemu_version: str | None = None  # "9.2.0"
    kernel: str | None = None
    firewall_enabled: bool | None = None


class ClusterView(BaseModel):
    firewall_enabled: bool | None = None  # datacenter firewall (off by default in PVE)
    nodes: list[NodeView] = Field(default_factory=list)
    tokens: list[TokenView] = Field(default_factory=list)
    shared_backup_storages: list[str] = Field(default_factory=list)
    now: datetime | None = None  # the scan's clock, so rules are deterministic in tests
