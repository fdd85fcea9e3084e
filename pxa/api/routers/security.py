"""/v1/security: the seed's Security API — scans, their findings and scores, fixes, history.

A scan runs as a job: `POST /security/scans` answers 202 with the running scan (the
seed's `status: running` and `estimated_completion`) and a Location to poll.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep
from pxa.api.envelope import Envelope, ok
from pxa.core.context import CallContext
from pxa.models.scan import (
    FindingOut,
    ScanAccepted,
    ScanList,
    ScanRequest,
    ScanResult,
    ScoreHistory,
)

router = APIRouter(prefix="/security", tags=["security"])


class FindingData(BaseModel):
    finding: FindingOut


class HistoryData(BaseModel):
    history: ScoreHistory


@router.post("/scans", status_code=202, response_model=Envelope[ScanAccepted])
async def run_scan(
    body: ScanRequest,
    request: Request,
    response: Response,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("security.scan"))],
) -> Envelope[ScanAccepted]:
    accepted = await infra.call("security.scan", body, ctx)
    response.headers["Location"] = f"/v1/security/scans/{accepted.scan.id}"
    return ok(request, accepted)


@router.get("/scans", response_model=Envelope[ScanList])
async def list_scans(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("security.scan.list"))],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Envelope[ScanList]:
    return ok(request, await infra.call("security.scan.list", {"limit": limit}, ctx))


@router.get("/scans/{scan_id}", response_model=Envelope[ScanResult])
async def get_scan(
    scan_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("security.scan.get"))],
) -> Envelope[ScanResult]:
    return ok(request, await infra.call("security.scan.get", {"scan_id": scan_id}, ctx))


@router.post("/findings/{finding_id}/fix", response_model=Envelope[FindingData])
async def fix_finding(
    finding_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("security.fix"))],
) -> Envelope[FindingData]:
    fixed = await infra.call("security.fix", {"finding_id": finding_id}, ctx)
    return ok(request, FindingData(finding=fixed))


@router.get("/vms/{vm_id}/history", response_model=Envelope[HistoryData])
async def score_history(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("security.history"))],
) -> Envelope[HistoryData]:
    history = await infra.call("security.history", {"vm_id": vm_id}, ctx)
    return ok(request, HistoryData(history=history))
