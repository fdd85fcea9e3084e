"""Restore: `POST /nodes/{node}/qemu` with `archive`, as a new VM or over an old one."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxServer

from .helpers import find_vm, wait_task


@pytest.fixture(autouse=True)
def fast(sandbox: SandboxServer) -> None:
    sandbox.world.speed = 400


def _newest(pve: ProxmoxAPI, storage: str, name: str) -> tuple[str, int, str]:
    node, vmid = find_vm(pve, name)
    backups = pve.nodes(node).storage(storage).content.get(vmid=vmid, content="backup")
    return node, vmid, backups[-1]["volid"]


def _log(pve: ProxmoxAPI, upid: str) -> list[str]:
    return [line["t"] for line in pve.nodes(upid.split(":")[1]).tasks(upid).log.get(limit=0)]


def test_restore_to_a_new_vmid_brings_the_backed_up_config(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    original = pve.nodes(node).qemu(vmid).config.get()
    upid = pve.nodes(node).qemu.post(vmid=900, archive=volid, storage="local-lvm")
    assert upid.split(":")[5:7] == ["qmrestore", "900"]
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    conf = pve.nodes(node).qemu(900).config.get()
    assert conf["scsi0"] == "local-lvm:vm-900-disk-0,iothread=1,size=8G"
    assert conf["ide2"] == "local-lvm:vm-900-cloudinit,media=cdrom"
    assert (conf["name"], conf["net0"]) == (original["name"], original["net0"])
    assert "lock" not in conf
    assert "new volume ID is 'local-lvm:vm-900-disk-0'" in _log(pve, upid)


def test_restore_locks_the_vm_create_while_it_runs(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.world.speed = 2
    node, _, volid = _newest(pve, "local", "vpn-gateway-01")
    upid = pve.nodes(node).qemu.post(vmid=901, archive=volid)
    assert pve.nodes(node).qemu(901).status.current.get()["lock"] == "create"
    pve.nodes(node).tasks(upid).delete()


def test_restore_from_a_vma_archive_logs_the_extraction(pve: ProxmoxAPI) -> None:
    node, _, volid = _newest(pve, "local", "vpn-gateway-01")
    upid = pve.nodes(node).qemu.post(vmid=902, archive=volid, unique=1)
    wait_task(pve, upid)
    log = _log(pve, upid)
    assert log[0].startswith("restore vma archive: zstd -q -d -c /var/lib/vz/dump/vzdump-qemu-")
    assert "map 'drive-scsi0' to '/dev/pve/vm-902-disk-0' (write zeros = 0)" in log


def test_unique_draws_new_mac_addresses(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    wait_task(pve, pve.nodes(node).qemu.post(vmid=903, archive=volid, unique=1))
    old = pve.nodes(node).qemu(vmid).config.get()["net0"]
    new = pve.nodes(node).qemu(903).config.get()["net0"]
    assert new != old and new.split(",")[1:] == old.split(",")[1:]


def test_an_existing_vmid_needs_force(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu.post(vmid=vmid, archive=volid)
    assert err.value.content == (
        f"unable to restore VM {vmid} - VM {vmid} already exists on node '{node}'"
    )


def test_force_over_a_running_vm_fails_in_the_task(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    pve.nodes(node).qemu(vmid).config.put(delete="protection")
    upid = pve.nodes(node).qemu.post(vmid=vmid, archive=volid, force=1)
    assert wait_task(pve, upid)["exitstatus"] == f"unable to restore VM {vmid} - vm is running"
    assert pve.nodes(node).qemu(vmid).status.current.get()["status"] == "running"


def test_force_over_a_stopped_vm_replaces_it(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    vm = pve.nodes(node).qemu(vmid)
    wait_task(pve, vm.status.stop.post())
    vm.config.put(memory=4096, description="changed after the backup", delete="protection")
    upid = pve.nodes(node).qemu.post(vmid=vmid, archive=volid, force=1)
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    conf = vm.config.get()
    assert conf["memory"] == "1024" and "description" not in conf
    assert conf["scsi0"].startswith(f"local-lvm:vm-{vmid}-disk-0,")
    assert f'  Logical volume "vm-{vmid}-disk-0" successfully removed.' in _log(pve, upid)


def test_a_protected_vm_is_not_restored_over(pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    vm = pve.nodes(node).qemu(vmid)
    wait_task(pve, vm.status.stop.post())
    vm.config.put(protection=1)
    upid = pve.nodes(node).qemu.post(vmid=vmid, archive=volid, force=1)
    assert wait_task(pve, upid)["exitstatus"] == (
        f"unable to restore VM {vmid} - protection mode enabled"
    )


def test_a_locked_vm_is_not_restored_over(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    node, vmid, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    sandbox.world.guests[vmid].set_lock("backup")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu.post(vmid=vmid, archive=volid, force=1)
    assert err.value.content == f"unable to restore VM {vmid} - VM is locked (backup)"


def test_disk_options_conflict_with_archive(pve: ProxmoxAPI) -> None:
    node, _, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu.post(vmid=904, archive=volid, scsi0="local-lvm:8")
    assert err.value.errors == {"scsi0": "option conflicts with option 'archive'"}


def test_a_missing_archive_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu.post(vmid=905, archive="local:backup/vzdump-qemu-1-x.vma.zst")
    assert err.value.content == "can't find file 'local:backup/vzdump-qemu-1-x.vma.zst'"


def test_restore_with_start_runs_the_vm(pve: ProxmoxAPI) -> None:
    node, _, volid = _newest(pve, "pbs-main", "vpn-gateway-01")
    wait_task(pve, pve.nodes(node).qemu.post(vmid=906, archive=volid, start=1))
    vm = pve.nodes(node).qemu(906)
    task = pve.nodes(node).tasks.get(vmid=906, typefilter="qmstart", source="all")[0]
    wait_task(pve, task["upid"])
    assert vm.status.current.get()["status"] == "running"
