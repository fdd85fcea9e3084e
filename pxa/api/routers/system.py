"""/v1/health, /v1/info and the Postman collection generated from the OpenAPI document."""

from __future__ import annotations

import time
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from pxa import __version__
from pxa.api.deps import InfraDep
from pxa.api.envelope import Envelope, ok
from pxa.errors import PxaError

router = APIRouter(tags=["system"])

Health = Literal["healthy", "degraded", "unhealthy", "not_configured"]


class HealthData(BaseModel):
    status: Literal["healthy", "degraded", "unhealthy"]
    version: str
    uptime_seconds: int
    components: dict[str, Health]
    messages: dict[str, str] = {}


class InfoData(BaseModel):
    name: str
    version: str
    api_versions: list[str]
    sandbox: bool
    read_only: bool
    scopes: list[str]
    operations: int


@router.get("/health", response_model=Envelope[HealthData])
async def health(request: Request, infra: InfraDep) -> Envelope[HealthData]:
    components: dict[str, Health] = {}
    messages: dict[str, str] = {}
    try:
        with infra.database.lock:
            infra.database.db.execute("select 1")
        components["database"] = "healthy"
    except Exception:  # a broken database must show here, not crash the check
        components["database"], messages["database"] = "unhealthy", "database check failed"
    try:
        await infra.adapter.version()
        components["proxmox"] = "healthy"
    except PxaError as exc:
        # The code, not the text: an anonymous probe must not learn internal addresses.
        components["proxmox"], messages["proxmox"] = "unhealthy", exc.code
    ai = getattr(request.app.state, "ai_status", None)
    components["ai_service"] = ai() if callable(ai) else "not_configured"
    bad = [c for c in ("database", "proxmox") if components[c] != "healthy"]
    status = "healthy" if not bad else ("unhealthy" if "database" in bad else "degraded")
    started = request.app.state.started
    return ok(
        request,
        HealthData(
            status=status,
            version=__version__,
            uptime_seconds=int(time.time() - started),
            components=components,
            messages=messages,
        ),
    )


@router.get("/info", response_model=Envelope[InfoData])
async def info(request: Request, infra: InfraDep) -> Envelope[InfoData]:
    from pxa.core.tokens import all_scopes

    return ok(
        request,
        InfoData(
            name="pxa",
            version=__version__,
            api_versions=["v1"],
            sandbox=infra.sandbox,
            read_only=infra.read_only,
            proxmox_url=infra.adapter.url,
            scopes=all_scopes(),
            operations=len(infra.catalogue),
        ),
    )


@router.get("/postman/collection.json")
async def postman(request: Request) -> dict[str, Any]:
    from pxa.api.postman import collection

    return collection(request.app.openapi(), str(request.base_url).rstrip("/") + "/v1")
