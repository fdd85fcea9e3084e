"""Jobs: every PVE task or multi-step workflow pxa runs, with progress and logs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from pxa.models.common import Model


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.completed, JobStatus.failed, JobStatus.cancelled)


LogLevel = Literal["debug", "info", "warning", "error"]


class JobLog(BaseModel):
    timestamp: datetime
    level: LogLevel = "info"
    message: str
    source: Literal["pxa", "pve"] = "pxa"


class Job(BaseModel):
    id: str
    type: str = Field(description="vm_creation, vm_start, vm_snapshot, ...")
    status: JobStatus
    progress: int = Field(ge=0, le=100)
    target: str | None = Field(default=None, description="the resource the job acts on")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    estimated_completion: datetime | None = None
    duration_seconds: float | None = None
    error: str | None = None
    result: dict[str, Any] | None = None
    upid: str | None = Field(default=None, description="the PVE task currently followed")
    actor: str | None = None
    created_at: datetime
    logs: list[JobLog] = Field(default_factory=list)


class JobQuery(Model):
    status: JobStatus | None = None
    type: str | None = None
    target: str | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class JobRef(Model):
    job_id: str = Field(min_length=1)


class JobList(BaseModel):
    jobs: list[Job]
    total: int
