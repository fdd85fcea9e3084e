"""Security rules, shared by live scans and the analysis of generated Terraform specs.

Rules judge one normalised view (`GuestView` + `ClusterView`), so the same rule applies
to a VM read from the cluster and to a VM described by an infrastructure spec.
"""

from pxa.policy.catalogue import (
    RULES,
    control_map,
    rule_by_id,
    rules_for,
    rules_for_framework,
)
from pxa.policy.engine import (
    WEIGHTS,
    GuestSummary,
    evaluate,
    score,
    summarise,
    vulnerability_counts,
)
from pxa.policy.rule import Finding, Fix, Rule, ScanType, Settings, Severity
from pxa.policy.view import ClusterView, GuestView

__all__ = [
    "RULES",
    "WEIGHTS",
    "ClusterView",
    "Finding",
    "Fix",
    "GuestSummary",
    "GuestView",
    "Rule",
    "ScanType",
    "Settings",
    "Severity",
    "control_map",
    "evaluate",
    "rule_by_id",
    "rules_for",
    "rules_for_framework",
    "score",
    "summarise",
    "vulnerability_counts",
]
