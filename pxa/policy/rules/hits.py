"""Turning a rule and the fact that broke it into a Finding, and the facts rules share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pxa.policy.rule import Finding, Fix, Rule, ScanType
from pxa.policy.view import ClusterView, GuestView

# What admins call production: the `environment` field, or a tag saying so.
PRODUCTION_NAMES = frozenset({"prod", "production", "prd"})


def finding(
    rule: Rule, target: str, target_name: str | None, evidence: str, fix: Fix | None = None
) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        target=target,
        target_name=target_name,
        evidence=evidence,
        remediation=rule.remediation,
        rationale=rule.rationale,
        cis=list(rule.cis),
        soc2=list(rule.soc2),
        fix=fix,
    )


def guest_finding(rule: Rule, guest: GuestView, evidence: str, fix: Fix | None = None) -> Finding:
    return finding(rule, guest.id, guest.name, evidence, fix)


def guest_fix(guest: GuestView, operation: str, summary: str, **arguments: Any) -> Fix | None:
    """A fix for a live guest; a spec has no VM to change yet, so it gets none."""
    if guest.source != "live":
        return None
    return Fix(operation=operation, arguments={"vm_id": guest.id, **arguments}, summary=summary)


def is_production(guest: GuestView) -> bool:
    if guest.environment and guest.environment.strip().lower() in PRODUCTION_NAMES:
        return True
    return any(tag.strip().lower() in PRODUCTION_NAMES for tag in guest.tags)


def production_label(guest: GuestView) -> str:
    """Why the guest counts as production, for evidence strings."""
    if guest.environment and guest.environment.strip().lower() in PRODUCTION_NAMES:
        return f"environment={guest.environment}"
    tags = [tag for tag in guest.tags if tag.strip().lower() in PRODUCTION_NAMES]
    return f"tags={';'.join(tags)}"


def as_utc(moment: datetime) -> datetime:
    # PVE reports epoch seconds; a naive datetime from a spec is taken as UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now_of(cluster: ClusterView) -> datetime:
    """The scan's clock: `cluster.now`, so the same views always give the same findings."""
    return as_utc(cluster.now) if cluster.now else datetime.now(UTC)


# Which scans run a rule: configuration rules also count towards compliance, as do the
# version checks of the vulnerability scan.
CONFIGURATION: tuple[ScanType, ...] = ("configuration", "compliance")
VULNERABILITY: tuple[ScanType, ...] = ("vulnerability", "compliance")
EVERY_SCAN: tuple[ScanType, ...] = ("vulnerability", "configuration", "compliance")
