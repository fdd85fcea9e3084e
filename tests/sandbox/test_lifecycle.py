"""VM lifecycle through proxmoxer: create, clone, power, resize, template, delete."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxServer

from .helpers import find_vm, find_where, wait_task, wait_until

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0bVhnqRcy6LYNV6VjAbpdq5Rg1hbI5M5aO7PJ5eG1 me@laptop"


def _create(pve: ProxmoxAPI, vmid: int = 500, **extra: object) -> str:
    params = {
        "vmid": vmid,
        "name": "test-vm",
        "memory": 2048,
        "cores": 2,
        "scsi0": "local-lvm:32",
        "net0": "virtio,bridge=vmbr0,firewall=1,tag=20",
        "ide2": "local-lvm:cloudinit",
        "ipconfig0": "ip=192.168.20.50/24,gw=192.168.20.1",
        "ciuser": "admin",
        "cipassword": "s3cret",
        "sshkeys": quote(KEY, safe=""),
        "tags": "staging,web",
        **extra,
    }
    return pve.nodes("pve1").qemu.post(**params)


def test_create_reads_back_the_way_pve_writes_it(pve: ProxmoxAPI) -> None:
    assert wait_task(pve, _create(pve))["exitstatus"] == "OK"
    conf = pve.nodes("pve1").qemu(500).config.get()
    assert conf["scsi0"] == "local-lvm:vm-500-disk-0,size=32G"
    assert conf["ide2"] == "local-lvm:vm-500-cloudinit,media=cdrom"
    assert re.fullmatch(
        r"virtio=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0,firewall=1,tag=20", conf["net0"]
    )
    assert conf["sshkeys"] == quote(KEY, safe="")
    assert conf["cipassword"] == "**********"
    assert conf["tags"] == "staging;web"
    assert conf["cores"] == 2 and conf["memory"] == "2048"
    assert re.fullmatch(r"creation-qemu=9\.0\.2,ctime=\d+", conf["meta"])
    assert re.fullmatch(r"[0-9a-f]{40}", conf["digest"])


def test_create_holds_the_create_lock_while_the_task_runs(
    pve: ProxmoxAPI, sandbox: SandboxServer
) -> None:
    sandbox.world.speed = 4
    upid = _create(pve)
    assert pve.nodes("pve1").qemu(500).status.current.get()["lock"] == "create"
    wait_task(pve, upid)
    assert "lock" not in pve.nodes("pve1").qemu(500).status.current.get()


def test_create_with_an_existing_vmid_is_refused(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "db-01")
    with pytest.raises(ResourceException) as err:
        _create(pve, vmid=vmid)
    assert err.value.content == (
        f"unable to create VM {vmid} - VM {vmid} already exists on node '{node}'"
    )


def test_create_rejects_sshkeys_that_are_not_urlencoded(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        _create(pve, sshkeys=KEY)
    assert err.value.errors["sshkeys"].startswith("invalid format - invalid urlencoded string")


def test_create_with_start_runs_the_vm_afterwards(pve: ProxmoxAPI) -> None:
    wait_task(pve, _create(pve, start=1))
    vm = pve.nodes("pve1").qemu(500)
    wait_until(lambda: vm.status.current.get()["status"] == "running")


def test_clone_locks_the_new_vm_until_the_task_ends(
    pve: ProxmoxAPI, sandbox: SandboxServer
) -> None:
    sandbox.world.speed = 4  # slow enough to look at the clone while it runs
    upid = pve.nodes("pve1").qemu(9000).clone.post(newid=600, name="web-new")
    assert pve.nodes("pve1").qemu(600).config.get()["lock"] == "clone"
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(600).status.start.post()
    assert err.value.content == "VM is locked (clone)"
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert "lock" not in pve.nodes("pve1").qemu(600).config.get()


def test_clone_of_a_template_is_linked_and_renamed_by_default(pve: ProxmoxAPI) -> None:
    wait_task(pve, pve.nodes("pve1").qemu(9000).clone.post(newid=601))
    conf = pve.nodes("pve1").qemu(601).config.get()
    assert conf["name"] == "Copy-of-VM-ubuntu-22.04"
    assert conf["scsi0"] == "local-lvm:base-9000-disk-0/vm-601-disk-0,size=10G"
    assert conf["ide2"] == "local-lvm:vm-601-cloudinit,media=cdrom"
    assert "template" not in conf


def test_full_clone_log_reports_transfer_progress(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=602, full=1)
    wait_task(pve, upid)
    lines = [row["t"] for row in pve.nodes(node).tasks(upid).log.get(limit=0)]
    assert "transferred 32.0 GiB of 32.0 GiB (100.00%)" in lines
    assert pve.nodes(node).qemu(602).config.get()["scsi0"].startswith("local-lvm:vm-602-disk-0,")


def test_start_shows_running_in_resources_status_and_task_list(pve: ProxmoxAPI) -> None:
    stopped = find_where(pve, status="stopped", template=0)
    node, vmid = stopped["node"], stopped["vmid"]
    upid = pve.nodes(node).qemu(vmid).status.start.post()
    wait_task(pve, upid)
    assert pve.nodes(node).qemu(vmid).status.current.get()["status"] == "running"
    assert find_where(pve, vmid=vmid)["status"] == "running"
    assert upid in [t["upid"] for t in pve.nodes(node).tasks.get(vmid=vmid)]


def test_starting_a_running_vm_fails_inside_the_task(pve: ProxmoxAPI) -> None:
    running = find_where(pve, status="running")
    upid = pve.nodes(running["node"]).qemu(running["vmid"]).status.start.post()
    assert wait_task(pve, upid)["exitstatus"] == f"VM {running['vmid']} already running"


def test_start_with_a_missing_bridge_fails_inside_the_task(pve: ProxmoxAPI) -> None:
    wait_task(pve, _create(pve, net0="virtio,bridge=vmbr9"))
    status = wait_task(pve, pve.nodes("pve1").qemu(500).status.start.post())
    assert status["exitstatus"] == "bridge 'vmbr9' does not exist"


@pytest.mark.parametrize("action", ["stop", "shutdown"])
def test_stop_and_shutdown_leave_the_vm_stopped(pve: ProxmoxAPI, action: str) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    vm = pve.nodes(node).qemu(vmid)
    wait_task(pve, getattr(vm.status, action).post())
    assert vm.status.current.get()["status"] == "stopped"
    assert find_where(pve, vmid=vmid)["status"] == "stopped"


def test_suspend_pauses_and_resume_continues(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    vm = pve.nodes(node).qemu(vmid)
    wait_task(pve, vm.status.suspend.post())
    current = vm.status.current.get()
    assert (current["status"], current["qmpstatus"]) == ("running", "paused")
    wait_task(pve, vm.status.resume.post())
    assert vm.status.current.get()["qmpstatus"] == "running"


def test_paused_vm_refuses_shutdown(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "cache-02")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu(vmid).status.shutdown.post()
    assert err.value.content == "VM is paused - cannot shutdown"


def test_reboot_of_a_stopped_vm_is_refused(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "backup-01")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu(vmid).status.reboot.post()
    assert err.value.content == f"VM {vmid} not running"


@pytest.mark.parametrize(
    ("size", "expected"), [("+8G", "size=40G"), ("48G", "size=48G"), ("+512M", "size=33280M")]
)
def test_resize_grows_the_disk(pve: ProxmoxAPI, size: str, expected: str) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    vm = pve.nodes(node).qemu(vmid)
    assert wait_task(pve, vm.resize.put(disk="scsi0", size=size))["exitstatus"] == "OK"
    assert vm.config.get()["scsi0"].endswith(expected)


def test_shrinking_a_disk_fails_inside_the_task(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    vm = pve.nodes(node).qemu(vmid)
    status = wait_task(pve, vm.resize.put(disk="scsi0", size="16G"))
    assert status["exitstatus"] == "shrinking disks is not supported"
    assert vm.config.get()["scsi0"].endswith("size=32G")


def test_template_conversion_renames_disks_to_base(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "backup-01")
    vm = pve.nodes(node).qemu(vmid)
    wait_task(pve, vm.template.post())
    conf = vm.config.get()
    assert conf["template"] == 1
    assert conf["scsi0"].startswith(f"local-lvm:base-{vmid}-disk-0,")


def test_delete_with_purge_removes_the_vm(pve: ProxmoxAPI) -> None:
    wait_task(pve, _create(pve))
    wait_task(pve, pve.nodes("pve1").qemu(500).delete(purge=1))
    assert all(r["vmid"] != 500 for r in pve.cluster.resources.get(type="vm"))


def test_delete_of_a_running_vm_is_refused(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu(vmid).delete()
    assert err.value.content == f"VM {vmid} is running - destroy failed"


def test_delete_of_a_protected_vm_is_refused(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "db-01")
    with pytest.raises(ResourceException) as err:
        pve.nodes(node).qemu(vmid).delete()
    assert err.value.content == f"can't remove VM {vmid} - protection mode enabled"
