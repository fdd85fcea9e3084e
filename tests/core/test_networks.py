"""Networks: SDN VLAN networks with subnet, DHCP and rules; node bridges; refusals."""

from __future__ import annotations

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid, NotFound

CLI = CallContext.of("cli")


def new(**over: object) -> dict:
    body: dict = {
        "name": "development-vlan",
        "type": "vlan",
        "vlan_id": 200,
        "subnet": "192.168.2.0/24",
        "gateway": "192.168.2.1",
        "dns_servers": ["8.8.8.8", "8.8.4.4"],
        "dhcp_enabled": False,
        "dhcp_range": None,
    }
    body.update(over)
    return body


async def test_lists_the_seeded_vlans_and_the_node_bridges(infra: Infra) -> None:
    nets = (await infra.call("network.list", {}, CLI)).networks
    vlans = [n for n in nets if n.type == "vlan"]
    assert len(vlans) >= 3 and all(n.vlan_id and n.subnet for n in vlans)
    bridges = [n for n in nets if n.type == "bridge"]
    assert {n.node for n in bridges} == {"pve1", "pve2", "pve3"}
    assert all(n.name == "vmbr0" or n.name.startswith("vmbr") for n in bridges)


async def test_a_network_knows_the_guests_plugged_into_it(infra: Infra) -> None:
    nets = (await infra.call("network.list", {}, CLI)).networks
    assert any(n.used_by for n in nets if n.type == "bridge")


async def test_create_applies_the_sdn_config_and_reads_back(infra: Infra) -> None:
    change = await infra.call("network.create", new(), CLI)
    assert change.network.status in ("pending", "applied")  # PVE commits as the apply starts
    job = await infra.jobs.wait(change.job_id, timeout=30)
    assert job.status.value == "completed", job.error
    net = await infra.call("network.get", {"network_id": "development-vlan"}, CLI)
    assert (net.id, net.vlan_id, net.subnet, net.gateway) == (
        "net-vlan200",
        200,
        "192.168.2.0/24",
        "192.168.2.1",
    )
    assert net.status == "applied"
    assert net.dns_servers == ["8.8.8.8", "8.8.4.4"]


async def test_dhcp_in_a_vlan_zone_is_refused_with_the_reason(infra: Infra) -> None:
    body = new(dhcp_enabled=True, dhcp_range={"start": "192.168.2.100", "end": "192.168.2.200"})
    with pytest.raises(Invalid, match="only in Simple zones") as err:
        await infra.call("network.create", body, CLI)
    assert err.value.field == "dhcp_enabled"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"vlan_id": 0}, "vlan_id"),
        ({"vlan_id": 4095}, "vlan_id"),
        ({"gateway": "10.0.0.1"}, "gateway"),
        ({"dhcp_range": {"start": "192.168.3.10", "end": "192.168.3.20"}}, "dhcp_range"),
        ({"dhcp_range": {"start": "192.168.2.1", "end": "192.168.2.20"}}, "dhcp_range"),
        ({"dhcp_range": {"start": "192.168.2.50", "end": "192.168.2.20"}}, "dhcp_range"),
        ({"dhcp_enabled": True}, "dhcp_range"),
        ({"subnet": "192.168.2.7/24"}, "subnet"),
    ],
)
async def test_refuses_what_pve_would_refuse_naming_the_field(
    infra: Infra, over: dict, field: str
) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("network.create", new(**over), CLI)
    assert err.value.field == field


async def test_a_duplicate_vlan_in_the_zone_is_a_conflict(infra: Infra) -> None:
    taken = next(n for n in (await infra.call("network.list", {}, CLI)).networks if n.vlan_id)
    with pytest.raises(Conflict, match=f"VLAN {taken.vlan_id}") as err:
        await infra.call("network.create", new(vlan_id=taken.vlan_id), CLI)
    assert err.value.details["field"] == "vlan_id"


async def test_a_duplicate_name_is_a_conflict(infra: Infra) -> None:
    taken = next(n for n in (await infra.call("network.list", {}, CLI)).networks if n.vlan_id)
    with pytest.raises(Conflict, match="already exists"):
        await infra.call(
            "network.create",
            new(
                name=taken.name,
                vlan_id=300,
                subnet="192.168.30.0/24",
                gateway=None,
                dhcp_enabled=False,
                dhcp_range=None,
            ),
            CLI,
        )


async def test_deleting_a_network_in_use_is_refused(infra: Infra) -> None:
    nets = (await infra.call("network.list", {"include_bridges": False}, CLI)).networks
    used = [n for n in nets if n.used_by]
    if not used:
        pytest.skip("no guest of this lab is plugged into an SDN vnet")
    with pytest.raises(Conflict, match="still used by"):
        await infra.call("network.delete", {"network_id": used[0].id}, CLI)


async def test_an_unused_network_is_deleted_and_applied(infra: Infra) -> None:
    change = await infra.call("network.create", new(), CLI)
    await infra.jobs.wait(change.job_id, timeout=30)
    gone = await infra.call("network.delete", {"network_id": "net-vlan200"}, CLI)
    assert (await infra.jobs.wait(gone.job_id, timeout=30)).status.value == "completed"
    with pytest.raises(NotFound):
        await infra.call("network.get", {"network_id": "net-vlan200"}, CLI)


async def test_bridges_are_read_only(infra: Infra) -> None:
    with pytest.raises(Invalid, match="read-only"):
        await infra.call("network.delete", {"network_id": "bridge-pve1-vmbr0"}, CLI)


async def test_rules_are_added_first_and_enabled(infra: Infra) -> None:
    change = await infra.call("network.create", new(), CLI)
    await infra.jobs.wait(change.job_id, timeout=30)
    await infra.call(
        "network.rule.add",
        {
            "network_id": "net-vlan200",
            "action": "allow",
            "protocol": "tcp",
            "port": 22,
            "source": "192.168.0.0/16",
        },
        CLI,
    )
    rules = (
        await infra.call(
            "network.rule.add",
            {"network_id": "net-vlan200", "action": "deny", "protocol": "tcp", "port": "80,443"},
            CLI,
        )
    ).rules
    assert [(r.position, r.action, r.port) for r in rules] == [
        (0, "deny", "80,443"),
        (1, "allow", "22"),
    ]
    assert rules[1].source == "192.168.0.0/16" and all(r.enabled for r in rules)
    left = (
        await infra.call(
            "network.rule.delete", {"network_id": "net-vlan200", "rule_id": "rule-0"}, CLI
        )
    ).rules
    assert [r.action for r in left] == ["allow"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"port": 70000}, "port"),
        ({"port": "ssh;rm"}, "port"),
        ({"source": "300.1.1.1/8"}, "source"),
        ({"action": "maybe"}, "action"),
        ({"protocol": "icmp", "port": 22}, "protocol"),
    ],
)
async def test_rule_validation_names_the_field(infra: Infra, over: dict, field: str) -> None:
    nets = (await infra.call("network.list", {"include_bridges": False}, CLI)).networks
    body = {"network_id": nets[0].id, "action": "allow", "protocol": "tcp", **over}
    with pytest.raises(Invalid) as err:
        await infra.call("network.rule.add", body, CLI)
    assert err.value.field == field
