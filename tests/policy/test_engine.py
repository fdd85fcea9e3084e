"""evaluate, score, vulnerability_counts and summarise: what a scan returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pxa.policy.catalogue import RULES
from pxa.policy.engine import WEIGHTS, evaluate, score, summarise, vulnerability_counts
from pxa.policy.rule import Finding, Settings
from pxa.policy.view import (
    ClusterView,
    FirewallRuleView,
    NicView,
    NodeView,
    OsView,
    SnapshotView,
    TokenView,
)

FIXABLE = {"PXA-FW-001", "PXA-FW-002", "PXA-HY-001", "PXA-HY-002"}


def _finding(rule_id: str, severity: str, target: str = "101") -> Finding:
    return Finding(
        rule_id=rule_id,
        title="t",
        severity=severity,
        target=target,
        evidence="e",
        remediation="r",
        rationale="r",
    )


@pytest.fixture
def neglected(guest_with):
    """A guest that breaks most rules at once."""
    return guest_with(
        id="7",
        name="legacy",
        template=False,
        protection=False,
        agent_enabled=False,
        cpu_type="kvm64",
        firewall__enabled=False,
        nics=[NicView(id="net0", bridge="vmbr0", firewall=False)],
        cloud_init__password_set=True,
        backups__covered=False,
        secrets_in_config=["description"],
    )


def test_findings_are_sorted_by_severity_then_target_then_rule(
    guest_with, cluster, neglected
) -> None:
    also = guest_with(id="12", firewall__enabled=False, agent_enabled=False)
    findings = evaluate([also, neglected], cluster)
    keys = [(f.severity, f.target, f.rule_id) for f in findings]
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert keys == sorted(keys, key=lambda k: (order[k[0]], int(k[1]), k[2]))
    assert keys[0] == ("critical", "7", "PXA-AC-004")


def test_the_same_views_always_give_the_same_findings(cluster, neglected) -> None:
    assert evaluate([neglected], cluster) == evaluate([neglected], cluster)


def test_the_clusters_clock_decides_ages(guest_with, cluster) -> None:
    snapshot = SnapshotView(name="s", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    guest = guest_with(snapshots=[snapshot])
    early = cluster.model_copy(update={"now": datetime(2026, 1, 15, tzinfo=UTC)})
    late = cluster.model_copy(update={"now": datetime(2026, 3, 1, tzinfo=UTC)})
    assert evaluate([guest], early) == []
    assert [f.rule_id for f in evaluate([guest], late)] == ["PXA-BK-005"]


def test_without_a_clock_the_current_time_is_used(guest_with) -> None:
    ancient = SnapshotView(name="s", created_at=datetime.now(UTC) - timedelta(days=365))
    findings = evaluate([guest_with(snapshots=[ancient])], ClusterView())
    assert "PXA-BK-005" in {f.rule_id for f in findings}


def test_a_scan_type_limits_the_rules_run(cluster, neglected) -> None:
    findings = evaluate([neglected], cluster, scan_type="vulnerability")
    assert {f.rule_id for f in findings} == {"PXA-HY-004"}


def test_cluster_rules_run_once_whatever_the_number_of_guests(guest, cluster_with) -> None:
    off = cluster_with(firewall_enabled=False)
    findings = evaluate([guest, guest.model_copy(update={"id": "102"})], off)
    assert [f.target for f in findings] == ["cluster"]


def test_a_framework_filter_keeps_only_that_frameworks_controls(cluster, neglected) -> None:
    findings = evaluate([neglected], cluster, frameworks=["CIS"])
    assert findings and all(f.cis and not f.soc2 for f in findings)


def test_asking_for_both_frameworks_keeps_both_mappings(cluster, neglected) -> None:
    findings = evaluate([neglected], cluster, frameworks=["CIS", "SOC2"])
    assert all(f.cis and f.soc2 for f in findings)


def test_an_empty_framework_list_runs_every_rule(cluster, neglected) -> None:
    assert evaluate([neglected], cluster, frameworks=[]) == evaluate([neglected], cluster)


def test_an_unknown_framework_is_an_error(cluster, neglected) -> None:
    with pytest.raises(ValueError):
        evaluate([neglected], cluster, frameworks=["PCI"])


@pytest.fixture
def broken_estate(guest_with, cluster_with, neglected):
    """Guests and a cluster that between them break every rule in the catalogue."""
    exposed = [
        FirewallRuleView(action="ACCEPT", macro=macro)
        for macro in ("SSH", "RDP", "MySQL", "Telnet")
    ] + [
        FirewallRuleView(action="ACCEPT"),
        FirewallRuleView(action="ACCEPT", macro="SSH", source="203.0.113.9"),
    ]
    template = guest_with(
        id="9000",
        template=True,
        firewall__policy_in="ACCEPT",
        firewall__rules=exposed,
        nics=[NicView(id="net0", bridge="vmbr0", firewall=False)],
        cloud_init__password_set=True,
        cloud_init__ssh_keys=0,
        backups__last_backup_at=datetime(2025, 1, 1, tzinfo=UTC),
        backups__off_node=False,
        backups__count=0,
        snapshots=[SnapshotView(name="old", created_at=datetime(2025, 1, 1, tzinfo=UTC))],
        os=OsView(family="alpine", version="3.20"),
        services__tls=False,
    )
    old = neglected.model_copy(update={"os": OsView(family="centos", version="7")})
    cluster = cluster_with(
        firewall_enabled=False,
        nodes=[
            NodeView(name="pve1", pve_version="7.4", qemu_version="7.2", firewall_enabled=False)
        ],
        tokens=[TokenView(id="root@pam!ci", privsep=False)],
    )
    return [old, template], cluster


def test_every_rule_fires_somewhere_in_a_fully_broken_estate(broken_estate) -> None:
    guests, cluster = broken_estate
    findings = evaluate(guests, cluster, settings=Settings(trusted_sources=("+management",)))
    assert {f.rule_id for f in findings} == {rule.id for rule in RULES}


def test_fixes_are_offered_only_by_the_four_safe_rules(broken_estate) -> None:
    guests, cluster = broken_estate
    findings = evaluate(guests, cluster)
    assert {f.rule_id for f in findings if f.fix} == FIXABLE


def test_specs_get_findings_without_fixes(cluster, neglected) -> None:
    spec = neglected.model_copy(update={"source": "spec"})
    findings = evaluate([spec], cluster)
    assert findings and all(f.fix is None for f in findings)


def test_weights_are_the_documented_ones() -> None:
    assert WEIGHTS == {"critical": 25, "high": 15, "medium": 7, "low": 2}


def test_a_guest_without_findings_scores_100() -> None:
    assert score([]) == 100


def test_each_failed_rule_costs_its_severity_weight() -> None:
    findings = [_finding("A", "critical"), _finding("B", "high"), _finding("C", "low")]
    assert score(findings) == 100 - 25 - 15 - 2


def test_a_rule_failed_several_times_costs_its_weight_once() -> None:
    assert score([_finding("PXA-FW-002", "medium")] * 3) == 93


def test_the_score_never_drops_below_zero() -> None:
    assert score([_finding(f"R{i}", "critical") for i in range(5)]) == 0


def test_counts_have_every_severity_and_count_every_finding() -> None:
    findings = [_finding("A", "high"), _finding("A", "high"), _finding("B", "low")]
    assert vulnerability_counts(findings) == {"critical": 0, "high": 2, "medium": 0, "low": 1}


def test_summaries_follow_the_guest_order_with_each_guests_own_findings(
    guest, cluster_with, neglected
) -> None:
    cluster = cluster_with(firewall_enabled=False)
    findings = evaluate([guest, neglected], cluster)
    clean, bad = summarise([guest, neglected], findings)
    assert (clean.id, clean.compliance_score, clean.findings) == ("101", 100, [])
    assert bad.id == "7" and bad.findings and all(f.target == "7" for f in bad.findings)
    assert bad.compliance_score == score(bad.findings)
    assert bad.vulnerabilities == vulnerability_counts(bad.findings)
