"""/v1/backups: the seed's Backup API — archives, restores, schedules and coverage.

`/backups/schedules` and `/backups/coverage` are declared before `/backups/{backup_id}`
so that neither is taken for a backup id.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from pxa.api.deps import Allowed, InfraDep, call_args
from pxa.api.envelope import Envelope, MessageEnvelope, message, ok
from pxa.core.context import CallContext
from pxa.models.backup import (
    Backup,
    BackupCreate,
    BackupSchedule,
    Compression,
    Coverage,
    Mode,
    Retention,
    ScheduleCreate,
    ScheduleList,
)
from pxa.models.common import Model, Pagination
from pxa.models.vm import JobAccepted

router = APIRouter(prefix="/backups", tags=["backups"])


class BackupPage(BaseModel):
    backups: list[Backup]
    pagination: Pagination


class BackupData(BaseModel):
    backup: Backup


class ScheduleData(BaseModel):
    schedule: BackupSchedule


class CoverageData(BaseModel):
    coverage: Coverage


class JobData(BaseModel):
    job: JobAccepted


class RestoreBody(Model):
    target: Literal["same", "new"] = "new"
    vmid: int | None = Field(default=None, ge=100, le=999_999_999)
    storage: str | None = None
    start: bool = False


class ScheduleUpdateBody(Model):
    schedule: str | None = None
    storage: str | None = None
    all: bool | None = None
    vm_ids: list[str] | None = None
    mode: Mode | None = None
    compression: Compression | None = None
    enabled: bool | None = None
    retention: Retention | None = None
    comment: str | None = None


@router.get("", response_model=Envelope[BackupPage])
async def list_backups(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.list"))],
    vm_id: str | None = None,
    storage: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Envelope[BackupPage]:
    args = call_args(vm_id=vm_id, storage=storage, limit=limit, offset=offset)
    found = await infra.call("backup.list", args, ctx)
    page = Pagination.of(found.total, limit, offset)
    return ok(request, BackupPage(backups=found.backups, pagination=page))


@router.post("", status_code=202, response_model=Envelope[JobData])
async def create_backup(
    body: BackupCreate,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.create"))],
) -> Envelope[JobData]:
    return ok(request, JobData(job=await infra.call("backup.create", body, ctx)))


@router.get("/coverage", response_model=Envelope[CoverageData])
async def coverage(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.coverage"))],
) -> Envelope[CoverageData]:
    return ok(request, CoverageData(coverage=await infra.call("backup.coverage", {}, ctx)))


@router.get("/schedules", response_model=Envelope[ScheduleList])
async def list_schedules(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.schedule.list"))],
) -> Envelope[ScheduleList]:
    return ok(request, await infra.call("backup.schedule.list", {}, ctx))


@router.post("/schedules", status_code=201, response_model=Envelope[ScheduleData])
async def create_schedule(
    body: ScheduleCreate,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.schedule.create"))],
) -> Envelope[ScheduleData]:
    made = await infra.call("backup.schedule.create", body, ctx)
    return ok(request, ScheduleData(schedule=made))


@router.put("/schedules/{schedule_id}", response_model=Envelope[ScheduleData])
async def update_schedule(
    schedule_id: str,
    body: ScheduleUpdateBody,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.schedule.update"))],
) -> Envelope[ScheduleData]:
    payload = {"schedule_id": schedule_id, **body.model_dump(exclude_unset=True)}
    changed = await infra.call("backup.schedule.update", payload, ctx)
    return ok(request, ScheduleData(schedule=changed))


@router.delete("/schedules/{schedule_id}", response_model=MessageEnvelope)
async def delete_schedule(
    schedule_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.schedule.delete"))],
) -> MessageEnvelope:
    done = await infra.call("backup.schedule.delete", {"schedule_id": schedule_id}, ctx)
    return message(request, done.message)


@router.get("/{backup_id}", response_model=Envelope[BackupData])
async def get_backup(
    backup_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.get"))],
) -> Envelope[BackupData]:
    found = await infra.call("backup.get", {"backup_id": backup_id}, ctx)
    return ok(request, BackupData(backup=found))


@router.delete("/{backup_id}", status_code=202, response_model=Envelope[JobData])
async def delete_backup(
    backup_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.delete"))],
) -> Envelope[JobData]:
    job = await infra.call("backup.delete", {"backup_id": backup_id}, ctx)
    return ok(request, JobData(job=job))


@router.post("/{backup_id}/restore", status_code=202, response_model=Envelope[JobData])
async def restore_backup(
    backup_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("backup.restore"))],
    body: Annotated[RestoreBody | None, Body()] = None,
) -> Envelope[JobData]:
    fields = body.model_dump(exclude_unset=True) if body else {}
    job = await infra.call("backup.restore", {"backup_id": backup_id, **fields}, ctx)
    return ok(request, JobData(job=job))
