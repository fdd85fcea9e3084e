"""Backups (vzdump archives on any storage), restores, schedules and coverage.

A backup's id is `bkp_` + the first 12 hex digits of the SHA-1 of its PVE volid: stable,
URL-safe, and the volid itself is always returned alongside.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from pxa.models.common import Model

Compression = Literal["zstd", "gzip", "lzo", "none"]
Mode = Literal["snapshot", "suspend", "stop"]


class Backup(BaseModel):
    id: str
    volid: str
    vm_id: str | None = None
    vmid: int | None = None
    vm_name: str | None = None
    guest_type: Literal["qemu", "lxc"] | None = None
    storage: str
    node: str
    created_at: datetime | None = None
    size_gb: float | None = None
    format: str | None = Field(default=None, description="vma, tar or pbs-vm/pbs-ct")
    compression: Compression | None = None
    notes: str | None = None
    protected: bool = False
    encrypted: bool = False
    verification: str | None = Field(default=None, description="ok, failed, or null: unknown")


class BackupList(BaseModel):
    backups: list[Backup]
    total: int


class BackupQuery(Model):
    vm_id: str | None = None
    storage: str | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class BackupRef(Model):
    backup_id: str = Field(min_length=1, description="bkp_..., or the PVE volid")


class BackupCreate(Model):
    vm_id: str = Field(min_length=1)
    backup_type: Literal["full"] = Field(
        default="full", description="vzdump archives are always full (PBS deduplicates)"
    )
    compression: Compression = "zstd"
    encryption: bool = False
    description: str | None = Field(default=None, max_length=1000, description="the notes")
    storage: str | None = Field(default=None, description="default: a backup storage that fits")
    mode: Mode = "snapshot"
    protected: bool = False


class BackupRestore(Model):
    backup_id: str = Field(min_length=1)
    target: Literal["same", "new"] = Field(
        default="new", description="over the original VM (destructive) or as a new VM"
    )
    vmid: int | None = Field(default=None, ge=100, le=999_999_999)
    storage: str | None = Field(default=None, description="where the restored disks go")
    start: bool = False


class Retention(Model):
    keep_last: int | None = Field(default=None, ge=0)
    keep_daily: int | None = Field(default=None, ge=0)
    keep_weekly: int | None = Field(default=None, ge=0)
    keep_monthly: int | None = Field(default=None, ge=0)
    keep_yearly: int | None = Field(default=None, ge=0)


class BackupSchedule(BaseModel):
    id: str
    schedule: str
    storage: str
    all: bool = False
    vm_ids: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    mode: str = "snapshot"
    compression: str | None = None
    enabled: bool = True
    retention: Retention = Field(default_factory=Retention)
    notes_template: str | None = None
    comment: str | None = None


class ScheduleList(BaseModel):
    schedules: list[BackupSchedule]


class ScheduleCreate(Model):
    schedule: str = Field(min_length=1, description="systemd calendar event: '02:00', 'sat 03:00'")
    storage: str = Field(min_length=1)
    all: bool = False
    vm_ids: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    mode: Mode = "snapshot"
    compression: Compression = "zstd"
    enabled: bool = True
    retention: Retention = Field(default_factory=Retention)
    notes_template: str | None = None
    comment: str | None = None


class ScheduleUpdate(Model):
    schedule_id: str = Field(min_length=1)
    schedule: str | None = None
    storage: str | None = None
    all: bool | None = None
    vm_ids: list[str] | None = None
    mode: Mode | None = None
    compression: Compression | None = None
    enabled: bool | None = None
    retention: Retention | None = None
    comment: str | None = None


class ScheduleRef(Model):
    schedule_id: str = Field(min_length=1)


class Coverage(BaseModel):
    """Guests no enabled schedule backs up."""

    uncovered: list[str]
    names: dict[str, str]
