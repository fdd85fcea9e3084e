"""A node's network interfaces: the lab's bridges and NICs, filters, pending edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import token_client, wait_task
from .test_sdn import serve


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[ProxmoxAPI]:
    """Shared by the tests that only read, or are refused."""
    for srv in serve(tmp_path_factory, tls_dir):
        assert srv.info is not None
        yield token_client(srv.info)


def _ifaces(pve: ProxmoxAPI, node: str = "pve1", **params: str) -> dict[str, dict[str, object]]:
    return {i["iface"]: i for i in pve.nodes(node).network.get(**params)}


def test_node_lists_its_bridge_and_nics(lab: ProxmoxAPI) -> None:
    ifaces = _ifaces(lab, "pve3")
    assert {name: i["type"] for name, i in ifaces.items()} == {
        "eno1": "eth",
        "eno2": "eth",
        "vmbr0": "bridge",
    }


def test_vmbr0_carries_the_node_address_and_gateway(lab: ProxmoxAPI) -> None:
    vmbr0 = lab.nodes("pve2").network("vmbr0").get()
    assert (vmbr0["cidr"], vmbr0["gateway"], vmbr0["bridge_ports"]) == (
        "192.168.1.12/24",
        "192.168.1.1",
        "eno1",
    )
    assert (vmbr0["autostart"], vmbr0["active"], vmbr0["bridge_vlan_aware"]) == (1, 1, 1)


def test_first_two_nodes_have_a_storage_bridge(lab: ProxmoxAPI) -> None:
    has_vmbr1 = {node: "vmbr1" in _ifaces(lab, node) for node in ("pve1", "pve2", "pve3")}
    assert has_vmbr1 == {"pve1": True, "pve2": True, "pve3": False}


def test_type_filter_lists_only_that_type(lab: ProxmoxAPI) -> None:
    assert set(_ifaces(lab, type="eth")) == {"eno1", "eno2"}


def test_any_bridge_adds_the_applied_vnets(lab: ProxmoxAPI) -> None:
    ifaces = _ifaces(lab, type="any_bridge")
    assert {"vmbr0", "vmbr1", "prod", "dev"} <= set(ifaces)
    assert ifaces["prod"]["type"] == "vnet"


def test_unknown_interface_is_refused(lab: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab.nodes("pve1").network("vmbr7").get()
    assert err.value.errors == {"iface": "interface does not exist"}


def test_new_bridge_is_pending_until_the_node_reloads(pve: ProxmoxAPI) -> None:
    pve.nodes("pve3").network.post(iface="vmbr1", type="bridge", bridge_ports="eno2", autostart=1)
    assert "active" not in _ifaces(pve, "pve3")["vmbr1"]
    upid = pve.nodes("pve3").network.put()
    assert (upid.split(":")[5], wait_task(pve, upid)["exitstatus"]) == ("srvreload", "OK")
    assert _ifaces(pve, "pve3")["vmbr1"]["active"] == 1


def test_pending_changes_come_with_a_diff(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    pve.nodes("pve3").network.post(iface="vmbr1", type="bridge")
    resp = requests.get(
        f"{info.url}/api2/json/nodes/pve3/network",
        verify=info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
        timeout=10,
    )
    assert "+iface vmbr1 inet manual" in resp.json()["changes"]


def test_revert_drops_pending_changes(pve: ProxmoxAPI) -> None:
    pve.nodes("pve3").network.post(iface="vmbr1", type="bridge")
    pve.nodes("pve3").network.delete()
    assert "vmbr1" not in _ifaces(pve, "pve3")


def test_second_default_gateway_is_refused(lab: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab.nodes("pve1").network.post(
            iface="vmbr2", type="bridge", cidr="10.20.0.2/24", gateway="10.20.0.1"
        )
    assert err.value.errors == {"gateway": "Default gateway already exists on interface 'vmbr0'."}


def test_existing_interface_cannot_be_created_again(lab: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab.nodes("pve1").network.post(iface="vmbr0", type="bridge")
    assert err.value.errors == {"iface": "interface already exists"}


def test_offline_node_network_is_unreachable(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox(offline_nodes={"pve3"})
    assert srv.info is not None
    with pytest.raises(ResourceException) as err:
        token_client(srv.info).nodes("pve3").network.get()
    assert err.value.status_code == 595
