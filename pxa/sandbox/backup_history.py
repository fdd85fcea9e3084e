"""The lab's backup history: what the two jobs and a few people left behind.

Times are anchored to the day the world was created (local time, like vzdump's
archive names), so a lab always has last night's backups; the rest follows from the
seed. The job histories are pruned by the jobs' own retention, as PVE would have.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pxa.sandbox import backup_lab, prune
from pxa.sandbox.backup_archive import backup_volume, guest_record
from pxa.sandbox.stats import unit
from pxa.sandbox.volumes import Volume

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest
    from pxa.sandbox.storage_state import StorageState
    from pxa.sandbox.world import World

DAY = 86400
SLOT = 75  # seconds one guest's backup takes inside a job run
FAILED_VERIFY = ("k8s-worker-02", 5)  # (guest, days ago): a verify job found bad chunks


def _midnight(t: float) -> float:
    lt = time.localtime(t)
    return time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))


def _last_run(created: float, hour: int, weekday: int | None = None) -> float:
    """The latest run at `hour` (on `weekday`, 0 = Monday) that ended before `created`."""
    t = _midnight(created) + hour * 3600
    while t + 3600 > created or (weekday is not None and time.localtime(t).tm_wday != weekday):
        t -= DAY
    return t


def generate(world: World, state: StorageState) -> list[Volume]:
    vols = _nightly(world, state) + _weekly(world) + _manual(world, state)
    return sorted(vols, key=lambda v: (v.storage, v.node or "", v.volid))


def _nightly(world: World, state: StorageState) -> list[Volume]:
    conf = state.configs["pbs-main"]
    keep = prune.parse(backup_lab.NIGHTLY["prune-backups"])
    anchor = _last_run(world.created, 2)
    out: list[Volume] = []
    guests = backup_lab.history_guests(world, backup_lab.nightly_guests(world))
    for slot, g in enumerate(guests):
        times = [
            anchor - day * DAY + slot * SLOT + int(unit(world.seed, g.vmid, day) * 20)
            for day in range(backup_lab.HISTORY_DAYS)
        ]
        record = guest_record(g)  # the guest did not change over these weeks
        for ctime in _kept(times, keep):
            vol = backup_volume(
                g,
                "pbs-main",
                "pbs",
                ctime,
                notes=g.name,
                record=record,
                encrypted=conf.get("encryption-key"),
            )
            _verify(vol, g, anchor)
            out.append(vol)
    return out


@dataclass
class _Run:
    ctime: int
    protected: bool = False


def _kept(times: list[float], keep: dict[str, int]) -> list[float]:
    """The run times a job's retention would still hold."""
    runs = [_Run(int(t)) for t in times]
    return [t for t, m in zip(times, prune.marks(runs, keep), strict=True) if m == "keep"]


def _verify(vol: Volume, g: Guest, anchor: float) -> None:
    days = round((anchor - vol.ctime) / DAY)
    if days == 0:
        return  # last night's backups have not been verified yet
    state = "failed" if (g.name, days) == FAILED_VERIFY else "ok"
    started = int(vol.ctime) + 3 * 3600
    vol.verification = {
        "state": state,
        "upid": f"UPID:pbs-01:{0x1F00 + g.vmid:08X}:{0x3A000 + days:08X}:00000002:"
        f"{started:08X}:verificationjob:backups\\x3av\\x2ddaily:root@pam:",
    }


def _weekly(world: World) -> list[Volume]:
    keep = prune.parse(backup_lab.WEEKLY["prune-backups"])
    anchor = _last_run(world.created, 3, weekday=5)
    out: list[Volume] = []
    guests = backup_lab.history_guests(world, backup_lab.weekly_guests(world))
    for slot, g in enumerate(guests):
        times = [
            anchor - week * 7 * DAY + slot * SLOT + int(unit(world.seed, g.vmid, week) * 20)
            for week in range(6)
        ]
        record = guest_record(g)
        out += [
            backup_volume(g, "nfs-backup", "nfs", ctime, notes=f"{g.name} (weekly)", record=record)
            for ctime in _kept(times, keep)
        ]
    return out


def _manual(world: World, state: StorageState) -> list[Volume]:
    by_name = {g.name: g for g in world.guests.values()}
    out = []
    for name, storeid, days, hour, notes, protected in backup_lab.MANUAL:
        g = by_name.get(name)
        if g is None:
            continue
        conf = state.configs[storeid]
        ctime = _midnight(world.created) - days * DAY + hour * 3600 + 17 * (g.vmid % 7)
        out.append(
            backup_volume(
                g,
                storeid,
                conf["type"],
                ctime,
                notes=notes,
                protected=protected,
                encrypted=conf.get("encryption-key") if conf["type"] == "pbs" else None,
                node=None if state.shared(storeid) else g.node,
            )
        )
    return out
