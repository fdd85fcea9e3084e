"""`/cluster/backup` jobs and `/cluster/backup-info/not-backed-up`."""

from __future__ import annotations

import time

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from .helpers import find_vm

UNCOVERED = {
    "db-03",
    "ci-runner-01",
    "ci-runner-02",
    "dev-sandbox-01",
    "backup-01",
    "pihole-01",
    "ubuntu-22.04",
    "ubuntu-24.04",
    "debian-12",
}


def _jobs(pve: ProxmoxAPI) -> dict[str, dict]:
    return {job["comment"]: job for job in pve.cluster.backup.get() if "comment" in job}


def _not_backed_up(pve: ProxmoxAPI) -> set[str]:
    return {g["name"] for g in pve.cluster("backup-info")("not-backed-up").get()}


def test_lab_has_a_nightly_and_a_weekly_job(pve: ProxmoxAPI) -> None:
    jobs = _jobs(pve)
    nightly, weekly = jobs["Nightly production to PBS"], jobs["Weekly staging to NFS"]
    assert (nightly["schedule"], nightly["storage"]) == ("02:00", "pbs-main")
    assert nightly["prune-backups"] == {"keep-daily": 7, "keep-weekly": 4, "keep-monthly": 6}
    assert (weekly["schedule"], weekly["storage"]) == ("sat 03:00", "nfs-backup")
    assert nightly["id"].startswith("backup-") and nightly["type"] == "vzdump"


def test_next_run_follows_the_schedule(pve: ProxmoxAPI) -> None:
    weekly = _jobs(pve)["Weekly staging to NFS"]
    run = time.localtime(weekly["next-run"])
    assert (run.tm_wday, run.tm_hour, run.tm_min) == (5, 3, 0)
    assert 0 < weekly["next-run"] - time.time() <= 7 * 86400


def test_some_guests_are_in_no_job(pve: ProxmoxAPI) -> None:
    assert _not_backed_up(pve) == UNCOVERED


def test_a_new_job_covers_its_guests(pve: ProxmoxAPI) -> None:
    _, vmid = find_vm(pve, "db-03")
    pve.cluster.backup.post(
        schedule="mon..fri 21:30", storage="nfs-backup", vmid=vmid, comment="dev databases"
    )
    job = _jobs(pve)["dev databases"]
    assert job["vmid"] == str(vmid) and job["enabled"] == 1
    assert "db-03" not in _not_backed_up(pve)


def test_all_with_exclude_covers_every_other_guest(pve: ProxmoxAPI) -> None:
    _, vmid = find_vm(pve, "backup-01")
    pve.cluster.backup.post(
        id="everything", schedule="sun 01:00", storage="nfs-backup", exclude=vmid
    )
    assert pve.cluster.backup("everything").get()["all"] == 1
    assert _not_backed_up(pve) == {"backup-01"}


def test_a_legacy_starttime_becomes_a_schedule(pve: ProxmoxAPI) -> None:
    pve.cluster.backup.post(id="legacy", starttime="23:15", dow="sat,sun", storage="local", all=1)
    assert pve.cluster.backup("legacy").get()["schedule"] == "sat,sun 23:15"


def test_update_changes_and_deletes_options(pve: ProxmoxAPI) -> None:
    job_id = _jobs(pve)["Weekly staging to NFS"]["id"]
    pve.cluster.backup(job_id).put(schedule="sun 04:00", enabled=0, delete="comment")
    job = pve.cluster.backup(job_id).get()
    assert (job["schedule"], job["enabled"], "comment" in job) == ("sun 04:00", 0, False)


def test_a_disabled_job_still_counts_as_cover(pve: ProxmoxAPI) -> None:
    # As PVE's BackupInfo.pm: every vzdump job counts, enabled or not.
    job_id = _jobs(pve)["Weekly staging to NFS"]["id"]
    pve.cluster.backup(job_id).put(enabled=0)
    assert "web-server-03" not in _not_backed_up(pve)


def test_delete_removes_the_job_and_its_coverage(pve: ProxmoxAPI) -> None:
    job_id = _jobs(pve)["Weekly staging to NFS"]["id"]
    pve.cluster.backup(job_id).delete()
    assert "web-server-03" in _not_backed_up(pve)
    with pytest.raises(ResourceException) as err:
        pve.cluster.backup(job_id).get()
    assert err.value.errors == {"id": f"No such job '{job_id}'"}


def test_a_bad_schedule_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.backup.post(schedule="every full moon", storage="local", all=1)
    assert err.value.errors == {
        "schedule": "invalid format - invalid calendar event 'every full moon'"
    }


def test_a_job_needs_guests(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.backup.post(schedule="02:00", storage="local")
    assert err.value.errors == {"vmid": "property is missing"}


def test_included_volumes_lists_each_guests_disks(pve: ProxmoxAPI) -> None:
    job_id = _jobs(pve)["Nightly production to PBS"]["id"]
    tree = pve.cluster.backup(job_id).included_volumes.get()
    _, vmid = find_vm(pve, "db-01")
    db = next(c for c in tree["children"] if c["id"] == vmid)
    assert (db["name"], db["type"]) == ("db-01", "qemu")
    assert [(v["id"], v["included"], v["reason"]) for v in db["children"]] == [
        ("scsi0", 1, "backup=yes"),
        ("scsi1", 1, "backup=yes"),
    ]
    ct = next(c for c in tree["children"] if c["id"] == 200)
    assert ct["children"] == [
        {"id": "rootfs", "name": "local-lvm:vm-200-disk-0", "included": 1, "reason": "rootfs"}
    ]
