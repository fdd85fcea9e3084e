"""PXA-FW-001..003: the guest firewall is on, filters every NIC and drops by default."""

from __future__ import annotations

from pxa.policy.view import NicView

NET1 = "net1: virtio=BC:24:11:00:00:02,bridge=vmbr1"


def test_a_disabled_vm_firewall_is_reported_with_its_option_line(judge, guest_with) -> None:
    [finding] = judge("PXA-FW-001", guest_with(firewall__enabled=False))
    assert finding.evidence == "firewall/options: enable=0"
    assert (finding.target, finding.target_name) == ("101", "web-01")


def test_a_disabled_vm_firewall_comes_with_a_fix_that_drops_inbound(judge, guest_with) -> None:
    [finding] = judge("PXA-FW-001", guest_with(firewall__enabled=False))
    assert finding.fix is not None
    assert finding.fix.operation == "vm.firewall.enable"
    assert finding.fix.arguments == {"vm_id": "101", "policy_in": "DROP"}


def test_an_enabled_vm_firewall_passes(judge, guest) -> None:
    assert judge("PXA-FW-001", guest) == []


def test_a_nic_without_the_firewall_flag_is_reported_with_its_config_line(
    judge, guest_with
) -> None:
    nics = [
        NicView(id="net0", bridge="vmbr0", vlan_id=20, firewall=True),
        NicView(id="net1", bridge="vmbr1", firewall=False, evidence=NET1),
    ]
    [finding] = judge("PXA-FW-002", guest_with(nics=nics))
    assert finding.evidence == NET1


def test_each_unfiltered_nic_is_its_own_finding_with_its_own_fix(judge, guest_with) -> None:
    nics = [NicView(id=f"net{i}", bridge="vmbr0", firewall=False) for i in range(2)]
    findings = judge("PXA-FW-002", guest_with(nics=nics))
    assert [f.fix.arguments for f in findings if f.fix] == [
        {"vm_id": "101", "nic": "net0"},
        {"vm_id": "101", "nic": "net1"},
    ]


def test_a_nic_line_is_composed_when_the_view_has_none(judge, guest_with) -> None:
    nics = [NicView(id="net0", bridge="vmbr0", firewall=False)]
    [finding] = judge("PXA-FW-002", guest_with(nics=nics))
    assert finding.evidence == "net0: bridge=vmbr0,firewall=0"


def test_a_nic_whose_flag_is_unknown_is_not_reported(judge, guest_with) -> None:
    assert judge("PXA-FW-002", guest_with(nics=[NicView(id="net0", bridge="vmbr0")])) == []


def test_an_accept_inbound_policy_is_reported(judge, guest_with) -> None:
    [finding] = judge("PXA-FW-003", guest_with(firewall__policy_in="ACCEPT"))
    assert finding.evidence == "firewall/options: policy_in=ACCEPT"
    assert finding.fix is None


def test_a_drop_inbound_policy_passes(judge, guest) -> None:
    assert judge("PXA-FW-003", guest) == []


def test_an_accept_policy_is_left_to_the_firewall_off_finding_when_the_firewall_is_off(
    judge, guest_with
) -> None:
    off = guest_with(firewall__enabled=False, firewall__policy_in="ACCEPT")
    assert judge("PXA-FW-003", off) == []


def test_a_spec_gets_findings_but_no_fix(judge, guest_with) -> None:
    [finding] = judge("PXA-FW-001", guest_with(source="spec", firewall__enabled=False))
    assert finding.fix is None
