"""`pxa` with no command (until the TUI lands) and `pxa status`: the cluster summary."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pxa.cli.common import add_json, dump, run
from pxa.cli.common import console as make_console

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra
    from pxa.models.cluster import ClusterSummary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="the cluster at a glance")
    add_json(p)
    p.set_defaults(func=summary)


def summary(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        from pxa.models.cluster import NoInput

        result = await infra.call("cluster.summary", NoInput(), ctx)
        if getattr(args, "json", False):
            dump(result)
        else:
            render(result)
        return 0

    return run(args, body)


def render(s: ClusterSummary) -> None:
    from rich.table import Table

    console = make_console()
    badge = "[black on yellow] SANDBOX [/] " if s.sandbox else ""
    ro = " [black on cyan] READ-ONLY [/]" if s.read_only else ""
    name = s.cluster_name or "cluster"
    console.print(f"{badge}[bold]{name}[/] — Proxmox VE {s.version or '?'} at {s.url}{ro}")
    nodes = Table("node", "status", "cpu", "memory", "guests", box=None, pad_edge=False)
    for n in s.nodes:
        colour = "green" if n.status == "online" else "red"
        cpu = (
            f"{n.cpu_usage_percent:.0f}% of {n.cpu_cores}"
            if n.cpu_usage_percent is not None
            else "-"
        )
        mem = (
            f"{(n.memory_used_mb or 0) / 1024:.1f}/{n.memory_total_mb / 1024:.0f} GiB"
            if n.memory_total_mb
            else "-"
        )
        nodes.add_row(n.name, f"[{colour}]{n.status}[/]", cpu, mem, str(n.guests))
    console.print(nodes)
    by_status = ", ".join(f"{v} {k}" for k, v in sorted(s.vms_by_status.items()))
    by_env = ", ".join(f"{v} {k}" for k, v in sorted(s.vms_by_environment.items()))
    console.print(f"VMs: {s.vms} ({by_status}); by environment: {by_env}")
    console.print(
        f"containers: {s.containers}, templates: {s.templates}, running jobs: {s.running_jobs}"
    )
    if s.sandbox:
        console.print(
            "[dim]This is pxa's built-in sandbox: a simulated cluster. Try "
            "`pxa vm list`, `pxa vm create demo-01 --template ubuntu-22.04 --wait`.[/]"
        )
