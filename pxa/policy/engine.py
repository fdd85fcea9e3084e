"""Running the rules over guests and the cluster, and scoring what they find.

Compliance score, per guest, 0–100: start at 100 and subtract, once for each distinct
rule the guest fails (three unfiltered NICs are one failed control, not three):

    critical 25 · high 15 · medium 7 · low 2, floored at 0.

So one critical finding leaves 75, four leave 0; a guest failing only low rules cannot
drop below 50 until it fails 25 of them. Vulnerability counts, by contrast, count every
finding. Findings about the cluster, nodes and tokens carry their own targets and do not
count against any guest.

Deterministic: `cluster.now` is the clock for every age and date comparison, and results
are sorted by severity, then target, then rule id, then evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from pxa.policy.catalogue import framework_name, rules_for
from pxa.policy.rule import SEVERITY_ORDER, Finding, Rule, ScanType, Settings
from pxa.policy.sorting import natural_key
from pxa.policy.view import ClusterView, GuestView

WEIGHTS: dict[str, int] = {"critical": 25, "high": 15, "medium": 7, "low": 2}
DEFAULT_SETTINGS = Settings()


class GuestSummary(BaseModel):
    id: str
    name: str
    compliance_score: int = Field(ge=0, le=100)
    vulnerabilities: dict[str, int]
    findings: list[Finding]


def evaluate(
    guests: list[GuestView],
    cluster: ClusterView,
    *,
    scan_type: ScanType | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    frameworks: list[str] | None = None,
) -> list[Finding]:
    """Every finding the selected rules make about these guests and this cluster.

    `frameworks` (e.g. ["CIS"]) keeps the rules mapped to one of them and drops the
    other frameworks' controls from each finding; an unknown name raises ValueError.
    """
    if cluster.now is None:
        cluster = cluster.model_copy(update={"now": datetime.now(UTC)})
    rules = rules_for(scan_type)
    # No frameworks asked for (None or []) means every rule, not none of them.
    wanted = {framework_name(name) for name in frameworks} if frameworks else None
    if wanted is not None:
        rules = tuple(rule for rule in rules if _mapped_to(rule, wanted))
    found: list[Finding] = []
    for rule in rules:
        if rule.cluster is not None:
            found.extend(rule.cluster(cluster, settings))
        if rule.guest is not None:
            for guest in guests:
                found.extend(rule.guest(guest, cluster, settings))
    if wanted is not None:
        found = [_only_frameworks(item, wanted) for item in found]
    return sorted(found, key=_order)


def _mapped_to(rule: Rule, frameworks: set[str]) -> bool:
    return ("CIS" in frameworks and bool(rule.cis)) or ("SOC2" in frameworks and bool(rule.soc2))


def _only_frameworks(item: Finding, frameworks: set[str]) -> Finding:
    return item.model_copy(
        update={
            "cis": item.cis if "CIS" in frameworks else [],
            "soc2": item.soc2 if "SOC2" in frameworks else [],
        }
    )


def _order(item: Finding) -> tuple[object, ...]:
    return (SEVERITY_ORDER[item.severity], natural_key(item.target), item.rule_id, item.evidence)


def score(findings: Iterable[Finding]) -> int:
    """The compliance score of one guest's findings (weights in the module docstring)."""
    worst: dict[str, str] = {}
    for item in findings:
        known = worst.get(item.rule_id)
        if known is None or SEVERITY_ORDER[item.severity] < SEVERITY_ORDER[known]:
            worst[item.rule_id] = item.severity
    return max(0, 100 - sum(WEIGHTS[severity] for severity in worst.values()))


def vulnerability_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, every key present: {"critical": 0, "high": 2, …}."""
    counts = dict.fromkeys(WEIGHTS, 0)
    for item in findings:
        counts[item.severity] += 1
    return counts


def summarise(guests: list[GuestView], findings: list[Finding]) -> list[GuestSummary]:
    """Per guest, in the order given: its findings, compliance score and counts."""
    summaries = []
    for guest in guests:
        own = [item for item in findings if item.target == guest.id]
        summaries.append(
            GuestSummary(
                id=guest.id,
                name=guest.name,
                compliance_score=score(own),
                vulnerabilities=vulnerability_counts(own),
                findings=own,
            )
        )
    return summaries
