"""`POST /nodes/{node}/vzdump`: backups now, their logs, archives, locks and failures."""

from __future__ import annotations

import re

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxServer

from .helpers import find_vm, wait_task

ARCHIVE = r"vzdump-qemu-{vmid}-\d{{4}}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst"


@pytest.fixture(autouse=True)
def fast(sandbox: SandboxServer) -> None:
    """A backup takes a realistic minute; these tests need not wait for it."""
    sandbox.world.speed = 400


def _backup(pve: ProxmoxAPI, name: str, **params: object) -> tuple[str, int, str]:
    node, vmid = find_vm(pve, name)
    upid = pve.nodes(node).vzdump.post(vmid=vmid, **params)
    return node, vmid, upid


def _log(pve: ProxmoxAPI, upid: str) -> list[str]:
    node = upid.split(":")[1]
    return [line["t"] for line in pve.nodes(node).tasks(upid).log.get(limit=0)]


def _backups(pve: ProxmoxAPI, node: str, storage: str, vmid: int) -> list[dict]:
    return pve.nodes(node).storage(storage).content.get(vmid=vmid, content="backup")


def test_backup_to_a_directory_leaves_a_named_archive(pve: ProxmoxAPI) -> None:
    node, vmid, upid = _backup(
        pve,
        "vpn-gateway-01",
        storage="local",
        compress="zstd",
        **{"notes-template": "{{guestname}} on {{node}}"},
    )
    assert upid.split(":")[5:7] == ["vzdump", str(vmid)]
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    newest = _backups(pve, node, "local", vmid)[-1]
    assert re.fullmatch(f"local:backup/{ARCHIVE.format(vmid=vmid)}", newest["volid"])
    assert (newest["format"], newest["notes"]) == ("vma.zst", f"vpn-gateway-01 on {node}")


def test_backup_log_reads_like_vzdump(pve: ProxmoxAPI) -> None:
    _, vmid, upid = _backup(pve, "vpn-gateway-01", storage="local", compress="zstd")
    wait_task(pve, upid)
    log = _log(pve, upid)
    assert log[0].startswith(f"INFO: starting new backup job: vzdump {vmid} --compress zstd")
    assert f"INFO: Starting Backup of VM {vmid} (qemu)" in log
    created = next(line for line in log if line.startswith("INFO: creating vzdump archive"))
    assert re.fullmatch(
        rf"INFO: creating vzdump archive '/var/lib/vz/dump/"
        rf"{ARCHIVE.format(vmid=vmid)}'",
        created,
    )
    assert any(re.match(r"INFO: +\d+% \([\d.]+ \w+ of 8\.0 GiB\) in ", line) for line in log)
    assert any(
        re.fullmatch(rf"INFO: Finished Backup of VM {vmid} \(\d\d:\d\d:\d\d\)", line)
        for line in log
    )
    assert log[-2:] == ["INFO: Backup job finished successfully", "TASK OK"]


def test_the_vm_is_locked_backup_while_it_runs(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.world.speed = 2
    node, vmid, upid = _backup(pve, "vpn-gateway-01", storage="local")
    vm = pve.nodes(node).qemu(vmid)
    assert vm.status.current.get()["lock"] == "backup"
    with pytest.raises(ResourceException) as err:
        vm.snapshot.post(snapname="during")
    assert err.value.content == "VM is locked (backup)"
    pve.nodes(node).tasks(upid).delete()
    assert "lock" not in vm.status.current.get()


def test_backup_to_pbs_is_encrypted_and_named_by_utc_time(pve: ProxmoxAPI) -> None:
    node, vmid, upid = _backup(pve, "vpn-gateway-01", storage="pbs-main")
    wait_task(pve, upid)
    newest = _backups(pve, node, "pbs-main", vmid)[-1]
    assert re.fullmatch(
        rf"pbs-main:backup/vm/{vmid}/\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ", newest["volid"]
    )
    assert newest["encrypted"] == pve.storage("pbs-main").get()["encryption-key"]
    log = _log(pve, upid)
    assert "INFO: enabling encryption" in log
    snapshot = newest["volid"].split("/", 1)[1]
    assert f"INFO: creating Proxmox Backup Server archive '{snapshot}'" in log
    assert (
        "INFO: prune older backups with retention: keep-daily=7, keep-monthly=6, "
        "keep-weekly=4" in log
    )


def test_a_container_backs_up_as_a_tar_archive(pve: ProxmoxAPI) -> None:
    upid = pve.nodes("pve1").vzdump.post(vmid=200, storage="local", compress="gzip")
    wait_task(pve, upid)
    newest = _backups(pve, "pve1", "local", 200)[-1]
    assert newest["format"] == "tar.gz" and newest["subtype"] == "lxc"
    assert "INFO: Starting Backup of VM 200 (lxc)" in _log(pve, upid)


def test_retention_prunes_the_oldest_backup(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-03")
    before = _backups(pve, node, "nfs-backup", vmid)
    upid = pve.nodes(node).vzdump.post(vmid=vmid, storage="nfs-backup", compress="zstd")
    wait_task(pve, upid)
    after = _backups(pve, node, "nfs-backup", vmid)
    assert len(before) == len(after) == 4 and before[0] not in after
    assert f"INFO: removing backup '{before[0]['volid']}'" in _log(pve, upid)


def test_a_protected_backup_is_marked_so(pve: ProxmoxAPI) -> None:
    node, vmid, upid = _backup(pve, "vpn-gateway-01", storage="local", protected=1)
    wait_task(pve, upid)
    assert _backups(pve, node, "local", vmid)[-1]["protected"] == 1
    assert "INFO: marking backup as protected" in _log(pve, upid)


def test_a_locked_vm_fails_with_the_lock_message(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "vpn-gateway-01")
    sandbox.world.guests[vmid].set_lock("snapshot")
    upid = pve.nodes(node).vzdump.post(vmid=vmid, storage="local")
    assert wait_task(pve, upid)["exitstatus"] == "job errors"
    log = _log(pve, upid)
    assert f"ERROR: Backup of VM {vmid} failed - VM is locked (snapshot)" in log
    assert log[-2:] == ["INFO: Backup job finished with errors", "TASK ERROR: job errors"]


def test_a_vm_tagged_backup_fails_dies_half_way(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "vpn-gateway-01")
    pve.nodes(node).qemu(vmid).config.put(tags="production;backup-fails")
    count = len(_backups(pve, node, "local", vmid))
    upid = pve.nodes(node).vzdump.post(vmid=vmid, storage="local")
    assert wait_task(pve, upid)["exitstatus"] == "job errors"
    log = _log(pve, upid)
    error = "job failed with err -5 - Input/output error"
    assert log.index(f"ERROR: {error}") > log.index(f"INFO: Starting Backup of VM {vmid} (qemu)")
    assert f"ERROR: Backup of VM {vmid} failed - {error}" in log
    assert len(_backups(pve, node, "local", vmid)) == count


def test_the_fail_rate_fault_fails_guests_and_keeps_the_others(
    sandbox: SandboxServer, pve: ProxmoxAPI
) -> None:
    sandbox.faults.vzdump_fail_rate = 1.0
    upid = pve.nodes("pve1").vzdump.post(vmid="200", storage="local")
    assert wait_task(pve, upid)["exitstatus"] == "job errors"
    assert "ERROR: Backup of VM 200 failed - command 'tar' failed: exit code 2" in _log(pve, upid)


def test_an_offline_storage_fails_the_job(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.offline_storages.add("nfs-backup")
    _, _, upid = _backup(pve, "vpn-gateway-01", storage="nfs-backup")
    assert wait_task(pve, upid)["exitstatus"] == (
        "could not activate storage 'nfs-backup': storage 'nfs-backup' is not online"
    )


def test_a_storage_without_backup_content_fails_the_job(pve: ProxmoxAPI) -> None:
    _, _, upid = _backup(pve, "vpn-gateway-01", storage="local-lvm")
    assert wait_task(pve, upid)["exitstatus"] == (
        "could not get storage information for 'local-lvm': "
        "can't use storage 'local-lvm' for backups - wrong content type"
    )


def test_guests_of_other_nodes_are_not_backed_up_here(pve: ProxmoxAPI) -> None:
    assert pve.nodes("pve2").vzdump.post(vmid=200, storage="local") == "OK"


def test_all_backs_up_the_nodes_guests_and_skips_the_rest(pve: ProxmoxAPI) -> None:
    upid = pve.nodes("pve3").vzdump.post(all=1, exclude="9002", storage="local", mode="stop")
    assert upid.split(":")[6] == ""
    assert any(line.startswith("INFO: skip external VMs: 100") for line in _log(pve, upid))


def test_all_together_with_vmid_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").vzdump.post(all=1, vmid=200)
    assert err.value.errors == {"all": "option conflicts with option 'vmid'"}
