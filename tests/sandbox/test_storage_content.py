"""`.../storage/{storage}/content`: files and guest disks, their attributes, deletion."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from .helpers import find_vm, wait_task


def _content(pve: ProxmoxAPI, storage: str, node: str = "pve1", **query: object) -> list[dict]:
    return pve.nodes(node).storage(storage).content.get(**query)


def _protected(pve: ProxmoxAPI, storage: str) -> dict:
    return next(v for v in _content(pve, storage, content="backup") if v.get("protected"))


def test_local_lists_isos_and_a_container_template(pve: ProxmoxAPI) -> None:
    items = {v["volid"]: v for v in _content(pve, "local")}
    iso = items["local:iso/ubuntu-24.04.1-live-server-amd64.iso"]
    assert (iso["content"], iso["format"], iso["size"]) == ("iso", "iso", 2_773_874_688)
    tmpl = items["local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"]
    assert (tmpl["content"], tmpl["format"]) == ("vztmpl", "tzst")


def test_content_filter_lists_one_content_type(pve: ProxmoxAPI) -> None:
    assert {v["content"] for v in _content(pve, "local", content="iso")} == {"iso"}


def test_guest_disks_appear_as_their_configs_say(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "db-01")
    disks = {v["volid"]: v for v in _content(pve, "local-lvm", node, vmid=vmid)}
    conf = pve.nodes(node).qemu(vmid).config.get()
    assert f"local-lvm:vm-{vmid}-disk-1" in disks
    assert disks[f"local-lvm:vm-{vmid}-disk-1"]["size"] == 200 << 30
    assert conf["scsi1"].startswith(f"local-lvm:vm-{vmid}-disk-1,")
    assert {v["content"] for v in disks.values()} == {"images"}


def test_a_disk_allocated_on_a_new_storage_lists_there(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="fast", type="dir", path="/srv/fast", content="images")
    wait_task(pve, pve.nodes("pve1").qemu.post(vmid=600, scsi0="fast:4"))
    assert pve.nodes("pve1").qemu(600).config.get()["scsi0"] == (
        "fast:600/vm-600-disk-0.qcow2,size=4G"
    )
    (disk,) = _content(pve, "fast")
    assert (disk["volid"], disk["format"], disk["vmid"]) == (
        "fast:600/vm-600-disk-0.qcow2",
        "qcow2",
        600,
    )


def test_container_volumes_are_rootdir(pve: ProxmoxAPI) -> None:
    items = _content(pve, "local-lvm", "pve1", vmid=200)
    assert [(v["volid"], v["content"]) for v in items] == [("local-lvm:vm-200-disk-0", "rootdir")]


def test_vmid_filter_leaves_out_isos(pve: ProxmoxAPI) -> None:
    _, vmid = find_vm(pve, "vpn-gateway-01")
    items = _content(pve, "local", vmid=vmid)
    assert items and all(v.get("vmid") == vmid for v in items)


def test_pbs_backups_are_encrypted_and_mostly_verified(pve: ProxmoxAPI) -> None:
    _, vmid = find_vm(pve, "db-01")
    backups = _content(pve, "pbs-main", vmid=vmid)
    fingerprint = pve.storage("pbs-main").get()["encryption-key"]
    assert {b["format"] for b in backups} == {"pbs-vm"}
    assert all(b["encrypted"] == fingerprint for b in backups)
    assert backups[-2]["verification"]["state"] == "ok" and "verification" not in backups[-1]
    assert backups[-1]["volid"].startswith(f"pbs-main:backup/vm/{vmid}/")


def test_volume_attributes_are_readable(pve: ProxmoxAPI) -> None:
    backup = _protected(pve, "local")
    info = pve.nodes("pve1").storage("local").content(backup["volid"]).get()
    assert info["path"] == f"/var/lib/vz/dump/{backup['volid'].split('/', 1)[1]}"
    assert (info["size"], info["format"], info["protected"]) == (backup["size"], "vma.zst", 1)
    assert info["notes"] == "before WireGuard upgrade"


def test_a_disk_reads_as_its_device(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "vpn-gateway-01")
    info = pve.nodes(node).storage("local-lvm").content(f"local-lvm:vm-{vmid}-disk-0").get()
    assert (info["path"], info["format"], info["size"]) == (
        f"/dev/pve/vm-{vmid}-disk-0",
        "raw",
        8 << 30,
    )


def test_notes_and_protection_can_be_changed(pve: ProxmoxAPI) -> None:
    backup = _content(pve, "nfs-backup", content="backup")[0]
    vol = pve.nodes("pve1").storage("nfs-backup").content(backup["volid"])
    vol.put(notes="keep for audit\nticket 4711", protected=1)
    item = next(v for v in _content(pve, "nfs-backup") if v["volid"] == backup["volid"])
    assert (item["notes"], item["protected"]) == ("keep for audit", 1)
    assert vol.get()["notes"] == "keep for audit\nticket 4711"


def test_notes_on_an_iso_are_not_supported(pve: ProxmoxAPI) -> None:
    vol = pve.nodes("pve1").storage("local").content("local:iso/debian-12.8.0-amd64-netinst.iso")
    with pytest.raises(ResourceException) as err:
        vol.put(notes="x")
    assert err.value.content == "attribute 'notes' is not supported for storage type 'dir'"


def test_deleting_a_backup_runs_an_imgdel_task(pve: ProxmoxAPI) -> None:
    backup = next(
        v
        for v in _content(pve, "nfs-backup")
        if not v.get("protected") and v["content"] == "backup"
    )
    upid = pve.nodes("pve1").storage("nfs-backup").content(backup["volid"]).delete()
    assert upid.split(":")[5:7] == ["imgdel", f"{backup['vmid']}@nfs-backup"]
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert backup["volid"] not in {v["volid"] for v in _content(pve, "nfs-backup")}


def test_a_protected_backup_is_not_deleted(pve: ProxmoxAPI) -> None:
    backup = _protected(pve, "nfs-backup")
    upid = pve.nodes("pve1").storage("nfs-backup").content(backup["volid"]).delete()
    status = wait_task(pve, upid)
    name = backup["volid"].split(":", 1)[1]
    assert status["exitstatus"] == f"cannot remove protected volume '{name}' on 'nfs-backup'"
    assert backup["volid"] in {v["volid"] for v in _content(pve, "nfs-backup")}


def test_delete_with_delay_answers_with_the_task_error(pve: ProxmoxAPI) -> None:
    backup = _protected(pve, "pbs-main")
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").storage("pbs-main").content(backup["volid"]).delete(delay=5)
    assert err.value.content.startswith(
        "proxmox-backup-client failed: Error: cannot remove protected snapshot"
    )


def test_a_disk_in_use_is_not_deleted(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "vpn-gateway-01")
    upid = pve.nodes(node).storage("local-lvm").content(f"local-lvm:vm-{vmid}-disk-0").delete()
    assert wait_task(pve, upid)["exitstatus"] == (
        f"lvremove 'pve/vm-{vmid}-disk-0' error:   Logical volume pve/vm-{vmid}-disk-0 in use."
    )


def test_the_read_only_token_sees_isos_but_not_backups(pve_readonly: ProxmoxAPI) -> None:
    items = pve_readonly.nodes("pve1").storage("local").content.get()
    assert items and {v["content"] for v in items} <= {"iso", "vztmpl"}
