"""Snapshots: list with the `current` entry, create, rollback, delete."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI, ResourceException
from proxmoxer.core import ProxmoxResource

from .helpers import find_vm, wait_task


@pytest.fixture
def vm(pve: ProxmoxAPI) -> ProxmoxResource:
    node, vmid = find_vm(pve, "db-01")
    return pve.nodes(node).qemu(vmid)


def test_list_shows_the_parent_chain_and_current(vm: ProxmoxResource) -> None:
    snaps = {s["name"]: s for s in vm.snapshot.get()}
    assert snaps["post-upgrade"]["parent"] == "pre-upgrade"
    assert snaps["current"]["description"] == "You are here!"
    assert snaps["current"]["parent"] == "post-upgrade"


def test_create_adds_a_snapshot_under_the_current_one(pve: ProxmoxAPI, vm: ProxmoxResource) -> None:
    upid = vm.snapshot.post(snapname="before-test", description="test run")
    assert upid.split(":")[5] == "qmsnapshot"
    wait_task(pve, upid)
    snaps = {s["name"]: s for s in vm.snapshot.get()}
    assert snaps["before-test"]["parent"] == "post-upgrade"
    assert snaps["before-test"]["description"] == "test run"
    assert snaps["current"]["parent"] == "before-test"


def test_snapshot_with_vmstate_of_a_running_vm_records_it(
    pve: ProxmoxAPI, vm: ProxmoxResource
) -> None:
    wait_task(pve, vm.snapshot.post(snapname="live", vmstate=1))
    assert {s["name"]: s for s in vm.snapshot.get()}["live"]["vmstate"] == 1


def test_duplicate_snapshot_name_is_refused(vm: ProxmoxResource) -> None:
    with pytest.raises(ResourceException) as err:
        vm.snapshot.post(snapname="pre-upgrade")
    assert err.value.content == "snapshot name 'pre-upgrade' already used"


def test_rollback_restores_the_snapshot_config(pve: ProxmoxAPI, vm: ProxmoxResource) -> None:
    upid = vm.snapshot("pre-upgrade").rollback.post()
    assert upid.split(":")[5] == "qmrollback"
    wait_task(pve, upid)
    assert vm.config.get()["memory"] == "16384"
    assert vm.status.current.get()["status"] == "stopped"


def test_delete_removes_it_and_relinks_children(pve: ProxmoxAPI, vm: ProxmoxResource) -> None:
    wait_task(pve, vm.snapshot("pre-upgrade").delete())
    snaps = {s["name"]: s for s in vm.snapshot.get()}
    assert "pre-upgrade" not in snaps
    assert "parent" not in snaps["post-upgrade"]


def test_snapshot_description_is_editable(vm: ProxmoxResource) -> None:
    vm.snapshot("post-upgrade").config.put(description="checked")
    assert vm.snapshot("post-upgrade").config.get()["description"] == "checked"


def test_unknown_snapshot_is_an_error(vm: ProxmoxResource) -> None:
    with pytest.raises(ResourceException) as err:
        vm.snapshot("nope").rollback.post()
    assert err.value.content == "snapshot 'nope' does not exist"
