"""The rule catalogue: complete, well described and mapped to CIS and SOC 2."""

from __future__ import annotations

import re

import pytest

from pxa.policy.catalogue import (
    RULES,
    control_map,
    rule_by_id,
    rules_for,
    rules_for_framework,
)

CIS_SAFEGUARD = re.compile(r"^CIS \d{1,2}\.\d{1,2}$")  # CIS Controls v8 safeguard
SOC2_CRITERION = re.compile(r"^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2}$")  # Trust Services Criteria
RULE_ID = re.compile(r"^PXA-[A-Z]{2}-\d{3}$")


def test_there_are_at_least_25_rules() -> None:
    assert len(RULES) >= 25


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_is_fully_described(rule) -> None:
    assert RULE_ID.match(rule.id)
    assert rule.severity in {"critical", "high", "medium", "low"}
    assert rule.title and len(rule.rationale) > 40 and len(rule.remediation) > 40
    assert rule.scan_types


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_maps_to_real_cis_and_soc2_controls(rule) -> None:
    assert rule.cis and all(CIS_SAFEGUARD.match(control) for control in rule.cis)
    assert rule.soc2 and all(SOC2_CRITERION.match(control) for control in rule.soc2)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_judges_either_guests_or_the_cluster(rule) -> None:
    assert (rule.guest is None) != (rule.cluster is None)


def test_a_rule_is_found_by_its_id() -> None:
    assert rule_by_id("PXA-FW-001").title == "VM firewall is off"


def test_an_unknown_rule_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        rule_by_id("PXA-XX-999")


def test_vulnerability_scans_judge_versions_and_cpu_mitigations() -> None:
    ids = {rule.id for rule in rules_for("vulnerability")}
    assert ids == {"PXA-VN-001", "PXA-VN-002", "PXA-VN-003", "PXA-VN-004", "PXA-HY-004"}


def test_configuration_scans_leave_out_the_version_checks() -> None:
    ids = {rule.id for rule in rules_for("configuration")}
    assert "PXA-FW-001" in ids and "PXA-VN-003" not in ids


def test_compliance_scans_run_every_rule() -> None:
    assert rules_for("compliance") == RULES


def test_no_scan_type_means_every_rule() -> None:
    assert rules_for(None) == RULES


def test_framework_names_are_read_loosely() -> None:
    assert rules_for_framework("soc 2") == rules_for_framework("SOC2")
    assert rules_for_framework("cis") == rules_for_framework("CIS")


def test_an_unknown_framework_is_refused_rather_than_read_as_compliant() -> None:
    with pytest.raises(ValueError, match="HIPAA"):
        rules_for_framework("HIPAA")


def test_control_map_lists_the_rules_checking_each_control() -> None:
    cis = control_map("CIS")
    assert "PXA-FW-001" in cis["CIS 4.4"]
    assert "PXA-BK-001" in cis["CIS 11.2"]
    assert "PXA-WB-001" in control_map("SOC2")["CC6.7"]


def test_control_map_orders_controls_numerically() -> None:
    controls = list(control_map("CIS"))
    assert controls.index("CIS 2.2") < controls.index("CIS 11.2")
