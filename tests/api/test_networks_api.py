"""/v1/networks: SDN VLANs and node bridges, their firewall rules, the seed's shapes and codes."""

from __future__ import annotations

import httpx
import pytest
from support import error, wait_job


@pytest.fixture
def development_vlan() -> dict:
    """The seed's "Create Network" request body."""
    return {
        "name": "development-vlan",
        "type": "vlan",
        "vlan_id": 200,
        "subnet": "192.168.2.0/24",
        "gateway": "192.168.2.1",
        "dns_servers": ["8.8.8.8", "8.8.4.4"],
        "dhcp_enabled": True,
        "dhcp_range": {"start": "192.168.2.100", "end": "192.168.2.200"},
    }


@pytest.fixture
def ssh_rule() -> dict:
    """The rule the seed's network listing shows."""
    return {"action": "allow", "protocol": "tcp", "port": 22, "source": "192.168.0.0/16"}


def test_list_has_vlans_with_subnets_and_rules_and_node_bridges(http: httpx.Client) -> None:
    r = http.get("/networks")
    assert r.status_code == 200
    nets = r.json()["data"]["networks"]
    vlans = [n for n in nets if n["type"] == "vlan"]
    assert vlans and all(n["vlan_id"] and n["subnet"] for n in vlans)
    assert any(n["firewall_rules"] for n in vlans)
    assert {"id", "name", "gateway", "dns_servers", "dhcp_enabled", "created_at"} <= set(vlans[0])
    assert any(n["type"] == "bridge" for n in nets)


def test_list_filters_by_type(http: httpx.Client) -> None:
    nets = http.get("/networks", params={"type": "bridge"}).json()["data"]["networks"]
    assert nets and {n["type"] for n in nets} == {"bridge"}


def test_get_returns_the_network(http: httpx.Client) -> None:
    r = http.get("/networks/net-prod")
    assert r.status_code == 200
    assert r.json()["data"]["network"]["id"] == "net-prod"


def test_unknown_network_is_404(http: httpx.Client) -> None:
    r = http.get("/networks/net-nowhere")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


@pytest.fixture
def without_dhcp(development_vlan: dict) -> dict:
    """The seed's body for a VLAN zone, where PVE's SDN hands out no DHCP leases."""
    return {**development_vlan, "dhcp_enabled": False, "dhcp_range": None}


def test_create_returns_201_with_the_network_and_an_apply_job(
    http: httpx.Client, without_dhcp: dict
) -> None:
    r = http.post("/networks", json=without_dhcp)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["network"]["name"] == "development-vlan"
    assert data["network"]["vlan_id"] == 200
    assert wait_job(http, data["job_id"])["status"] == "completed"
    net = http.get("/networks/development-vlan").json()["data"]["network"]
    assert (net["status"], net["subnet"], net["gateway"]) == (
        "applied",
        "192.168.2.0/24",
        "192.168.2.1",
    )
    assert net["dns_servers"] == ["8.8.8.8", "8.8.4.4"]


def test_dhcp_in_a_vlan_zone_is_422_naming_dhcp_enabled(
    http: httpx.Client, development_vlan: dict
) -> None:
    r = http.post("/networks", json=development_vlan)
    assert r.status_code == 422
    assert error(r)["code"] == "VALIDATION_ERROR"
    assert error(r)["details"]["field"] == "dhcp_enabled"


def test_create_with_a_gateway_outside_the_subnet_is_422_naming_gateway(
    http: httpx.Client, development_vlan: dict
) -> None:
    r = http.post("/networks", json={**development_vlan, "gateway": "10.0.0.1"})
    assert r.status_code == 422
    assert error(r)["code"] == "VALIDATION_ERROR" and error(r)["details"]["field"] == "gateway"


def test_create_with_a_malformed_subnet_is_422_naming_subnet(
    http: httpx.Client, development_vlan: dict
) -> None:
    r = http.post("/networks", json={**development_vlan, "subnet": "192.168.2.7/24"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "subnet"


def test_create_with_a_vlan_in_use_is_409(http: httpx.Client, development_vlan: dict) -> None:
    taken = http.get("/networks/net-prod").json()["data"]["network"]["vlan_id"]
    r = http.post(
        "/networks",
        json={**development_vlan, "vlan_id": taken, "dhcp_enabled": False, "dhcp_range": None},
    )
    assert r.status_code == 409
    assert error(r)["code"] == "RESOURCE_CONFLICT" and error(r)["details"]["field"] == "vlan_id"


def test_update_returns_the_changed_network_and_an_apply_job(http: httpx.Client) -> None:
    r = http.put("/networks/net-dev", json={"name": "dev-renamed"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["network"]["name"] == "dev-renamed" and data["job_id"]


def test_update_with_an_unknown_field_is_422(http: httpx.Client) -> None:
    r = http.put("/networks/net-dev", json={"vlan_id": 41})
    assert r.status_code == 422 and error(r)["details"]["field"] == "vlan_id"


def test_delete_returns_202_with_a_job_and_the_network_goes(
    http: httpx.Client, without_dhcp: dict
) -> None:
    made = http.post("/networks", json=without_dhcp).json()["data"]
    wait_job(http, made["job_id"])
    r = http.delete(f"/networks/{made['network']['id']}")
    assert r.status_code == 202
    assert wait_job(http, r.json()["data"]["job"]["job_id"])["status"] == "completed"
    assert http.get(f"/networks/{made['network']['id']}").status_code == 404


def test_a_node_bridge_cannot_be_deleted(http: httpx.Client) -> None:
    r = http.delete("/networks/bridge-pve1-vmbr0")
    assert r.status_code == 422 and error(r)["details"]["field"] == "network_id"


def test_rules_are_listed(http: httpx.Client) -> None:
    r = http.get("/networks/net-prod/firewall-rules")
    assert r.status_code == 200
    rules = r.json()["data"]["rules"]
    assert rules and {"id", "action", "protocol", "port", "source"} <= set(rules[0])


def test_adding_a_rule_returns_201_with_the_rule_first(http: httpx.Client, ssh_rule: dict) -> None:
    r = http.post("/networks/net-dev/firewall-rules", json=ssh_rule)
    assert r.status_code == 201, r.text
    first = r.json()["data"]["rules"][0]
    assert (first["id"], first["action"], first["port"], first["source"]) == (
        "rule-0",
        "allow",
        "22",
        "192.168.0.0/16",
    )


def test_a_port_without_tcp_or_udp_is_422_naming_protocol(
    http: httpx.Client, ssh_rule: dict
) -> None:
    r = http.post("/networks/net-dev/firewall-rules", json={**ssh_rule, "protocol": "icmp"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "protocol"


def test_deleting_a_rule_returns_the_rules_left(http: httpx.Client) -> None:
    before = http.get("/networks/net-prod/firewall-rules").json()["data"]["rules"]
    r = http.delete("/networks/net-prod/firewall-rules/rule-0")
    assert r.status_code == 200
    assert len(r.json()["data"]["rules"]) == len(before) - 1


def test_deleting_an_unknown_rule_is_404(http: httpx.Client) -> None:
    r = http.delete("/networks/net-prod/firewall-rules/rule-99")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"
