"""Storage pools (PVE storages) with per-node usage, their content, uploads.

A pool's id is its PVE storage id (`local-lvm`). Sizes are in GB (10^9 bytes would
surprise a Proxmox admin: PVE shows GiB, so pxa's `_gb` fields are GiB as well).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from pxa.models.common import Model

StorageType = Literal[
    "dir",
    "nfs",
    "cifs",
    "lvm",
    "lvmthin",
    "zfspool",
    "zfs",
    "rbd",
    "cephfs",
    "pbs",
    "iscsi",
    "btrfs",
    "esxi",
]
ContentType = Literal["images", "rootdir", "iso", "vztmpl", "backup", "snippets", "import"]
CREATABLE = ("dir", "nfs", "lvmthin", "zfspool", "pbs")

# What each creatable type can hold, as PVE allows it.
ALLOWED_CONTENT: dict[str, frozenset[str]] = {
    "dir": frozenset({"images", "rootdir", "iso", "vztmpl", "backup", "snippets", "import"}),
    "nfs": frozenset({"images", "rootdir", "iso", "vztmpl", "backup", "snippets", "import"}),
    "lvmthin": frozenset({"images", "rootdir"}),
    "zfspool": frozenset({"images", "rootdir"}),
    "pbs": frozenset({"backup"}),
}


class NodeUsage(BaseModel):
    node: str
    active: bool
    enabled: bool = True
    total_gb: float | None = None
    used_gb: float | None = None
    free_gb: float | None = None
    used_percent: float | None = None


class StoragePool(BaseModel):
    id: str
    name: str
    type: str
    content: list[str]
    shared: bool
    enabled: bool
    nodes: list[str] = Field(description="nodes that may use it; all when unrestricted")
    usage: list[NodeUsage] = Field(default_factory=list)
    total_gb: float | None = None
    used_gb: float | None = None
    free_gb: float | None = None
    details: dict[str, str] = Field(default_factory=dict, description="type-specific settings")
    encrypted_backups: bool = Field(default=False, description="PBS with an encryption key")


class StorageList(BaseModel):
    storage: list[StoragePool]


class StorageQuery(Model):
    type: str | None = None
    content: ContentType | None = None
    node: str | None = None


class StorageRef(Model):
    storage_id: str = Field(min_length=1)


class StorageCreate(Model):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9\-_.]{1,63}$", description="the storage id")
    type: Literal["dir", "nfs", "lvmthin", "zfspool", "pbs"]
    content: list[ContentType] = Field(default_factory=list)
    nodes: list[str] = Field(default_factory=list, description="empty: every node")
    shared: bool | None = None
    enabled: bool = True
    path: str | None = Field(default=None, description="dir: the directory; nfs: mount point")
    server: str | None = Field(default=None, description="nfs, pbs: the server's address")
    export: str | None = Field(default=None, description="nfs: the export path")
    vgname: str | None = Field(default=None, description="lvmthin: the volume group")
    thinpool: str | None = Field(default=None, description="lvmthin: the thin pool")
    pool: str | None = Field(default=None, description="zfspool: the ZFS pool/dataset")
    datastore: str | None = Field(default=None, description="pbs: the datastore")
    username: str | None = Field(default=None, description="pbs: user@realm!token or user@realm")
    password: SecretStr | None = Field(default=None, description="pbs: passed to PVE, never kept")
    fingerprint: str | None = Field(default=None, description="pbs: the server's TLS fingerprint")
    namespace: str | None = None
    encryption_key: Literal["autogen"] | None = Field(
        default=None, description="pbs: 'autogen' makes PVE create a client-side key"
    )


class ContentItem(BaseModel):
    volid: str
    content: str
    format: str | None = None
    size_gb: float | None = None
    used_gb: float | None = None
    vmid: int | None = None
    created_at: datetime | None = None
    notes: str | None = None
    protected: bool = False
    encrypted: bool = False
    verification: str | None = None


class ContentQuery(Model):
    storage_id: str = Field(min_length=1)
    node: str | None = Field(default=None, description="default: the first node that has it")
    content: ContentType | None = None
    vmid: int | None = None


class ContentList(BaseModel):
    storage_id: str
    node: str
    items: list[ContentItem]


class Upload(BaseModel):
    """What an upload was; the bytes travel outside the catalogue's models."""

    storage_id: str
    node: str
    content: Literal["iso", "vztmpl", "import"]
    filename: str
    size_bytes: int
    job_id: str | None = None
