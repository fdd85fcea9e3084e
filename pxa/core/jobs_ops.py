"""Job operations in the catalogue: list, show, cancel."""

from __future__ import annotations

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.common import Risk
from pxa.models.job import Job, JobList, JobQuery, JobRef


@operation(
    "job.list",
    summary="List running and recent jobs",
    input=JobQuery,
    output=JobList,
    scope="job:read",
    risk=Risk.read,
)
async def job_list(infra: Infra, q: JobQuery, ctx: CallContext) -> JobList:
    return infra.jobs.list(q)


@operation(
    "job.get",
    summary="Show a job with its progress and log",
    input=JobRef,
    output=Job,
    scope="job:read",
    risk=Risk.read,
)
async def job_get(infra: Infra, ref: JobRef, ctx: CallContext) -> Job:
    return infra.jobs.get(ref.job_id)


@operation(
    "job.cancel",
    summary="Cancel a running job (stops its Proxmox task)",
    input=JobRef,
    output=Job,
    scope="job:write",
    risk=Risk.write,
)
async def job_cancel(infra: Infra, ref: JobRef, ctx: CallContext) -> Job:
    return await infra.jobs.cancel(ref.job_id)
