"""Security scans: a job over live guests, findings with evidence, scores, history, fixes."""

from __future__ import annotations

import pytest

from pxa.core.context import CallContext, ConfirmationRequest
from pxa.core.infra import Infra
from pxa.errors import ConfirmationRefused, Invalid

CLI = CallContext.of("cli")


async def scan(infra: Infra, **request: object):
    accepted = await infra.call("security.scan", request, CLI)
    job = await infra.jobs.wait(accepted.scan.job_id, timeout=120)
    assert job.status.value == "completed", job.error
    return await infra.call("security.scan.get", {"scan_id": accepted.scan.id}, CLI)


async def test_a_scan_returns_at_once_as_the_seed_shows(infra: Infra) -> None:
    accepted = await infra.call("security.scan", {"scan_type": "vulnerability"}, CLI)
    assert accepted.scan.status == "running" and accepted.scan.estimated_completion
    await infra.jobs.wait(accepted.scan.job_id, timeout=120)


async def test_configuration_scan_finds_misconfigurations_with_evidence(infra: Infra) -> None:
    result = await scan(infra, scan_type="configuration")
    assert result.scan.status == "completed"
    assert result.findings and all(f.evidence and f.remediation for f in result.findings)
    assert {f.severity for f in result.findings} >= {"high", "medium"}
    assert all(0 <= s.compliance_score <= 100 for s in result.scores)


async def test_targets_narrow_the_scan(infra: Infra) -> None:
    vm = (await infra.call("vm.list", {"type": "qemu", "limit": 1}, CLI)).vms[0]
    result = await scan(infra, targets=[vm.name])
    assert result.scan.targets == [vm.id]
    assert {s.target for s in result.scores} == {vm.id}


async def test_an_unknown_target_names_the_field(infra: Infra) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("security.scan", {"targets": ["no-such-vm"]}, CLI)
    assert err.value.field == "targets"


async def test_the_vm_detail_carries_the_latest_score(infra: Infra) -> None:
    result = await scan(infra, scan_type="compliance")
    target = result.scores[0]
    detail = await infra.call("vm.get", {"vm_id": target.target}, CLI)
    assert detail.security.compliance_score == target.compliance_score
    assert detail.security.last_security_scan is not None
    assert detail.security.vulnerabilities.model_dump() == target.vulnerabilities


async def test_scores_are_kept_as_history(infra: Infra) -> None:
    first = await scan(infra)
    await scan(infra)
    vm_id = first.scores[0].target
    history = await infra.call("security.history", {"vm_id": vm_id}, CLI)
    assert len(history.points) == 2


async def test_completion_is_published_for_webhooks(infra: Infra) -> None:
    seen: list[str] = []
    infra.bus.subscribe(lambda e: seen.append(e.data["scan"]["id"]), {"security.scan_completed"})
    result = await scan(infra)
    assert seen == [result.scan.id]


async def test_a_fix_goes_through_the_gate(infra: Infra) -> None:
    result = await scan(infra, scan_type="configuration")
    fixable = next(f for f in result.findings if f.fix and f.rule_id == "PXA-FW-001")
    asked: list[ConfirmationRequest] = []

    async def refuse(req: ConfirmationRequest) -> bool:
        asked.append(req)
        return False

    with pytest.raises(ConfirmationRefused):
        await infra.call(
            "security.fix", {"finding_id": fixable.id}, CallContext.of("chat", "s", confirm=refuse)
        )
    assert asked and asked[0].operation in ("security.fix", "vm.firewall.enable")

    async def accept(req: ConfirmationRequest) -> bool:
        return True

    await infra.call(
        "security.fix", {"finding_id": fixable.id}, CallContext.of("chat", "s", confirm=accept)
    )
    detail = await infra.call("vm.get", {"vm_id": fixable.target}, CLI)
    assert detail.security.firewall_enabled is True


async def test_scans_never_contact_a_guest_address(infra: Infra, monkeypatch) -> None:
    import socket

    real = socket.socket.connect

    def guard(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        assert host in ("127.0.0.1", "::1", "localhost"), f"scan tried to reach {host}"
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guard)
    await scan(infra, scan_type="vulnerability", scan_options={"deep_scan": True})


KIND_RULES = {
    "firewall_off": "PXA-FW-001",
    "nic_without_firewall": "PXA-FW-002",
    "policy_in_accept": "PXA-FW-003",
    "ssh_open_to_world": "PXA-FW-004",
    "rdp_open_to_world": "PXA-FW-005",
    "db_open_to_world": "PXA-FW-006",
    "cloudinit_password": "PXA-AC-001",
    "no_ssh_keys": "PXA-AC-002",
    "agent_off": "PXA-HY-001",
    "prod_without_protection": "PXA-HY-002",
    "weak_cpu_type": "PXA-HY-004",
    "old_snapshot": "PXA-BK-005",
    "eol_os": "PXA-VN-001",
}


async def test_a_compliance_scan_finds_every_seeded_misconfiguration(infra: Infra) -> None:
    from pxa.sandbox.lab_security import MISCONFIGURATIONS

    result = await scan(infra, scan_type="compliance", scan_options={"deep_scan": True})
    found = {(f.target_name, f.rule_id) for f in result.findings}
    missing = [
        (vm, kind)
        for vm, kinds in MISCONFIGURATIONS.items()
        for kind in kinds
        if (vm, KIND_RULES[kind]) not in found
    ]
    assert not missing


async def test_the_clean_vms_show_none_of_those_misconfigurations(infra: Infra) -> None:
    from pxa.sandbox.lab_security import CLEAN_VMS

    result = await scan(infra, scan_type="compliance", scan_options={"deep_scan": True})
    rules = set(KIND_RULES.values())
    dirty = [
        (f.target_name, f.rule_id, f.evidence)
        for f in result.findings
        if f.target_name in CLEAN_VMS and f.rule_id in rules
    ]
    assert not dirty


async def test_node_and_cluster_findings_come_from_the_api(infra: Infra) -> None:
    result = await scan(infra, scan_type="compliance", scan_options={"include_dependencies": True})
    by_rule = {(f.rule_id, f.target) for f in result.findings}
    assert ("PXA-CL-001", "cluster") in by_rule  # the datacenter firewall is off in the lab
    assert ("PXA-CL-002", "node/pve3") in by_rule
    assert ("PXA-VN-004", "node/pve3") in by_rule  # pve3's QEMU package lags
    assert ("PXA-AC-005", "token/root@pam!pxa") in by_rule
