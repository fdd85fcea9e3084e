"""`config` GET/PUT/POST: deletes, digests, async updates, canonical NICs."""

from __future__ import annotations

import re

import pytest
from proxmoxer import ProxmoxAPI, ResourceException
from proxmoxer.core import ProxmoxResource

from .helpers import find_vm, wait_task


@pytest.fixture
def vm(pve: ProxmoxAPI) -> ProxmoxResource:
    node, vmid = find_vm(pve, "app-server-02")
    return pve.nodes(node).qemu(vmid)


def test_put_changes_the_config_and_returns_null(vm: ProxmoxResource) -> None:
    assert vm.config.put(cores=6, description="resized") is None
    conf = vm.config.get()
    assert (conf["cores"], conf["description"]) == (6, "resized")


def test_put_delete_removes_keys(vm: ProxmoxResource) -> None:
    vm.config.put(delete="description,onboot")
    conf = vm.config.get()
    assert "onboot" not in conf and "description" not in conf


def test_stale_digest_is_refused(vm: ProxmoxResource) -> None:
    digest = vm.config.get()["digest"]
    vm.config.put(cores=3)
    with pytest.raises(ResourceException) as err:
        vm.config.put(cores=5, digest=digest)
    assert err.value.content.startswith("detected modified configuration")


def test_update_without_options_is_refused(vm: ProxmoxResource) -> None:
    with pytest.raises(ResourceException) as err:
        vm.config.put()
    assert err.value.content == "no options specified"


def test_post_config_is_async_and_returns_a_qmconfig_upid(
    pve: ProxmoxAPI, vm: ProxmoxResource
) -> None:
    upid = vm.config.post(memory=16384)
    assert upid.split(":")[5] == "qmconfig"
    wait_task(pve, upid)
    assert vm.config.get()["memory"] == "16384"


def test_new_nic_gets_a_proxmox_mac_in_canonical_form(vm: ProxmoxResource) -> None:
    vm.config.put(net1="model=e1000,bridge=vmbr0,tag=30")
    assert re.fullmatch(
        r"e1000=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0,tag=30", vm.config.get()["net1"]
    )


def test_new_disk_is_allocated_with_the_next_free_name(vm: ProxmoxResource) -> None:
    vm.config.put(scsi2="local-lvm:20,iothread=1")
    assert vm.config.get()["scsi2"].split(",")[0].endswith("-disk-1")


def test_gateway_without_ip_is_refused(vm: ProxmoxResource) -> None:
    with pytest.raises(ResourceException) as err:
        vm.config.put(ipconfig0="gw=192.168.1.1")
    assert err.value.errors == {"ipconfig0": "gateway specified without specifying an IP address"}


def test_update_with_one_bad_value_changes_nothing(vm: ProxmoxResource) -> None:
    with pytest.raises(ResourceException):
        vm.config.put(cores=7, ipconfig0="gw=192.168.1.1")
    assert vm.config.get()["cores"] != 7


def test_snapshot_config_is_readable_through_config(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "db-01")
    conf = pve.nodes(node).qemu(vmid).config.get(snapshot="pre-upgrade")
    assert conf["memory"] == "16384"
