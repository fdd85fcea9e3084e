"""vm.get: the seed's detail shape filled from config, status, snapshots and firewall."""

from __future__ import annotations

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid, NotFound

CLI = CallContext.of("cli")


async def first(infra: Infra, **query: object) -> str:
    result = await infra.call("vm.list", {"limit": 200, **query}, CLI)
    assert result.vms, query
    return result.vms[0].id


async def test_detail_has_configuration_disks_and_nics(infra: Infra) -> None:
    vm_id = await first(infra, status="running", type="qemu")
    d = await infra.call("vm.get", {"vm_id": vm_id}, CLI)
    assert d.id == vm_id
    assert d.configuration.cpu_cores and d.configuration.memory_mb
    assert any(disk.size_gb for disk in d.configuration.storage)
    nic = d.configuration.network[0]
    assert nic.mac_address and nic.mac_address.startswith("BC:24:11")
    assert d.performance.uptime_seconds is not None
    assert d.security.firewall_enabled is not None


async def test_unknowable_fields_are_null_not_invented(infra: Infra) -> None:
    d = await infra.call("vm.get", {"vm_id": await first(infra, status="stopped")}, CLI)
    assert d.performance.cpu_usage_percent is None
    assert d.security.compliance_score is None
    assert d.backup.last_backup is None


async def test_a_vm_is_found_by_vmid_or_unique_name(infra: Infra) -> None:
    listed = (await infra.call("vm.list", {"limit": 1}, CLI)).vms[0]
    by_vmid = await infra.call("vm.get", {"vm_id": str(listed.vmid)}, CLI)
    by_name = await infra.call("vm.get", {"vm_id": listed.name}, CLI)
    assert by_vmid.id == by_name.id == listed.id


async def test_unknown_vm_is_not_found_with_a_suggestion(infra: Infra) -> None:
    listed = (await infra.call("vm.list", {"limit": 1}, CLI)).vms[0]
    with pytest.raises(NotFound) as err:
        await infra.call("vm.get", {"vm_id": listed.name + "x"}, CLI)
    assert "did you mean" in err.value.message


async def test_vlan_tag_and_nic_firewall_are_read_back(infra: Infra) -> None:
    vms = (await infra.call("vm.list", {"limit": 200, "type": "qemu"}, CLI)).vms
    details = [await infra.call("vm.get", {"vm_id": vm.id}, CLI) for vm in vms[:12]]
    nics = [n for d in details for n in d.configuration.network]
    assert any(n.vlan_id for n in nics), "the lab tags some NICs with a VLAN"
    assert any(n.firewall for n in nics) and any(not n.firewall for n in nics)


async def test_empty_reference_is_a_validation_error(infra: Infra) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("vm.get", {"vm_id": ""}, CLI)
    assert err.value.field == "vm_id"
