"""The spec is judged by the live scans' rules: their ids, CIS and SOC 2 mapping."""

from __future__ import annotations

from pxa.iac.ground import ClusterFacts, ground
from pxa.iac.parse import parse
from pxa.iac.render import render
from pxa.iac.security import SecurityAnalysis, analyse
from pxa.iac.spec import load_spec


def analysed(prompt: str, facts: ClusterFacts, **kw: object) -> SecurityAnalysis:
    spec = ground(load_spec(parse(prompt, environment="production").draft), facts).spec
    return analyse(spec, files=render(spec, "bpg"), **kw)  # type: ignore[arg-type]


def rule_ids(analysis: SecurityAnalysis) -> set[str]:
    return {issue.rule_id for issue in analysis.issues}


def test_the_seed_prompt_passes_with_secure_defaults(facts: ClusterFacts) -> None:
    analysis = analysed(
        "Create a secure web server VM with Nginx, SSL certificate, and firewall rules", facts
    )
    assert analysis.passed and analysis.issues == []
    assert any("var.admin_cidr" in r for r in analysis.recommendations)


def test_ssh_from_anywhere_fails_with_the_live_rule_id(facts: ClusterFacts) -> None:
    analysis = analysed("a web server with ssh from anywhere", facts)
    assert not analysis.passed
    (issue,) = [i for i in analysis.issues if i.rule_id == "PXA-FW-004"]
    assert issue.severity == "high" and issue.vm == "web-01"
    assert "CIS 4.4" in issue.cis and "ssh from" in issue.remediation


def test_a_web_server_without_tls_fails(facts: ClusterFacts) -> None:
    assert "PXA-WB-001" in rule_ids(analysed("a web server without tls", facts))


def test_no_firewall_and_no_backups_fail(facts: ClusterFacts) -> None:
    ids = rule_ids(analysed("a vm without firewall and without backups", facts))
    assert {"PXA-FW-001", "PXA-BK-001"} <= ids


def test_a_password_fails_as_password_login(facts: ClusterFacts) -> None:
    analysis = analysed("a vm with password hunter22", facts)
    assert "PXA-AC-001" in rule_ids(analysis) and not analysis.passed


def test_guest_agent_off_is_a_medium_issue(facts: ClusterFacts) -> None:
    analysis = analysed("a vm without guest agent", facts)
    assert [i.severity for i in analysis.issues if i.rule_id == "PXA-HY-001"] == ["medium"]
    assert analysis.passed  # medium issues do not fail the analysis


def test_a_literal_secret_in_the_code_is_found(facts: ClusterFacts) -> None:
    spec = ground(load_spec(parse("a vm").draft), facts).spec
    files = {**render(spec, "bpg"), "extra.tf": 'locals {\n  password = "hunter22"\n}\n'}
    analysis = analyse(spec, files=files)
    assert "PXA-AC-004" in rule_ids(analysis) and not analysis.passed


def test_compliance_frameworks_map_to_rule_ids(facts: ClusterFacts) -> None:
    analysis = analysed("a web server without tls", facts, frameworks=["cis", "SOC 2"])
    cis, soc2 = analysis.compliance["CIS"], analysis.compliance["SOC2"]
    assert "PXA-WB-001" in cis.failed_rules and not cis.passed
    assert "PXA-FW-001" in cis.controls["CIS 4.4"]
    assert "PXA-WB-001" in soc2.rules_checked


def test_rules_that_need_the_live_cluster_are_not_applied(facts: ClusterFacts) -> None:
    applied = set(analysed("a vm", facts).rules_applied)
    assert "PXA-FW-001" in applied and "PXA-BK-002" not in applied and "PXA-CL-001" not in applied


def test_telmate_code_is_judged_without_the_firewall_and_backups_it_cannot_set(
    facts: ClusterFacts,
) -> None:
    spec = ground(load_spec(parse("a web server").draft), facts).spec
    analysis = analyse(spec, files=render(spec, "telmate"), provider="telmate")
    assert {"PXA-FW-001", "PXA-BK-001"} <= rule_ids(analysis) and not analysis.passed
    firewall = next(i for i in analysis.issues if i.rule_id == "PXA-FW-001")
    assert "--provider bpg" in firewall.remediation
    assert analyse(spec, files=render(spec, "bpg")).passed  # the same spec, with bpg
