"""/v1/backups: archives, restores, schedules and coverage, in the seed's shapes."""

from __future__ import annotations

import httpx
import pytest
from support import error, wait_job


@pytest.fixture
def monthly_backup() -> dict:
    """The seed's "Create Backup" request body, for a VM the sandbox has."""
    return {
        "vm_id": "vm-103",
        "backup_type": "full",
        "compression": "gzip",
        "encryption": True,
        "description": "Monthly full backup",
    }


@pytest.fixture
def weekly_schedule() -> dict:
    return {
        "schedule": "sun 04:00",
        "storage": "nfs-backup",
        "vm_ids": ["vm-108"],
        "retention": {"keep_last": 3},
        "comment": "weekly for db-03",
    }


def a_backup(http: httpx.Client, **query: str) -> dict:
    backups = http.get("/backups", params={"limit": 200, **query}).json()["data"]["backups"]
    return next(b for b in backups if b["guest_type"] == "qemu" and not b["protected"])


def test_list_is_paginated_newest_first(http: httpx.Client) -> None:
    r = http.get("/backups", params={"limit": 5, "offset": 5})
    assert r.status_code == 200
    data = r.json()["data"]
    assert len(data["backups"]) == 5
    page = data["pagination"]
    assert (page["limit"], page["offset"], page["current_page"]) == (5, 5, 2)
    assert page["has_previous"] and page["total"] >= 10
    stamps = [b["created_at"] for b in data["backups"]]
    assert stamps == sorted(stamps, reverse=True)


def test_list_filters_by_vm(http: httpx.Client) -> None:
    backups = http.get("/backups", params={"vm_id": "vm-103"}).json()["data"]["backups"]
    assert backups and {b["vm_id"] for b in backups} == {"vm-103"}


def test_get_returns_the_backup(http: httpx.Client) -> None:
    some = a_backup(http)
    r = http.get(f"/backups/{some['id']}")
    assert r.status_code == 200 and r.json()["data"]["backup"]["volid"] == some["volid"]


def test_unknown_backup_is_404(http: httpx.Client) -> None:
    r = http.get("/backups/bkp_000000000000")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_create_returns_202_with_a_job_and_the_archive_appears(
    http: httpx.Client, monthly_backup: dict
) -> None:
    before = {
        b["id"] for b in http.get("/backups", params={"vm_id": "vm-103"}).json()["data"]["backups"]
    }
    r = http.post("/backups", json=monthly_backup)
    assert r.status_code == 202, r.text
    job = wait_job(http, r.json()["data"]["job"]["job_id"])
    assert job["status"] == "completed", job["error"]
    after = http.get("/backups", params={"vm_id": "vm-103"}).json()["data"]["backups"]
    new = [b for b in after if b["id"] not in before]
    assert len(new) == 1 and new[0]["encrypted"] and new[0]["notes"] == "Monthly full backup"


def test_create_for_an_unknown_vm_is_404(http: httpx.Client, monthly_backup: dict) -> None:
    r = http.post("/backups", json={**monthly_backup, "vm_id": "vm-99999"})
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_create_with_an_unknown_compression_is_422_naming_it(
    http: httpx.Client, monthly_backup: dict
) -> None:
    r = http.post("/backups", json={**monthly_backup, "compression": "bzip2"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "compression"


def test_restore_as_a_new_vm_returns_202_with_a_job(http: httpx.Client) -> None:
    some = a_backup(http, vm_id="vm-103")
    r = http.post(f"/backups/{some['id']}/restore", json={"target": "new"})
    assert r.status_code == 202, r.text
    job = wait_job(http, r.json()["data"]["job"]["job_id"])
    assert job["status"] == "completed", job["error"]
    assert http.get(f"/vms/{job['result']['vm_id']}").status_code == 200


def test_restore_over_a_running_vm_is_409(http: httpx.Client) -> None:
    some = a_backup(http, vm_id="vm-103")
    r = http.post(f"/backups/{some['id']}/restore", json={"target": "same"})
    assert r.status_code == 409 and error(r)["code"] == "RESOURCE_CONFLICT"


def test_delete_returns_202_and_the_backup_goes(http: httpx.Client) -> None:
    some = a_backup(http)
    r = http.delete(f"/backups/{some['id']}")
    assert r.status_code == 202
    assert wait_job(http, r.json()["data"]["job"]["job_id"])["status"] == "completed"
    assert http.get(f"/backups/{some['id']}").status_code == 404


def test_coverage_names_the_guests_no_schedule_backs_up(http: httpx.Client) -> None:
    r = http.get("/backups/coverage")
    assert r.status_code == 200
    coverage = r.json()["data"]["coverage"]
    assert "vm-108" in coverage["uncovered"] and coverage["names"]["vm-108"]


def test_schedules_are_listed_with_retention(http: httpx.Client) -> None:
    r = http.get("/backups/schedules")
    assert r.status_code == 200
    schedules = r.json()["data"]["schedules"]
    assert schedules and any(s["retention"]["keep_daily"] for s in schedules)


def test_creating_a_schedule_returns_201_and_covers_the_vm(
    http: httpx.Client, weekly_schedule: dict
) -> None:
    r = http.post("/backups/schedules", json=weekly_schedule)
    assert r.status_code == 201, r.text
    made = r.json()["data"]["schedule"]
    assert (made["schedule"], made["vm_ids"], made["retention"]["keep_last"]) == (
        "sun 04:00",
        ["vm-108"],
        3,
    )
    assert "vm-108" not in http.get("/backups/coverage").json()["data"]["coverage"]["uncovered"]


def test_a_schedule_to_a_storage_without_backups_is_422_naming_storage(
    http: httpx.Client, weekly_schedule: dict
) -> None:
    r = http.post("/backups/schedules", json={**weekly_schedule, "storage": "local-lvm"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "storage"


def test_updating_a_schedule_returns_it_changed(http: httpx.Client) -> None:
    first = http.get("/backups/schedules").json()["data"]["schedules"][0]
    r = http.put(f"/backups/schedules/{first['id']}", json={"schedule": "03:30", "enabled": False})
    assert r.status_code == 200, r.text
    changed = r.json()["data"]["schedule"]
    assert (changed["id"], changed["schedule"], changed["enabled"]) == (first["id"], "03:30", False)


def test_deleting_a_schedule_returns_a_message(http: httpx.Client) -> None:
    first = http.get("/backups/schedules").json()["data"]["schedules"][0]
    r = http.delete(f"/backups/schedules/{first['id']}")
    assert r.status_code == 200 and r.json()["success"] is True and r.json()["message"]
    left = http.get("/backups/schedules").json()["data"]["schedules"]
    assert first["id"] not in {s["id"] for s in left}


def test_an_unknown_schedule_is_404(http: httpx.Client) -> None:
    r = http.put("/backups/schedules/backup-nope", json={"enabled": False})
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"
