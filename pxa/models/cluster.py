"""The cluster at a glance: what `pxa` prints and the TUI header shows."""

from __future__ import annotations

from pydantic import BaseModel, Field

from pxa.models.common import NoInput

__all__ = ["ClusterSummary", "NoInput", "NodeSummary"]


class NodeSummary(BaseModel):
    name: str
    status: str
    cpu_usage_percent: float | None = None
    cpu_cores: int | None = None
    memory_used_mb: int | None = None
    memory_total_mb: int | None = None
    uptime_seconds: int | None = None
    guests: int = 0


class ClusterSummary(BaseModel):
    url: str
    sandbox: bool
    read_only: bool
    version: str | None = None
    release: str | None = None
    cluster_name: str | None = None
    quorate: bool | None = None
    nodes: list[NodeSummary] = Field(default_factory=list)
    vms_by_status: dict[str, int] = Field(default_factory=dict)
    vms_by_environment: dict[str, int] = Field(default_factory=dict)
    vms: int = 0
    containers: int = 0
    templates: int = 0
    running_jobs: int = 0
