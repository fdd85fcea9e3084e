"""Every rule pxa knows, and the views of that list scans and frameworks ask for."""

from __future__ import annotations

from collections import Counter

from pxa.policy.rule import Rule, ScanType
from pxa.policy.rules import (
    access,
    backup,
    cluster,
    exposure,
    firewall,
    hygiene,
    os_support,
    platform,
    tokens,
    web,
)
from pxa.policy.sorting import natural_key

RULES: tuple[Rule, ...] = (
    *firewall.RULES,
    *exposure.RULES,
    *access.RULES,
    *tokens.RULES,
    *backup.RULES,
    *hygiene.RULES,
    *os_support.RULES,
    *platform.RULES,
    *cluster.RULES,
    *web.RULES,
)

_twice = [rule_id for rule_id, seen in Counter(r.id for r in RULES).items() if seen > 1]
if _twice:
    raise RuntimeError(f"rule ids declared twice: {', '.join(_twice)}")

# The frameworks rules map to, and how callers may spell them (context.compliance_requirements).
FRAMEWORKS = ("CIS", "SOC2")
_FRAMEWORK_NAMES = {"cis": "CIS", "soc2": "SOC2", "soc 2": "SOC2", "soc-2": "SOC2"}


def rule_by_id(rule_id: str) -> Rule:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def rules_for(scan_type: ScanType | None) -> tuple[Rule, ...]:
    """The rules a scan runs; all of them when no scan type is given."""
    if scan_type is None:
        return RULES
    return tuple(rule for rule in RULES if scan_type in rule.scan_types)


def framework_name(framework: str) -> str:
    """The canonical name ("CIS" or "SOC2") for how a caller spelled it ("cis", "SOC 2").

    An unknown framework is an error, never silence: an empty rule set would read as
    full compliance.
    """
    name = _FRAMEWORK_NAMES.get(framework.strip().lower())
    if name is None:
        raise ValueError(f"unknown framework {framework!r}; known: {', '.join(FRAMEWORKS)}")
    return name


def controls_of(rule: Rule, framework: str) -> tuple[str, ...]:
    return rule.cis if framework_name(framework) == "CIS" else rule.soc2


def rules_for_framework(framework: str) -> tuple[Rule, ...]:
    """The rules mapped to at least one control of a framework ("CIS" or "SOC2")."""
    return tuple(rule for rule in RULES if controls_of(rule, framework))


def control_map(framework: str) -> dict[str, tuple[str, ...]]:
    """Control → the rule ids that check it, e.g. {"CIS 4.4": ("PXA-FW-001", …)}."""
    mapping: dict[str, list[str]] = {}
    for rule in RULES:
        for control in controls_of(rule, framework):
            mapping.setdefault(control, []).append(rule.id)
    ordered = sorted(mapping.items(), key=lambda item: natural_key(item[0]))
    return {control: tuple(ids) for control, ids in ordered}
