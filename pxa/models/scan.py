"""Security scans in the seed's shape, their findings and per-VM scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from pxa.models.common import Model

ScanType = Literal["vulnerability", "compliance", "configuration"]


class ScanOptions(Model):
    deep_scan: bool = Field(default=False, description="also ask each running guest's agent")
    include_dependencies: bool = Field(
        default=False, description="also judge the nodes and cluster the guests depend on"
    )
    frameworks: list[Literal["CIS", "SOC2"]] = Field(default_factory=list)


class ScanRequest(Model):
    scan_type: ScanType = "configuration"
    targets: list[str] = Field(
        default_factory=lambda: ["all"],
        description="VM ids or names, 'tag:<tag>', 'env:<environment>', or 'all'",
    )
    scan_options: ScanOptions = Field(default_factory=ScanOptions)


class Scan(BaseModel):
    id: str
    type: ScanType
    status: Literal["running", "completed", "failed", "cancelled"]
    targets: list[str]
    started_at: datetime
    finished_at: datetime | None = None
    estimated_completion: datetime | None = None
    job_id: str | None = None
    summary: dict[str, Any] | None = None


class ScanAccepted(BaseModel):
    scan: Scan


class FindingOut(BaseModel):
    id: int
    rule_id: str
    title: str
    severity: Literal["critical", "high", "medium", "low"]
    target: str
    target_name: str | None = None
    evidence: str
    remediation: str
    rationale: str
    cis: list[str] = Field(default_factory=list)
    soc2: list[str] = Field(default_factory=list)
    fix: dict[str, Any] | None = None


class GuestScore(BaseModel):
    target: str
    name: str | None = None
    compliance_score: int
    vulnerabilities: dict[str, int]


class ScanResult(BaseModel):
    scan: Scan
    findings: list[FindingOut]
    scores: list[GuestScore]


class ScanRef(Model):
    scan_id: str = Field(min_length=1)


class ScanQuery(Model):
    limit: int = Field(default=20, ge=1, le=200)


class ScanList(BaseModel):
    scans: list[Scan]


class ScoreHistoryPoint(BaseModel):
    scan_id: str
    at: datetime
    compliance_score: int
    vulnerabilities: dict[str, int]


class ScoreHistory(BaseModel):
    vm_id: str
    points: list[ScoreHistoryPoint]


class FixRequest(Model):
    finding_id: int = Field(ge=1)
