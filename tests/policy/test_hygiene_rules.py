"""PXA-HY-001..004: guest agent, deletion protection, flat networks, CPU mitigations."""

from __future__ import annotations

import pytest

from pxa.policy.view import NicView

FLAT = "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0"


def test_a_vm_with_the_guest_agent_off_is_reported_with_a_fix(judge, guest_with) -> None:
    [finding] = judge("PXA-HY-001", guest_with(agent_enabled=False))
    assert finding.evidence == "agent: 0"
    assert finding.fix is not None
    assert (finding.fix.operation, finding.fix.arguments) == ("vm.agent.enable", {"vm_id": "101"})


def test_a_container_has_no_guest_agent_to_turn_on(judge, guest_with) -> None:
    assert judge("PXA-HY-001", guest_with(kind="lxc", agent_enabled=False)) == []


def test_a_vm_with_the_agent_on_passes(judge, guest) -> None:
    assert judge("PXA-HY-001", guest) == []


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"environment": "production"}, "environment=production"),
        ({"environment": None, "tags": ["prod", "web"]}, "tags=prod"),
    ],
)
def test_an_unprotected_production_guest_is_reported_with_a_fix(
    judge, guest_with, changes, label
) -> None:
    [finding] = judge("PXA-HY-002", guest_with(protection=False, **changes))
    assert finding.evidence == f"protection: 0 ({label})"
    assert finding.fix is not None
    assert finding.fix.operation == "vm.protection.enable"


def test_an_unprotected_test_guest_passes(judge, guest_with) -> None:
    assert judge("PXA-HY-002", guest_with(protection=False, environment="test")) == []


def test_a_production_guest_on_an_untagged_bridge_without_nic_firewall_is_reported(
    judge, guest_with
) -> None:
    nics = [NicView(id="net0", bridge="vmbr0", firewall=False, evidence=FLAT)]
    [finding] = judge("PXA-HY-003", guest_with(nics=nics))
    assert finding.evidence == FLAT


def test_a_vlan_tag_keeps_a_production_guest_off_the_flat_network(judge, guest_with) -> None:
    nics = [NicView(id="net0", bridge="vmbr0", vlan_id=30, firewall=False)]
    assert judge("PXA-HY-003", guest_with(nics=nics)) == []


def test_a_filtered_nic_keeps_a_production_guest_off_the_flat_network(judge, guest_with) -> None:
    nics = [NicView(id="net0", bridge="vmbr0", firewall=True)]
    assert judge("PXA-HY-003", guest_with(nics=nics)) == []


def test_a_flat_network_outside_production_is_not_reported(judge, guest_with) -> None:
    nics = [NicView(id="net0", bridge="vmbr0", firewall=False)]
    assert judge("PXA-HY-003", guest_with(nics=nics, environment="dev")) == []


@pytest.mark.parametrize(
    ("cpu", "flags", "evidence"),
    [
        ("kvm64", [], "cpu: kvm64"),
        ("qemu64", ["+pcid"], "cpu: qemu64,flags=+pcid"),
        ("kvm64", ["+spec-ctrl"], "cpu: kvm64,flags=+spec-ctrl"),
    ],
)
def test_a_generic_cpu_without_mitigation_flags_is_reported(
    judge, guest_with, cpu, flags, evidence
) -> None:
    [finding] = judge("PXA-HY-004", guest_with(cpu_type=cpu, cpu_flags=flags))
    assert finding.evidence == evidence


@pytest.mark.parametrize(
    ("cpu", "flags"),
    [
        ("host", []),
        ("x86-64-v2-AES", []),
        ("kvm64", ["+spec-ctrl", "+md-clear"]),
        ("kvm64", ["+ibpb", "+virt-ssbd"]),
    ],
)
def test_host_named_models_and_mitigated_generic_cpus_pass(judge, guest_with, cpu, flags) -> None:
    assert judge("PXA-HY-004", guest_with(cpu_type=cpu, cpu_flags=flags)) == []


def test_an_unknown_cpu_type_is_not_reported(judge, guest_with) -> None:
    assert judge("PXA-HY-004", guest_with(cpu_type=None)) == []
