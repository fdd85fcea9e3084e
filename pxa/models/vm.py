"""Virtual machines (and LXC containers) in the seed's /v1 shapes.

Ids: a guest's id is `vm-<vmid>` for QEMU VMs and `ct-<vmid>` for LXC containers
(`vm-101`), stable for the life of the guest because PVE's VMID is. Anywhere a VM is
named, pxa also accepts the bare VMID (`101`) or the guest's name when it is unique.
Fields pxa cannot know (yet) are `null`, never invented.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from pxa.models.common import Model, Pagination

GuestType = Literal["qemu", "lxc"]
Environment = Literal["production", "staging", "development"]
ENVIRONMENTS: tuple[str, ...] = ("production", "staging", "development")

# PVE's `dns-name` format for VM names.
NAME_RE = re.compile(r"^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9\-.]*[A-Za-z0-9])?$")
TAG_RE = re.compile(r"^[a-z0-9_][a-z0-9_\-+.]*$")


class VmStatus(StrEnum):
    running = "running"
    stopped = "stopped"
    paused = "paused"
    creating = "creating"
    unknown = "unknown"


class VmSecuritySummary(BaseModel):
    encrypted: bool | None = None
    firewall_enabled: bool | None = None
    last_security_scan: datetime | None = None
    compliance_score: int | None = None


class Vm(BaseModel):
    """One row of the VM list."""

    id: str
    vmid: int
    name: str
    type: GuestType = "qemu"
    node: str
    status: VmStatus
    environment: Environment | None = None
    template: bool = False
    lock: str | None = None
    cpu_cores: int | None = None
    memory_mb: int | None = None
    storage_gb: float | None = None
    cpu_usage_percent: float | None = None
    memory_usage_percent: float | None = None
    uptime_seconds: int | None = None
    ip_address: str | None = None
    os_type: str | None = None
    pool: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: list[str] = Field(default_factory=list)
    security: VmSecuritySummary = Field(default_factory=VmSecuritySummary)


class Disk(BaseModel):
    disk_id: str = Field(description="the PVE drive key: scsi0, virtio1, ...")
    size_gb: float | None = None
    type: Literal["ssd", "hdd", "cdrom", "cloudinit"] | None = None
    storage: str | None = None
    volume: str | None = None
    encrypted: bool | None = None
    mount_point: str | None = None


class Nic(BaseModel):
    interface: str = Field(description="the PVE key: net0, net1, ...")
    model: str | None = None
    mac_address: str | None = None
    bridge: str | None = None
    vlan_id: int | None = None
    firewall: bool = False
    ip_address: str | None = None
    subnet: str | None = None
    gateway: str | None = None


class VmConfiguration(BaseModel):
    cpu_cores: int | None = None
    cpu_sockets: int | None = None
    memory_mb: int | None = None
    storage: list[Disk] = Field(default_factory=list)
    network: list[Nic] = Field(default_factory=list)
    os_type: str | None = None
    agent_enabled: bool | None = None
    protection: bool = False
    boot_on_start: bool | None = None


class VmPerformance(BaseModel):
    cpu_usage_percent: float | None = None
    memory_usage_percent: float | None = None
    disk_usage_percent: float | None = None
    network_rx_mbps: float | None = None
    network_tx_mbps: float | None = None
    uptime_seconds: int | None = None


class Vulnerabilities(BaseModel):
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0


class VmSecurity(BaseModel):
    encrypted: bool | None = None
    firewall_enabled: bool | None = None
    ssh_key_auth: bool | None = None
    last_security_scan: datetime | None = None
    compliance_score: int | None = None
    vulnerabilities: Vulnerabilities | None = None


class VmBackup(BaseModel):
    enabled: bool | None = None
    schedule: str | None = None
    retention_days: int | None = None
    last_backup: datetime | None = None
    backup_size_gb: float | None = None


class Snapshot(BaseModel):
    name: str
    description: str | None = None
    created_at: datetime | None = None
    include_memory: bool = False
    parent: str | None = None


class VmDetail(BaseModel):
    id: str
    vmid: int
    name: str
    type: GuestType = "qemu"
    node: str
    description: str | None = None
    status: VmStatus
    environment: Environment | None = None
    template: bool = False
    lock: str | None = None
    tags: list[str] = Field(default_factory=list)
    configuration: VmConfiguration
    performance: VmPerformance
    security: VmSecurity
    backup: VmBackup = Field(default_factory=VmBackup)
    snapshots: list[Snapshot] = Field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None


# ---- requests ------------------------------------------------------------------------


def _check_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        t = tag.strip().lower()
        if not TAG_RE.match(t):
            raise ValueError(f"invalid tag {tag!r}: use letters, digits, '-', '_', '+' or '.'")
        if t not in out:
            out.append(t)
    return out


def _check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise ValueError(
            "must be a DNS name: letters, digits, '-' and '.', starting and ending "
            "with a letter or digit, at most 63 characters"
        )
    return name


class VmRef(Model):
    vm_id: str = Field(min_length=1, description="vm-101, 101, or a unique VM name")


class VmListQuery(Model):
    status: VmStatus | None = None
    environment: Environment | None = None
    node: str | None = None
    tag: str | None = None
    search: str | None = Field(default=None, description="substring of the name, id or IP")
    type: GuestType | None = None
    include_templates: bool = False
    sort: Literal["name", "created_at", "status", "vmid", "node", "memory_mb", "cpu_cores"] = "name"
    order: Literal["asc", "desc"] = "asc"
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)
    cursor: str | None = Field(
        default=None, description="from a previous page's next_cursor or previous_cursor"
    )


class VmList(BaseModel):
    vms: list[Vm]
    pagination: Pagination


class NetworkSpec(Model):
    vlan_id: int | None = Field(default=None, ge=1, le=4094)
    static_ip: str | None = Field(
        default=None, description="IPv4 address with prefix (192.168.1.102/24); /24 if omitted"
    )
    gateway: str | None = None
    bridge: str = "vmbr0"


class VmCreateConfiguration(Model):
    cpu_cores: int = Field(default=2, ge=1, le=512)
    cpu_sockets: int = Field(default=1, ge=1, le=8)
    memory_mb: int = Field(default=2048, ge=16, le=8 * 1024 * 1024)
    storage_gb: int | None = Field(
        default=None, ge=1, le=128 * 1024, description="root disk size; default: the template's"
    )
    network: NetworkSpec = Field(default_factory=NetworkSpec)


class VmCreateSecurity(Model):
    encrypt_disk: bool = False
    enable_firewall: bool = True
    ssh_keys: list[str] = Field(default_factory=list)


class VmCreateBackup(Model):
    enabled: bool = False
    schedule: str | None = None
    retention_days: int | None = Field(default=None, ge=1)


class VmCreate(Model):
    name: str
    description: str | None = None
    template: str = Field(description="the template's name (ubuntu-22.04) or VMID")
    environment: Environment | None = None
    node: str | None = Field(default=None, description="target node; default: the template's")
    vmid: int | None = Field(default=None, ge=100, le=999_999_999)
    configuration: VmCreateConfiguration = Field(default_factory=VmCreateConfiguration)
    security: VmCreateSecurity = Field(default_factory=VmCreateSecurity)
    tags: list[str] = Field(default_factory=list)
    backup: VmCreateBackup = Field(default_factory=VmCreateBackup)
    start: bool = True

    @field_validator("name")
    @classmethod
    def _valid_name(cls, v: str) -> str:
        return _check_name(v)

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, v: list[str]) -> list[str]:
        return _check_tags(v)


class VmCreated(BaseModel):
    id: str
    vmid: int
    name: str
    status: VmStatus
    creation_job_id: str


class VmUpdateConfiguration(Model):
    cpu_cores: int | None = Field(default=None, ge=1, le=512)
    cpu_sockets: int | None = Field(default=None, ge=1, le=8)
    memory_mb: int | None = Field(default=None, ge=16, le=8 * 1024 * 1024)


class VmUpdate(Model):
    vm_id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None
    configuration: VmUpdateConfiguration = Field(default_factory=VmUpdateConfiguration)
    tags: list[str] | None = None
    environment: Environment | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, v: str | None) -> str | None:
        return v if v is None else _check_name(v)

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, v: list[str] | None) -> list[str] | None:
        return v if v is None else _check_tags(v)


class VmDelete(Model):
    vm_id: str = Field(min_length=1)
    force: bool = Field(default=False, description="stop a running VM hard first")
    keep_backups: bool = True


class VmStop(Model):
    vm_id: str = Field(min_length=1)
    graceful: bool = True
    timeout_seconds: int = Field(default=300, ge=1, le=3600)


class SnapshotCreate(Model):
    vm_id: str = Field(min_length=1)
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{1,39}$")
    description: str | None = None
    include_memory: bool = False


class SnapshotRef(Model):
    vm_id: str = Field(min_length=1)
    snapshot_id: str = Field(min_length=1)


class SnapshotList(BaseModel):
    snapshots: list[Snapshot]


class JobAccepted(BaseModel):
    """What an operation that started a job returns at once."""

    job_id: str
    status: str
    target: str | None = None
    message: str | None = None


class FirewallEnable(Model):
    vm_id: str = Field(min_length=1)
    policy_in: Literal["DROP", "REJECT", "ACCEPT"] = "DROP"


class NicFirewall(Model):
    vm_id: str = Field(min_length=1)
    nic: str = Field(pattern=r"^net\d{1,2}$")
    enabled: bool = True
