"""`pxa scan [TARGET...]`: security scans, their findings and fixes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pxa.cli.common import add_json, console, dump, err, escape, run, show_call

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra

COLOURS = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="audit VMs' security configuration through the PVE API")
    p.add_argument(
        "targets",
        nargs="*",
        default=["all"],
        help="VM ids or names, tag:<tag>, env:<environment>, or all (default)",
    )
    p.add_argument(
        "--type",
        dest="scan_type",
        default="configuration",
        choices=("vulnerability", "compliance", "configuration"),
    )
    p.add_argument("--framework", action="append", default=[], choices=("CIS", "SOC2"))
    p.add_argument("--deep", action="store_true", help="also ask running guests' agents")
    add_json(p)
    p.set_defaults(func=cmd_scan)
    f = sub.add_parser("fix", help="apply a finding's automatic fix")
    f.add_argument("finding", type=int)
    f.add_argument("--yes", "-y", action="store_true")
    add_json(f)
    f.set_defaults(
        func=lambda a: show_call(
            a,
            "security.fix",
            {"finding_id": a.finding},
            lambda r: print(f"fixed: {r.title} on {r.target}"),
        )
    )


def cmd_scan(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        accepted = await infra.call(
            "security.scan",
            {
                "scan_type": args.scan_type,
                "targets": args.targets,
                "scan_options": {"deep_scan": args.deep, "frameworks": args.framework},
            },
            ctx,
        )
        job = await infra.jobs.wait(accepted.scan.job_id)
        if job.status.value != "completed":
            err(f"scan {job.status.value}: {job.error}")
            return 1
        result = await infra.call("security.scan.get", {"scan_id": accepted.scan.id}, ctx)
        dump(result) if args.json else render(result)
        worst = {f.severity for f in result.findings}
        return 2 if worst & {"critical", "high"} else 0

    return run(args, body)


def render(result: Any) -> None:
    c = console()
    s = result.scan
    c.print(
        f"[bold]{s.id}[/] {s.type} scan of {len(s.targets)} guest(s): "
        f"{len(result.findings)} findings"
    )
    for f in result.findings:
        colour = COLOURS[f.severity]
        fix = f"  [green](pxa fix {f.id})[/]" if f.fix else ""
        c.print(
            f"[{colour}]{f.severity:<8}[/] {f.rule_id:<12} {f.target_name or f.target}: "
            f"{f.title}{fix}"
        )
        c.print(f"         [dim]{escape(f.evidence)}[/]")
    c.print()
    for g in sorted(result.scores, key=lambda g: g.compliance_score):
        v = g.vulnerabilities
        c.print(
            f"  {g.name or g.target:<20} score {g.compliance_score:>3}  "
            f"critical {v.get('critical', 0)} high {v.get('high', 0)} "
            f"medium {v.get('medium', 0)} low {v.get('low', 0)}"
        )
