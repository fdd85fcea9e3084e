"""/v1/monitoring: the seed's Monitoring API — cluster figures and a VM's series."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep
from pxa.api.envelope import Envelope, ok
from pxa.api.errors import ApiError
from pxa.core.context import CallContext
from pxa.models.monitoring import MetricName, Period, SystemMetrics, VmMetrics

router = APIRouter(prefix="/monitoring", tags=["monitoring"])

METRICS: tuple[str, ...] = get_args(MetricName)


class SystemMetricsData(BaseModel):
    metrics: SystemMetrics


class VmMetricsData(BaseModel):
    metrics: VmMetrics


@router.get("/metrics", response_model=Envelope[SystemMetricsData])
async def system_metrics(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("monitoring.metrics"))],
) -> Envelope[SystemMetricsData]:
    found = await infra.call("monitoring.metrics", {}, ctx)
    return ok(request, SystemMetricsData(metrics=found))


@router.get("/vms/{vm_id}/metrics", response_model=Envelope[VmMetricsData])
async def vm_metrics(
    vm_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("monitoring.vm_metrics"))],
    period: Period = "1h",
    metrics: str = ",".join(METRICS),
    cf: Literal["AVERAGE", "MAX"] = "AVERAGE",
) -> Envelope[VmMetricsData]:
    names = metric_names(metrics)
    args = {"vm_id": vm_id, "period": period, "metrics": names, "cf": cf}
    return ok(request, VmMetricsData(metrics=await infra.call("monitoring.vm_metrics", args, ctx)))


def metric_names(text: str) -> list[str]:
    """`cpu,memory` as the seed writes it; an unknown or empty list is a VALIDATION_ERROR."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"metrics: unknown metric {unknown[0]!r}; choose from {', '.join(METRICS)}"
            if unknown
            else f"metrics: name at least one of {', '.join(METRICS)}",
            {
                "field": "metrics",
                "reason": "unknown_metric" if unknown else "empty",
                "provided_value": text,
            },
        )
    return names
