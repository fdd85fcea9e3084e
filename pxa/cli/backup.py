"""`pxa backup ...`: backups across storages, create, restore, delete, schedules, coverage."""

from __future__ import annotations

import argparse
from typing import Any

from pxa.cli.common import add_json, add_wait, console, escape, job_call, show_call


def register(sub: argparse._SubParsersAction) -> None:
    bk = sub.add_parser("backup", help="backups, restores and backup schedules")
    cmds = bk.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    p = cmds.add_parser("list", help="backups on every storage, newest first")
    p.add_argument("--vm")
    p.add_argument("--storage")
    p.add_argument("--limit", type=int, default=50)
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a, "backup.list", {"vm_id": a.vm, "storage": a.storage, "limit": a.limit}, render_list
        )
    )
    p = cmds.add_parser("show")
    p.add_argument("backup", help="bkp_... or the volid")
    add_json(p)
    p.set_defaults(func=lambda a: show_call(a, "backup.get", {"backup_id": a.backup}, render))
    p = cmds.add_parser("create", help="back up a VM now")
    p.add_argument("vm")
    p.add_argument("--storage")
    p.add_argument("--mode", choices=("snapshot", "suspend", "stop"), default="snapshot")
    p.add_argument("--compression", choices=("zstd", "gzip", "lzo", "none"), default="zstd")
    p.add_argument("--encrypt", action="store_true", help="needs a PBS storage with a key")
    p.add_argument("--notes")
    p.add_argument("--protected", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(
        func=lambda a: job_call(
            a,
            "backup.create",
            {
                "vm_id": a.vm,
                "storage": a.storage,
                "mode": a.mode,
                "compression": a.compression,
                "encryption": a.encrypt,
                "description": a.notes,
                "protected": a.protected,
            },
        )
    )
    p = cmds.add_parser("restore", help="restore as a new VM, or --over the original")
    p.add_argument("backup")
    p.add_argument("--over", action="store_true", help="overwrite the original VM (stopped)")
    p.add_argument("--vmid", type=int)
    p.add_argument("--storage")
    p.add_argument("--start", action="store_true")
    p.add_argument("--yes", "-y", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(
        func=lambda a: job_call(
            a,
            "backup.restore",
            {
                k: v
                for k, v in {
                    "backup_id": a.backup,
                    "target": "same" if a.over else "new",
                    "vmid": a.vmid,
                    "storage": a.storage,
                    "start": a.start,
                }.items()
                if v is not None
            },
        )
    )
    p = cmds.add_parser("delete")
    p.add_argument("backup")
    p.add_argument("--yes", "-y", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=lambda a: job_call(a, "backup.delete", {"backup_id": a.backup}))
    p = cmds.add_parser("coverage", help="guests no backup schedule covers")
    add_json(p)
    p.set_defaults(func=lambda a: show_call(a, "backup.coverage", {}, render_coverage))

    sch = cmds.add_parser("schedule", help="backup schedules (PVE backup jobs)")
    scmds = sch.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    p = scmds.add_parser("list")
    add_json(p)
    p.set_defaults(func=lambda a: show_call(a, "backup.schedule.list", {}, render_schedules))
    p = scmds.add_parser("create", help="e.g. --at '02:00' --storage pbs-main --all --keep-daily 7")
    p.add_argument("--at", dest="schedule", required=True, help="systemd calendar event")
    p.add_argument("--storage", required=True)
    p.add_argument("--all", action="store_true")
    p.add_argument("--vm", action="append", default=[], dest="vm_ids")
    p.add_argument("--exclude", action="append", default=[])
    p.add_argument("--mode", choices=("snapshot", "suspend", "stop"), default="snapshot")
    p.add_argument("--compression", choices=("zstd", "gzip", "lzo", "none"), default="zstd")
    for keep in ("last", "daily", "weekly", "monthly", "yearly"):
        p.add_argument(f"--keep-{keep}", type=int)
    p.add_argument("--comment")
    p.add_argument("--disabled", action="store_true")
    add_json(p)
    p.set_defaults(func=cmd_schedule_create)
    p = scmds.add_parser("delete")
    p.add_argument("schedule")
    p.add_argument("--yes", "-y", action="store_true")
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a, "backup.schedule.delete", {"schedule_id": a.schedule}, lambda m: print(m.message)
        )
    )


def cmd_schedule_create(args: argparse.Namespace) -> int:
    retention = {
        f"keep_{k}": getattr(args, f"keep_{k}")
        for k in ("last", "daily", "weekly", "monthly", "yearly")
    }
    payload: dict[str, Any] = {
        "schedule": args.schedule,
        "storage": args.storage,
        "all": args.all,
        "vm_ids": args.vm_ids,
        "exclude": args.exclude,
        "mode": args.mode,
        "compression": args.compression,
        "enabled": not args.disabled,
        "retention": {k: v for k, v in retention.items() if v is not None},
        "comment": args.comment,
    }
    return show_call(args, "backup.schedule.create", payload, lambda s: render_schedules_of([s]))


def render_list(result: Any) -> None:
    from rich.table import Table

    table = Table(
        "id",
        "vm",
        "created",
        "storage",
        "size",
        "format",
        "flags",
        "notes",
        box=None,
        pad_edge=False,
    )
    for b in result.backups:
        flags = ",".join(
            f
            for f, on in (
                ("protected", b.protected),
                ("encrypted", b.encrypted),
                (f"verify:{b.verification}", b.verification),
            )
            if on
        )
        table.add_row(
            b.id,
            f"{b.vm_name or '?'} ({b.vmid})",
            f"{b.created_at:%Y-%m-%d %H:%M}" if b.created_at else "-",
            b.storage,
            f"{b.size_gb:.1f}G" if b.size_gb else "-",
            f"{b.format or '-'}/{b.compression or '-'}",
            flags,
            (b.notes or "")[:30],
        )
    console().print(table)
    console().print(f"[dim]{len(result.backups)} of {result.total}[/]")


def render(b: Any) -> None:
    c = console()
    c.print(f"[bold]{b.id}[/] {b.volid}")
    c.print(f"  {b.vm_name or '?'} ({b.vm_id}), {b.created_at}, {b.size_gb} GiB on {b.storage}")
    c.print(
        f"  format {b.format}, compression {b.compression}, protected {b.protected}, "
        f"encrypted {b.encrypted}, verification {b.verification or 'unknown'}"
    )
    if b.notes:
        c.print(f"  notes: {escape(b.notes)}")


def render_schedules(result: Any) -> None:
    render_schedules_of(result.schedules)


def render_schedules_of(schedules: list[Any]) -> None:
    for s in schedules:
        which = "all guests" if s.all else ", ".join(s.vm_ids) or "-"
        if s.exclude:
            which += f" except {', '.join(s.exclude)}"
        keep = ", ".join(
            f"{k.removeprefix('keep_')} {v}"
            for k, v in s.retention.model_dump().items()
            if v is not None
        )
        state = "" if s.enabled else " (disabled)"
        console().print(f"{s.id}: {s.schedule} → {s.storage}, {which}; keep {keep or 'all'}{state}")


def render_coverage(result: Any) -> None:
    if not result.uncovered:
        print("every guest is covered by a backup schedule")
    for gid in result.uncovered:
        print(f"{gid}  {result.names.get(gid, '')}  not covered by any enabled schedule")
