"""PXA-VN-001..004: guest OS support dates and node PVE/QEMU minimum versions."""

from __future__ import annotations

import pytest

from pxa.policy.view import NodeView, OsView


def _os(family: str, version: str, **more) -> OsView:
    return OsView(family=family, version=version, source="template", **more)


def test_an_end_of_life_os_is_reported_with_its_end_date(judge, guest_with) -> None:
    [finding] = judge("PXA-VN-001", guest_with(os=_os("ubuntu", "18.04")))
    assert finding.evidence == "os: ubuntu 18.04 (from template), security support ended 2023-05-31"


def test_the_views_os_line_is_the_evidence(judge, guest_with) -> None:
    old = _os("debian", "10.13", evidence="ostemplate: debian-10-standard_10.7-1_amd64.tar.gz")
    [finding] = judge("PXA-VN-001", guest_with(os=old))
    assert finding.evidence.startswith("ostemplate: debian-10-standard")


@pytest.mark.parametrize(
    ("family", "version"),
    [("centos", "7"), ("Windows", "Server 2012 R2"), ("rhel", "7.9"), ("ubuntu", "20.04.6 LTS")],
)
def test_end_of_life_releases_are_recognised_however_spelled(
    judge, guest_with, family, version
) -> None:
    assert len(judge("PXA-VN-001", guest_with(os=_os(family, version)))) == 1


def test_a_supported_os_passes(judge, guest) -> None:
    assert judge("PXA-VN-001", guest) == []


@pytest.mark.parametrize("os", [OsView(), _os("ubuntu", "23.10"), _os("plan9", "4")])
def test_an_os_not_in_the_table_is_unknown_not_a_failure(judge, guest_with, os) -> None:
    assert judge("PXA-VN-001", guest_with(os=os)) == []
    assert judge("PXA-VN-002", guest_with(os=os)) == []


def test_an_os_within_180_days_of_its_end_is_reported_as_low(judge, guest_with) -> None:
    [finding] = judge("PXA-VN-002", guest_with(os=_os("alpine", "3.20.3")))
    assert finding.severity == "low"
    assert finding.evidence == (
        "os: alpine 3.20.3 (from template), security support ends 2026-04-01 (30 days)"
    )


def test_an_os_more_than_180_days_from_its_end_passes(judge, guest_with) -> None:
    # Debian 11 ends 2026-08-31, 182 days after the fixtures' clock.
    assert judge("PXA-VN-002", guest_with(os=_os("debian", "11"))) == []


def test_an_os_already_past_its_end_is_not_also_nearing_it(judge, guest_with) -> None:
    assert judge("PXA-VN-002", guest_with(os=_os("ubuntu", "18.04"))) == []


def _node(**versions) -> NodeView:
    return NodeView(name="pve2", **versions)


def test_a_node_below_the_pve_minimum_is_reported_with_the_advisory(judge, cluster_with) -> None:
    [finding] = judge("PXA-VN-003", cluster=cluster_with(nodes=[_node(pve_version="8.1.4")]))
    assert finding.target == "node/pve2"
    assert finding.evidence.startswith("pve-manager/8.1.4 on pve2: PXA-ADV-PVE-8.4 (fixed in 8.4")


def test_an_end_of_life_pve_major_is_reported(judge, cluster_with) -> None:
    [finding] = judge("PXA-VN-003", cluster=cluster_with(nodes=[_node(pve_version="7.4.17")]))
    assert "PXA-ADV-PVE-7-EOL" in finding.evidence


@pytest.mark.parametrize("version", ["8.4.0", "8.4.14", "9.1.1", None, "unknown"])
def test_current_or_unknown_pve_versions_pass(judge, cluster_with, version) -> None:
    assert judge("PXA-VN-003", cluster=cluster_with(nodes=[_node(pve_version=version)])) == []


def test_a_node_below_the_qemu_minimum_is_reported(judge, cluster_with) -> None:
    [finding] = judge("PXA-VN-004", cluster=cluster_with(nodes=[_node(qemu_version="9.0.2")]))
    assert finding.evidence.startswith("qemu/9.0.2 on pve2: PXA-ADV-QEMU-9.2")


@pytest.mark.parametrize("version", ["9.2.0", "10.1.2", None])
def test_current_or_unknown_qemu_versions_pass(judge, cluster_with, version) -> None:
    assert judge("PXA-VN-004", cluster=cluster_with(nodes=[_node(qemu_version=version)])) == []


def test_version_checks_judge_each_node(judge, cluster_with) -> None:
    nodes = [NodeView(name="a", pve_version="8.2.2"), NodeView(name="b", pve_version="8.3.0")]
    findings = judge("PXA-VN-003", cluster=cluster_with(nodes=nodes))
    assert [f.target for f in findings] == ["node/a", "node/b"]
