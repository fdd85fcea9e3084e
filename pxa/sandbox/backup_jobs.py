"""Scheduled backup jobs (jobs.cfg, type vzdump) and which guests each one covers.

Options are stored as sent; reading a job parses the property strings PVE returns
as objects (`prune-backups`, `fleecing`, `performance`) and adds `next-run`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pxa.sandbox import backup_lab, schedules
from pxa.sandbox.formats import split_list

if TYPE_CHECKING:
    from pxa.sandbox.world import World

OBJECT_OPTIONS = ("prune-backups", "fleecing", "performance")


class BackupJobs:
    key: ClassVar[str] = "backup_jobs"

    def __init__(self, jobs: dict[str, dict[str, Any]]) -> None:
        self.jobs = jobs  # id → options, in creation order

    @classmethod
    def generate(cls, world: World) -> BackupJobs:
        return cls(backup_lab.lab_jobs(world))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BackupJobs:
        return cls(dict(data.get("jobs", {})))

    def to_dict(self) -> dict[str, Any]:
        return {"jobs": self.jobs}


def jobs_of(world: World) -> BackupJobs:
    state = world.areas[BackupJobs.key]
    assert isinstance(state, BackupJobs)
    return state


def view(job_id: str, job: dict[str, Any], now: float) -> dict[str, Any]:
    """A job as `/cluster/backup` returns it."""
    out: dict[str, Any] = {"id": job_id, "type": "vzdump", **job}
    for key in OBJECT_OPTIONS:
        if isinstance(out.get(key), str):
            out[key] = _property_object(out[key])
    out.setdefault("enabled", 1)
    if out.get("schedule") and out.get("enabled"):
        try:
            nxt = schedules.next_run(schedules.parse(str(out["schedule"])), now)
        except ValueError:
            nxt = None
        if nxt is not None:
            out["next-run"] = nxt
    return out


def _property_object(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:  # a default key: fleecing's `enabled`
            key, value = "enabled", key
        out[key.strip()] = int(value) if value.strip().lstrip("-").isdigit() else value.strip()
    return out


def included_guests(world: World, job: dict[str, Any]) -> dict[str, list[int]]:
    """node → VMIDs the job backs up there; '' holds VMIDs that no longer exist.

    As PVE's get_included_guests: an explicit `vmid` list, or `all` minus `exclude`;
    a `node` restriction skips guests elsewhere.
    """
    if job.get("vmid"):
        vmids = [int(v) for v in split_list(str(job["vmid"]))]
    elif job.get("all"):
        exclude = {int(v) for v in split_list(str(job.get("exclude", "")))}
        vmids = [v for v in world.guests if v not in exclude]
    else:
        return {}
    out: dict[str, list[int]] = {}
    for vmid in sorted(set(vmids)):
        g = world.guests.get(vmid)
        if g is None:
            out.setdefault("", []).append(vmid)
        elif not job.get("node") or job["node"] == g.node:
            out.setdefault(g.node, []).append(vmid)
    return out


def covered(world: World) -> set[int]:
    """VMIDs some job includes. PVE counts disabled jobs too (BackupInfo.pm)."""
    out: set[int] = set()
    for job in jobs_of(world).jobs.values():
        for vmids in included_guests(world, job).values():
            out.update(vmids)
    return out
