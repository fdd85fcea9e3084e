"""Retention: the `prune-backups` property string and PVE's marking of a backup group.

The marking follows pve-storage's `prune_mark_backup_group`: newest first, keep-last
before the period rules, each period rule skipping periods already kept by an earlier
rule; protected backups are never marked for removal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from pxa.sandbox.errors import param_error

KEEP = ("keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")
PERIODS: dict[str, Callable[[int], str]] = {
    "keep-last": str,
    "keep-hourly": lambda t: time.strftime("%Y/%m/%d/%H", time.localtime(t)),
    "keep-daily": lambda t: time.strftime("%Y/%m/%d", time.localtime(t)),
    "keep-weekly": lambda t: time.strftime("%G/%V", time.localtime(t)),
    "keep-monthly": lambda t: time.strftime("%Y/%m", time.localtime(t)),
    "keep-yearly": lambda t: time.strftime("%Y", time.localtime(t)),
}


class Backup(Protocol):
    ctime: int
    protected: bool


def parse(text: str, param: str = "prune-backups") -> dict[str, int]:
    """`keep-daily=7,keep-weekly=4` → {'keep-daily': 7, 'keep-weekly': 4}."""
    out: dict[str, int] = {}
    for part in [p for p in text.split(",") if p.strip()]:
        key, sep, value = part.strip().partition("=")
        if not sep or key not in (*KEEP, "keep-all") or not value.isdigit():
            raise param_error({param: f"invalid format - unable to parse '{part.strip()}'"})
        out[key] = int(value)
    if out.get("keep-all") and any(out.get(k) for k in KEEP):
        raise param_error({param: "keep-all cannot be set together with other options."})
    if not any(out.get(k) for k in KEEP):
        return {"keep-all": 1}
    return {k: v for k, v in out.items() if k != "keep-all" and v}


def render(keep: dict[str, int]) -> str:
    return ",".join(f"{k}={keep[k]}" for k in sorted(keep))


def marks(backups: Sequence[Backup], keep: dict[str, int]) -> list[str]:
    """keep | remove | protected for each backup of one group, in the given order."""
    mark: dict[int, str] = {i: "protected" for i, b in enumerate(backups) if b.protected}
    if keep.get("keep-all") or not any(keep.get(k) for k in KEEP):
        return [mark.get(i, "keep") for i in range(len(backups))]
    order = sorted(range(len(backups)), key=lambda i: -backups[i].ctime)
    for rule in KEEP:
        count = keep.get(rule, 0)
        if not count:
            continue
        period = PERIODS[rule]
        covered = {period(backups[i].ctime) for i in order if mark.get(i) == "keep"}
        taken: set[str] = set()
        for i in order:
            pid = period(backups[i].ctime)
            if i in mark or pid in covered:
                continue
            if pid not in taken:
                if len(taken) >= count:
                    break
                taken.add(pid)
                mark[i] = "keep"
            else:
                mark[i] = "remove"
    return [mark.get(i, "remove") for i in range(len(backups))]
