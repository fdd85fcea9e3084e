"""The lab's backup policy: two scheduled jobs, a few manual backups, some gaps.

Production guests go nightly to PBS, staging guests weekly to NFS. Development
guests, the templates and `backup-01` (a restic box that backs itself up) are in no
job, so `/cluster/backup-info/not-backed-up` has something to say.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pxa.sandbox.catalog import CONTAINERS, VMS

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest
    from pxa.sandbox.world import World

NIGHTLY: dict[str, Any] = {
    "schedule": "02:00",
    "storage": "pbs-main",
    "mode": "snapshot",
    "compress": "zstd",
    "prune-backups": "keep-daily=7,keep-monthly=6,keep-weekly=4",
    "notes-template": "{{guestname}}",
    "comment": "Nightly production to PBS",
    "mailnotification": "failure",
    "enabled": 1,
}
WEEKLY: dict[str, Any] = {
    "schedule": "sat 03:00",
    "storage": "nfs-backup",
    "mode": "snapshot",
    "compress": "zstd",
    "prune-backups": "keep-last=4",
    "notes-template": "{{guestname}} (weekly)",
    "comment": "Weekly staging to NFS",
    "enabled": 1,
}
# Production, but deliberately in no job: it runs its own restic backups.
UNCOVERED = ("backup-01",)
# (guest, storage, days ago, hour, notes, protected): backups someone made by hand
MANUAL: tuple[tuple[str, str, int, int, str, bool], ...] = (
    ("vpn-gateway-01", "local", 12, 16, "before WireGuard upgrade", True),
    ("dns-01", "local", 20, 11, "pre dist-upgrade", False),
    ("web-server-01", "local", 3, 14, "nginx config rework", False),
    ("monitoring-01", "nfs-backup", 33, 10, "Grafana 11 migration", True),
    ("db-01", "pbs-main", 64, 22, "before PostgreSQL 16 upgrade", True),
)
HISTORY_DAYS = 45  # how far back the nightly job has been running


def environment(g: Guest) -> str | None:
    tags = str(g.config.get("tags", "")).split(";")
    return next((e for e in ("production", "staging", "development") if e in tags), None)


def _members(world: World, env: str) -> list[int]:
    return sorted(
        g.vmid
        for g in world.guests.values()
        if not g.template and environment(g) == env and g.name not in UNCOVERED
    )


def nightly_guests(world: World) -> list[int]:
    return _members(world, "production")


def weekly_guests(world: World) -> list[int]:
    return _members(world, "staging")


def job_id(seed: int, name: str) -> str:
    """`backup-1a2b3c4d-5e6f`, the shape PVE gives jobs created without an id."""
    digest = hashlib.sha1(f"{seed}:{name}".encode()).hexdigest()
    return f"backup-{digest[:8]}-{digest[8:12]}"


def lab_jobs(world: World) -> dict[str, dict[str, Any]]:
    return {
        job_id(world.seed, "nightly"): {
            **NIGHTLY,
            "vmid": ",".join(str(v) for v in nightly_guests(world)),
        },
        job_id(world.seed, "weekly"): {
            **WEEKLY,
            "vmid": ",".join(str(v) for v in weekly_guests(world)),
        },
    }


def history_guests(world: World, vmids: list[int]) -> list[Guest]:
    """Guests that get a seeded history: the catalogue's, not thousands of extras."""
    names = {v.name for v in VMS} | {c[0] for c in CONTAINERS}
    return [world.guests[v] for v in vmids if v in world.guests and world.guests[v].name in names]
