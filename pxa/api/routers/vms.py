"""/v1/vms: the seed's Virtual Machine API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep, call_args
from pxa.api.envelope import Envelope, ok
from pxa.core.context import CallContext
from pxa.models.vm import (
    JobAccepted,
    SnapshotCreate,
    SnapshotList,
    VmCreate,
    VmCreated,
    VmDetail,
    VmList,
    VmStatus,
    VmUpdate,
)

router = APIRouter(prefix="/vms", tags=["vms"])


class VmData(BaseModel):
    vm: VmDetail


class VmCreatedData(BaseModel):
    vm: VmCreated


class JobData(BaseModel):
    job: JobAccepted


class StopBody(BaseModel):
    graceful: bool = True
    timeout_seconds: int = 300


class SnapshotBody(BaseModel):
    name: str
    description: str | None = None
    include_memory: bool = False


class VmUpdateBody(BaseModel):
    name: str | None = None
    description: str | None = None
    configuration: dict[str, int | None] | None = None
    tags: list[str] | None = None
    environment: Literal["production", "staging", "development"] | None = None


@router.get("", response_model=Envelope[VmList])
async def list_vms(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.list"))],
    status: VmStatus | None = None,
    environment: Literal["production", "staging", "development"] | None = None,
    node: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    type: Literal["qemu", "lxc"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    cursor: str | None = None,
    sort: Literal[
        "name", "created_at", "status", "vmid", "node", "memory_mb", "cpu_cores"
    ] = "name",
    order: Literal["asc", "desc"] = "asc",
) -> Envelope[VmList]:
    args = call_args(
        status=status,
        environment=environment,
        node=node,
        tag=tag,
        search=search,
        type=type,
        limit=limit,
        offset=offset,
        cursor=cursor,
        sort=sort,
        order=order,
    )
    return ok(request, await infra.call("vm.list", args, ctx))


@router.get("/{vm_id}", response_model=Envelope[VmData])
async def get_vm(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.get"))],
) -> Envelope[VmData]:
    return ok(request, VmData(vm=await infra.call("vm.get", {"vm_id": vm_id}, ctx)))


@router.post("", status_code=201, response_model=Envelope[VmCreatedData])
async def create_vm(
    body: VmCreate,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.create"))],
) -> Envelope[VmCreatedData]:
    return ok(request, VmCreatedData(vm=await infra.call("vm.create", body, ctx)))


@router.put("/{vm_id}", response_model=Envelope[VmData])
async def update_vm(
    vm_id: str,
    body: VmUpdateBody,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.update"))],
) -> Envelope[VmData]:
    payload = VmUpdate.model_validate({"vm_id": vm_id, **body.model_dump(exclude_none=True)})
    return ok(request, VmData(vm=await infra.call("vm.update", payload, ctx)))


@router.delete("/{vm_id}", status_code=202, response_model=Envelope[JobData])
async def delete_vm(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.delete"))],
    force: bool = False,
    keep_backups: bool = True,
) -> Envelope[JobData]:
    job = await infra.call(
        "vm.delete", {"vm_id": vm_id, "force": force, "keep_backups": keep_backups}, ctx
    )
    return ok(request, JobData(job=job))


@router.post("/{vm_id}/start", status_code=202, response_model=Envelope[JobData])
async def start_vm(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.start"))],
) -> Envelope[JobData]:
    return ok(request, JobData(job=await infra.call("vm.start", {"vm_id": vm_id}, ctx)))


@router.post("/{vm_id}/restart", status_code=202, response_model=Envelope[JobData])
async def restart_vm(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.restart"))],
) -> Envelope[JobData]:
    return ok(request, JobData(job=await infra.call("vm.restart", {"vm_id": vm_id}, ctx)))


@router.post("/{vm_id}/stop", status_code=202, response_model=Envelope[JobData])
async def stop_vm(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.stop"))],
    body: Annotated[StopBody | None, Body()] = None,
) -> Envelope[JobData]:
    b = body or StopBody()
    job = await infra.call(
        "vm.stop",
        {"vm_id": vm_id, "graceful": b.graceful, "timeout_seconds": b.timeout_seconds},
        ctx,
    )
    return ok(request, JobData(job=job))


@router.get("/{vm_id}/snapshots", response_model=Envelope[SnapshotList])
async def list_snapshots(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.snapshot.list"))],
) -> Envelope[SnapshotList]:
    return ok(request, await infra.call("vm.snapshot.list", {"vm_id": vm_id}, ctx))


@router.post("/{vm_id}/snapshots", status_code=202, response_model=Envelope[JobData])
async def create_snapshot(
    vm_id: str,
    body: SnapshotBody,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.snapshot.create"))],
) -> Envelope[JobData]:
    payload = SnapshotCreate(vm_id=vm_id, **body.model_dump())
    return ok(request, JobData(job=await infra.call("vm.snapshot.create", payload, ctx)))


@router.post(
    "/{vm_id}/snapshots/{snapshot_id}/restore", status_code=202, response_model=Envelope[JobData]
)
async def restore_snapshot(
    vm_id: str,
    snapshot_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.snapshot.restore"))],
) -> Envelope[JobData]:
    job = await infra.call("vm.snapshot.restore", {"vm_id": vm_id, "snapshot_id": snapshot_id}, ctx)
    return ok(request, JobData(job=job))


@router.delete(
    "/{vm_id}/snapshots/{snapshot_id}", status_code=202, response_model=Envelope[JobData]
)
async def delete_snapshot(
    vm_id: str,
    snapshot_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("vm.snapshot.delete"))],
) -> Envelope[JobData]:
    job = await infra.call("vm.snapshot.delete", {"vm_id": vm_id, "snapshot_id": snapshot_id}, ctx)
    return ok(request, JobData(job=job))
