"""`/cluster/backup` (scheduled backup jobs) and `/cluster/backup-info`.

Jobs use systemd-style `schedule`s; the legacy `starttime` + `dow` pair is turned
into one. Unknown ids are 400 `No such job '<id>'`.
"""

from __future__ import annotations

import uuid
from typing import Any

from pxa.sandbox import backup_jobs, schedules, vzdump_params
from pxa.sandbox.api.common import subdirs
from pxa.sandbox.backup_archive import backed_up_disks_with_reasons
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router, perm

AUDIT = perm("/", "Sys.Audit")
MODIFY = perm("/", "Sys.Modify")
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"
JOB_OPTIONS = (
    *vzdump_params.OPTIONS,
    string("node", format="pve-node"),
    string("comment", max_length=512),
    string("dow", format="pve-day-of-week-list"),
    boolean("enabled"),
    boolean("repeat-missed"),
    string("schedule", format="pve-calendar-event", max_length=128),
    string("starttime", pattern=r"\d{1,2}:\d{1,2}"),
)


def register(r: Router) -> None:
    r.get("/cluster/backup", list_jobs, perms=[AUDIT])
    r.post(
        "/cluster/backup",
        create_job,
        perms=[MODIFY],
        params=[*JOB_OPTIONS, string("id", format="pve-configid")],
    )
    job = "/cluster/backup/{id}"
    r.get(job, read_job, perms=[AUDIT])
    r.put(
        job,
        update_job,
        perms=[MODIFY],
        params=[*JOB_OPTIONS, string("delete", format="pve-configid-list")],
    )
    r.delete(job, delete_job, perms=[MODIFY])
    r.get(f"{job}/included_volumes", included_volumes, perms=[AUDIT])
    r.get("/cluster/backup-info", lambda call: subdirs("not-backed-up"))
    r.get("/cluster/backup-info/not-backed-up", not_backed_up, perms=[AUDIT])


def _jobs(call: Call) -> dict[str, dict[str, Any]]:
    return backup_jobs.jobs_of(call.world).jobs


def _job(call: Call) -> dict[str, Any]:
    job = _jobs(call).get(call.params["id"])
    if job is None:
        raise param_error({"id": f"No such job '{call.params['id']}'"})
    return job


def list_jobs(call: Call) -> list[dict[str, Any]]:
    return [backup_jobs.view(i, j, call.now) for i, j in _jobs(call).items()]


def read_job(call: Call) -> dict[str, Any]:
    return backup_jobs.view(call.params["id"], _job(call), call.now)


def _schedule(params: dict[str, Any]) -> None:
    """Fold a legacy starttime/dow pair into `schedule`, and check the schedule."""
    if params.get("starttime") and not params.get("schedule"):
        dow = params.get("dow") or ALL_DAYS
        days = "" if set(split_list(dow)) == set(ALL_DAYS.split(",")) else f"{dow} "
        params["schedule"] = f"{days}{params['starttime']}"
    params.pop("starttime", None)
    params.pop("dow", None)
    if params.get("schedule"):
        try:
            schedules.parse(str(params["schedule"]))
        except ValueError as exc:
            raise param_error({"schedule": f"invalid format - {exc}"}) from None


def create_job(call: Call) -> None:
    params = {k: v for k, v in call.params.items() if k != "id"}
    for key in ("tmpdir", "dumpdir", "script"):
        if key in params and call.principal.actor != "root@pam":
            raise param_error({key: "Only root may set this option."})
    _schedule(params)
    if not params.get("schedule"):
        raise param_error({"schedule": "property is missing and it is not optional"})
    params.setdefault("enabled", 1)
    vzdump_params.verify(params, True)
    digest = uuid.uuid4().hex
    job_id = call.get("id") or f"backup-{digest[:8]}-{digest[8:12]}"
    if job_id in _jobs(call):
        raise fail(f"Job ID '{job_id}' already exists")
    _jobs(call)[job_id] = params
    return None


def update_job(call: Call) -> None:
    job = _job(call)
    params = {k: v for k, v in call.params.items() if k not in ("id", "delete")}
    deleted = split_list(call.get("delete") or "")
    if not params and not deleted:
        raise fail("no options specified")
    vzdump_params.verify(params, False)
    _schedule(params)
    for key in deleted:
        if key not in {p.name for p in JOB_OPTIONS}:
            raise param_error({"delete": f"unknown option '{key}'"})
    merged = {k: v for k, v in job.items() if k not in deleted}
    merged.update(params)
    if params.get("vmid"):
        merged.pop("all", None)
        merged.pop("exclude", None)
    elif params.get("all"):
        merged.pop("vmid", None)
    vzdump_params.verify(merged, True)
    job.clear()
    job.update(merged)
    return None


def delete_job(call: Call) -> None:
    _job(call)
    del _jobs(call)[call.params["id"]]
    return None


def included_volumes(call: Call) -> dict[str, Any]:
    job = _job(call)
    children = []
    for vmids in backup_jobs.included_guests(call.world, job).values():
        for vmid in vmids:
            g = call.world.guests.get(vmid)
            if g is None:
                children.append({"id": vmid, "type": "unknown"})
                continue
            volumes = [
                {"id": key, "name": name, "included": int(included), "reason": reason}
                for key, name, included, reason in backed_up_disks_with_reasons(g)
            ]
            children.append({"id": vmid, "name": g.name, "type": g.kind, "children": volumes})
    return {"children": sorted(children, key=lambda c: c["id"])}


def not_backed_up(call: Call) -> list[dict[str, Any]]:
    covered = backup_jobs.covered(call.world)
    p = call.principal
    return [
        {"vmid": g.vmid, "name": g.name, "type": g.kind}
        for g in sorted(call.world.guests.values(), key=lambda g: g.vmid)
        if g.vmid not in covered and p.can(f"/vms/{g.vmid}", "VM.Audit")
    ]
