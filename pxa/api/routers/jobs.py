"""/v1/jobs: long operations' progress and logs, and cancelling them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep, call_args
from pxa.api.envelope import Envelope, ok
from pxa.core.context import CallContext
from pxa.models.job import Job, JobList, JobStatus

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobData(BaseModel):
    job: Job


@router.get("", response_model=Envelope[JobList])
async def list_jobs(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("job.list"))],
    status: JobStatus | None = None,
    type: str | None = None,
    target: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> Envelope[JobList]:
    args = call_args(status=status, type=type, target=target, limit=limit, offset=offset)
    return ok(request, await infra.call("job.list", args, ctx))


@router.get("/{job_id}", response_model=Envelope[JobData])
async def get_job(
    job_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("job.get"))],
) -> Envelope[JobData]:
    return ok(request, JobData(job=await infra.call("job.get", {"job_id": job_id}, ctx)))


@router.delete("/{job_id}", response_model=Envelope[JobData])
async def cancel_job(
    job_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("job.cancel"))],
) -> Envelope[JobData]:
    return ok(request, JobData(job=await infra.call("job.cancel", {"job_id": job_id}, ctx)))
