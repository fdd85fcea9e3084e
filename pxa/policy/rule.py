"""Rules and findings: the vocabulary every rule module speaks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from pxa.policy.view import ClusterView, GuestView

Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
ScanType = Literal["vulnerability", "compliance", "configuration"]


class Fix(BaseModel):
    """An automatic remedy: a catalogue operation and its arguments, run through the gate."""

    operation: str
    arguments: dict[str, Any]
    summary: str


class Finding(BaseModel):
    rule_id: str
    title: str
    severity: Severity
    target: str  # the guest id, or "cluster" / "node/<name>" / "token/<id>"
    target_name: str | None = None
    evidence: str
    remediation: str
    rationale: str
    cis: list[str] = Field(default_factory=list)
    soc2: list[str] = Field(default_factory=list)
    fix: Fix | None = None


@dataclass(frozen=True)
class Settings:
    """Thresholds a rule may read; defaults are what the rules document."""

    backup_max_age_days: int = 7
    snapshot_max_age_days: int = 30
    trusted_sources: tuple[str, ...] = ()


GuestCheck = Callable[[GuestView, ClusterView, Settings], list[Finding]]
ClusterCheck = Callable[[ClusterView, Settings], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str  # "PXA-FW-001"
    title: str
    severity: Severity
    scan_types: tuple[ScanType, ...]
    rationale: str
    remediation: str
    cis: tuple[str, ...] = ()
    soc2: tuple[str, ...] = ()
    guest: GuestCheck | None = None
    cluster: ClusterCheck | None = None
    applies_to_specs: bool = True  # False for rules that need the live cluster
    tags: tuple[str, ...] = field(default=())
