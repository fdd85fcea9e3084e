"""Monitoring: the cluster's live figures and a VM's time series from PVE's RRD."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from pxa.models.common import Model

Period = Literal["1h", "24h", "7d", "30d"]
MetricName = Literal["cpu", "memory", "disk", "network"]
PERIOD_TIMEFRAME: dict[str, str] = {"1h": "hour", "24h": "day", "7d": "week", "30d": "month"}


class NodeMetrics(BaseModel):
    node: str
    status: str
    cpu_percent: float | None = None
    cpu_cores: int | None = None
    memory_used_mb: int | None = None
    memory_total_mb: int | None = None
    memory_percent: float | None = None
    disk_used_gb: float | None = None
    disk_total_gb: float | None = None
    uptime_seconds: int | None = None
    load_average: float | None = None


class StorageMetrics(BaseModel):
    storage: str
    node: str
    used_gb: float | None = None
    total_gb: float | None = None
    used_percent: float | None = None
    status: str | None = None


class SystemMetrics(BaseModel):
    timestamp: datetime
    nodes: list[NodeMetrics]
    vms: dict[str, int] = Field(description="guest counts by status, plus total")
    storage: list[StorageMetrics]
    jobs: dict[str, int] = Field(description="running, and failed in the last 24 hours")


class Point(BaseModel):
    t: datetime
    value: float | None


class Series(BaseModel):
    name: str
    unit: str
    points: list[Point]


class VmMetricsQuery(Model):
    vm_id: str = Field(min_length=1)
    period: Period = "1h"
    metrics: list[MetricName] = Field(default_factory=lambda: ["cpu", "memory", "disk", "network"])
    cf: Literal["AVERAGE", "MAX"] = "AVERAGE"


class VmMetrics(BaseModel):
    vm_id: str
    period: Period
    step_seconds: int | None = None
    series: list[Series]
