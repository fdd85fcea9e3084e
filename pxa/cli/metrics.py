"""`pxa metrics`: cluster figures now, and a VM's series over a period."""

from __future__ import annotations

import argparse
from typing import Any

from pxa.cli.common import add_json, console, show_call

SPARK = "▁▂▃▄▅▆▇█"


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("metrics", help="cluster metrics, or a VM's over a period")
    m.add_argument("vm", nargs="?", help="a VM: show its series instead")
    m.add_argument("--period", choices=("1h", "24h", "7d", "30d"), default="1h")
    m.add_argument("--metrics", default="cpu,memory,disk,network")
    m.add_argument("--max", action="store_true", help="peaks (MAX) instead of averages")
    add_json(m)
    m.set_defaults(func=cmd_metrics)


def cmd_metrics(args: argparse.Namespace) -> int:
    if args.vm:
        payload = {
            "vm_id": args.vm,
            "period": args.period,
            "metrics": [x for x in args.metrics.split(",") if x],
            "cf": "MAX" if args.max else "AVERAGE",
        }
        return show_call(args, "monitoring.vm_metrics", payload, render_vm)
    return show_call(args, "monitoring.metrics", {}, render_system)


def sparkline(values: list[float | None], width: int = 60) -> str:
    if not values:
        return ""
    step = max(1, len(values) // width)
    buckets = [values[i : i + step] for i in range(0, len(values), step)]
    means = [
        sum(v for v in b if v is not None) / len([v for v in b if v is not None])
        if any(v is not None for v in b)
        else None
        for b in buckets
    ]
    known = [v for v in means if v is not None]
    if not known:
        return " " * len(means)
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1.0
    return "".join(
        " " if v is None else SPARK[int((v - lo) / span * (len(SPARK) - 1))] for v in means
    )


def render_vm(result: Any) -> None:
    c = console()
    c.print(f"[bold]{result.vm_id}[/] over {result.period} (a point every {result.step_seconds}s)")
    for s in result.series:
        values = [p.value for p in s.points]
        known = [v for v in values if v is not None]
        last = f"{known[-1]:.1f}" if known else "-"
        peak = f"{max(known):.1f}" if known else "-"
        c.print(f"  {s.name:<13} {sparkline(values)}  now {last} {s.unit}, peak {peak}")


def render_system(m: Any) -> None:
    from rich.table import Table

    table = Table(
        "node", "status", "cpu%", "load", "memory", "disk", "uptime", box=None, pad_edge=False
    )
    for n in m.nodes:
        mem = (
            f"{n.memory_used_mb / 1024:.0f}/{n.memory_total_mb / 1024:.0f}G"
            if n.memory_used_mb is not None and n.memory_total_mb
            else "-"
        )
        disk = f"{n.disk_used_gb:.0f}/{n.disk_total_gb:.0f}G" if n.disk_used_gb is not None else "-"
        up = f"{n.uptime_seconds // 86400}d" if n.uptime_seconds else "-"
        table.add_row(
            n.node,
            n.status,
            str(n.cpu_percent if n.cpu_percent is not None else "-"),
            str(n.load_average if n.load_average is not None else "-"),
            mem,
            disk,
            up,
        )
    c = console()
    c.print(table)
    c.print("guests: " + ", ".join(f"{v} {k}" for k, v in sorted(m.vms.items())))
    c.print(f"jobs: {m.jobs['running']} running, {m.jobs['failed_24h']} failed in 24h")
    full = [s for s in m.storage if s.used_percent is not None and s.used_percent >= 80]
    for s in full:
        c.print(f"[yellow]storage {s.storage} on {s.node} is {s.used_percent}% full[/]")
