"""Guest agent answers and containers."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from .helpers import find_vm


def test_agent_reports_interfaces_with_the_configured_address(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    vm = pve.nodes(node).qemu(vmid)
    ip = vm.config.get()["ipconfig0"].split(",")[0].removeprefix("ip=").split("/")[0]
    result = vm.agent("network-get-interfaces").get()["result"]
    addresses = {a["ip-address"] for i in result for a in i["ip-addresses"]}
    assert ip in addresses


def test_agent_reports_the_guest_os(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "monitoring-01")
    info = pve.nodes(node).qemu(vmid).agent("get-osinfo").get()["result"]
    assert info["id"] == "debian"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mail-01", "No QEMU guest agent configured"),
        ("backup-01", "VM {vmid} is not running"),
        ("ci-runner-02", "QEMU guest agent is not running"),
    ],
)
def test_agent_errors_follow_qemu_server(pve: ProxmoxAPI, name: str, message: str) -> None:
    node, vmid = find_vm(pve, name)
    vm = pve.nodes(node).qemu(vmid)
    with pytest.raises(ResourceException) as err:
        vm.agent("network-get-interfaces").get()
    assert err.value.content == message.format(vmid=vmid)


def test_containers_are_listed_per_node(pve: ProxmoxAPI) -> None:
    names = {c["name"] for n in ("pve1", "pve2", "pve3") for c in pve.nodes(n).lxc.get()}
    assert names == {"dns-01", "proxy-01", "pihole-01"}


def test_container_status_current(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "dns-01")
    status = pve.nodes(node).lxc(vmid).status.current.get()
    assert (status["status"], status["name"]) == ("running", "dns-01")
