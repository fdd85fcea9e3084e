"""SDN zones, vnets and subnets: the lab's networks, pending changes, apply."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox import paths
from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import token_client, wait_task

LAB_VNETS = {"prod": 10, "backend": 20, "stage": 30, "dev": 40, "k8s": 50, "svc": 100}


def serve(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[SandboxServer]:
    """A sandbox shared by a module's tests that leave the world as they found it."""
    state = tmp_path_factory.mktemp("shared")
    shutil.copytree(tls_dir, state / paths.TLS_DIR)
    srv = SandboxServer(state, speed=50)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[SandboxServer]:
    yield from serve(tmp_path_factory, tls_dir)


@pytest.fixture(scope="module")
def lab_info(lab: SandboxServer) -> SandboxInfo:
    assert lab.info is not None
    return lab.info


@pytest.fixture(scope="module")
def lab_pve(lab_info: SandboxInfo) -> ProxmoxAPI:
    return token_client(lab_info)


def raw(info: SandboxInfo, method: str, path: str, **data: Any) -> requests.Response:
    """A call whose whole error text we want: proxmoxer keeps only the first line."""
    return requests.request(
        method,
        f"{info.url}/api2/json{path}",
        data=data,
        verify=info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
        timeout=10,
    )


def refusal(resp: requests.Response) -> tuple[int, str]:
    return resp.status_code, resp.json()["message"].rstrip("\n")


def _vnet(pve: ProxmoxAPI, name: str = "web", tag: int = 60) -> None:
    pve.cluster.sdn.vnets.post(vnet=name, zone="lab", tag=tag)


# --- the lab ------------------------------------------------------------------------------


def test_lab_has_an_applied_vlan_zone_on_vmbr0(lab_pve: ProxmoxAPI) -> None:
    zone = lab_pve.cluster.sdn.zones("lab").get(running=1)
    assert (zone["type"], zone["bridge"]) == ("vlan", "vmbr0")


def test_lab_vnets_carry_the_vlan_tags_its_vms_use(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    vnets = {v["vnet"]: v["tag"] for v in pve.cluster.sdn.vnets.get()}
    assert vnets == LAB_VNETS
    assert sandbox.world is not None
    used = {
        int(value.split(",tag=")[1].split(",")[0])
        for g in sandbox.world.guests.values()
        for key, value in g.config.items()
        if key.startswith("net") and ",tag=" in str(value)
    }
    assert used == set(LAB_VNETS.values())


def test_prod_subnet_has_its_gateway_and_dhcp_range(lab_pve: ProxmoxAPI) -> None:
    subnet = lab_pve.cluster.sdn.vnets("prod").subnets("lab-192.168.10.0-24").get()
    assert (subnet["cidr"], subnet["gateway"]) == ("192.168.10.0/24", "192.168.10.1")
    assert subnet["dhcp-range"] == [
        {"start-address": "192.168.10.100", "end-address": "192.168.10.200"}
    ]


def test_applied_zones_show_in_cluster_resources(lab_pve: ProxmoxAPI) -> None:
    rows = [r for r in lab_pve.cluster.resources.get(type="sdn") if r["type"] == "sdn"]
    assert {(r["sdn"], r["node"], r["status"]) for r in rows} == {
        ("lab", node, "available") for node in ("pve1", "pve2", "pve3")
    }


def test_zones_can_be_listed_by_type(pve: ProxmoxAPI) -> None:
    pve.cluster.sdn.zones.post(zone="edge", type="simple")
    assert [z["zone"] for z in pve.cluster.sdn.zones.get(type="simple")] == ["edge"]


def test_auditor_may_read_but_not_create_zones(pve_readonly: ProxmoxAPI) -> None:
    assert [z["zone"] for z in pve_readonly.cluster.sdn.zones.get()] == ["lab"]
    with pytest.raises(ResourceException) as err:
        pve_readonly.cluster.sdn.zones.post(zone="edge", type="simple")
    assert err.value.status_code == 403


# --- pending and apply --------------------------------------------------------------------


def test_new_zone_is_pending_until_applied(pve: ProxmoxAPI) -> None:
    pve.cluster.sdn.zones.post(zone="edge", type="simple")
    pending = {z["zone"]: z for z in pve.cluster.sdn.zones.get(pending=1)}
    assert pending["edge"]["state"] == "new"
    assert "edge" not in {z["zone"] for z in pve.cluster.sdn.zones.get(running=1)}


def test_apply_makes_the_pending_config_running(pve: ProxmoxAPI) -> None:
    pve.cluster.sdn.zones.post(zone="edge", type="simple")
    wait_task(pve, pve.cluster.sdn.put())
    assert "edge" in {z["zone"] for z in pve.cluster.sdn.zones.get(running=1)}
    assert "state" not in pve.cluster.sdn.zones("edge").get(pending=1)


def test_apply_is_a_reloadnetworkall_task_that_reloads_every_node(pve: ProxmoxAPI) -> None:
    upid = pve.cluster.sdn.put()
    assert upid.split(":")[5] == "reloadnetworkall"
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    lines = [row["t"] for row in pve.nodes(upid.split(":")[1]).tasks(upid).log.get()]
    assert lines == [f"{n}: reloading network config" for n in ("pve1", "pve2", "pve3")] + [
        "TASK OK"
    ]


def test_changed_vnet_shows_the_new_value_under_pending(pve: ProxmoxAPI) -> None:
    pve.cluster.sdn.vnets("prod").put(alias="Production web")
    vnet = pve.cluster.sdn.vnets("prod").get(pending=1)
    assert (vnet["state"], vnet["alias"], vnet["pending"]) == (
        "changed",
        "Production",
        {"alias": "Production web"},
    )


def test_deleted_vnet_reads_as_deleted_until_applied(pve: ProxmoxAPI) -> None:
    _vnet(pve)
    wait_task(pve, pve.cluster.sdn.put())
    pve.cluster.sdn.vnets("web").delete()
    vnets = {v["vnet"]: v for v in pve.cluster.sdn.vnets.get(pending=1)}
    assert vnets["web"]["state"] == "deleted"


def test_sdn_changes_survive_a_restart(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox()
    assert srv.info is not None
    _vnet(token_client(srv.info))
    srv.stop()
    srv = make_sandbox(srv.state_dir)
    assert srv.info is not None
    assert token_client(srv.info).cluster.sdn.vnets("web").get(pending=1)["state"] == "new"


# --- zones refused -----------------------------------------------------------------------


def test_zone_name_must_start_with_a_letter(lab_pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab_pve.cluster.sdn.zones.post(zone="9lab", type="simple")
    assert err.value.errors == {
        "zone": "invalid format - zone ID '9lab' contains illegal characters"
    }


def test_zone_name_longer_than_eight_characters_is_refused(lab_pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab_pve.cluster.sdn.zones.post(zone="datacenter", type="simple")
    assert err.value.errors == {
        "zone": "invalid format - zone ID 'datacenter' can't be more length than 8 characters"
    }


def test_vlan_zone_without_a_bridge_is_refused(lab_pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab_pve.cluster.sdn.zones.post(zone="edge", type="vlan")
    assert (err.value.status_code, err.value.content) == (
        500,
        "missing value for required option 'bridge'",
    )


def test_vlan_zone_on_an_unknown_bridge_is_refused(lab_info: SandboxInfo) -> None:
    resp = raw(lab_info, "POST", "/cluster/sdn/zones", zone="edge", type="vlan", bridge="vmbr9")
    assert refusal(resp) == (
        500,
        "create sdn zone object failed: can't find bridge vmbr9 on node pve1",
    )


def test_vlan_zone_takes_no_dhcp(lab_pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        lab_pve.cluster.sdn.zones.post(zone="edge", type="vlan", bridge="vmbr0", dhcp="dnsmasq")
    assert err.value.content == "unexpected property 'dhcp'"


def test_zone_with_vnets_cannot_be_deleted(lab_info: SandboxInfo) -> None:
    assert refusal(raw(lab_info, "DELETE", "/cluster/sdn/zones/lab")) == (
        500,
        "delete sdn zone object failed: zone lab is used by vnet backend at "
        "/usr/share/perl5/PVE/Network/SDN/Zones/Plugin.pm line 139.",
    )


# --- vnets refused -----------------------------------------------------------------------


def test_vnet_in_a_vlan_zone_needs_a_tag(lab_info: SandboxInfo) -> None:
    resp = raw(lab_info, "POST", "/cluster/sdn/vnets", vnet="web", zone="lab")
    assert refusal(resp) == (
        500,
        "create sdn vnet object failed: 400 Parameter verification failed.\ntag: missing vlan tag",
    )


def test_vnet_tag_above_4096_is_refused(lab_info: SandboxInfo) -> None:
    resp = raw(lab_info, "POST", "/cluster/sdn/vnets", vnet="web", zone="lab", tag=5000)
    assert refusal(resp)[1].endswith("\ntag: vlan tag max value is 4096")


def test_vnet_tag_below_one_is_refused(lab_pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        _vnet(lab_pve, tag=0)
    assert err.value.errors == {"tag": "value must have a minimum value of 1"}


def test_duplicate_tag_in_a_zone_is_refused(lab_info: SandboxInfo) -> None:
    resp = raw(lab_info, "POST", "/cluster/sdn/vnets", vnet="web", zone="lab", tag=10)
    assert refusal(resp)[1].endswith("\ntag: tag 10 already exist in vnet prod")


def test_vnet_in_an_unknown_zone_is_refused(lab_info: SandboxInfo) -> None:
    resp = raw(lab_info, "POST", "/cluster/sdn/vnets", vnet="web", zone="nowhere", tag=60)
    assert refusal(resp) == (
        500,
        "create sdn vnet object failed: sdn zone 'nowhere' does not exist",
    )


def test_vnet_with_subnets_cannot_be_deleted(lab_info: SandboxInfo) -> None:
    assert refusal(raw(lab_info, "DELETE", "/cluster/sdn/vnets/prod")) == (
        500,
        "delete sdn vnet object failed: 400 Parameter verification failed.\n"
        "vnet: Can't delete vnet if subnets exists",
    )


def test_vnet_used_by_a_vm_nic_cannot_be_deleted(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    _vnet(pve)
    wait_task(pve, pve.nodes("pve1").qemu.post(vmid=800, net0="virtio,bridge=web"))
    assert refusal(raw(info, "DELETE", "/cluster/sdn/vnets/web")) == (
        500,
        "delete sdn vnet object failed: vnet web is used by VM 800 (net0)",
    )
