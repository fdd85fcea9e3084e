"""`pxa job ...`: list, show, follow and cancel jobs; `resume` is the detached runner."""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import TYPE_CHECKING

from pxa.cli.common import add_json, dump, follow, run

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra
    from pxa.models.job import Job


def register(sub: argparse._SubParsersAction) -> None:
    job = sub.add_parser("job", help="list, follow and cancel jobs")
    cmds = job.add_subparsers(dest="job_command", metavar="ACTION", required=True)
    p = cmds.add_parser("list", help="running and recent jobs")
    p.add_argument("--status", choices=("pending", "running", "completed", "failed", "cancelled"))
    p.add_argument("--type")
    p.add_argument("--limit", type=int, default=20)
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = cmds.add_parser("show", help="a job with its log")
    p.add_argument("job_id")
    p.add_argument("--wait", action="store_true", help="follow it to its end")
    add_json(p)
    p.set_defaults(func=cmd_show)
    p = cmds.add_parser("cancel", help="cancel a job and stop its Proxmox task")
    p.add_argument("job_id")
    add_json(p)
    p.set_defaults(func=cmd_cancel)
    p = cmds.add_parser("resume", help=argparse.SUPPRESS)
    p.add_argument("job_id")
    p.set_defaults(func=cmd_resume)


def cmd_list(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        q = {"status": args.status, "type": args.type, "limit": args.limit}
        result = await infra.call("job.list", {k: v for k, v in q.items() if v}, ctx)
        if args.json:
            dump(result)
            return 0
        if not result.jobs:
            print("no jobs yet")
        for j in result.jobs:
            took = f"{j.duration_seconds:.1f}s" if j.duration_seconds is not None else ""
            print(
                f"{j.id:<36} {j.type:<20} {j.status.value:<10} {j.progress:>3}% "
                f"{j.target or '':<10} {took} {j.error or ''}"
            )
        return 0

    return run(args, body, autostart_jobs=False)


def render(job: Job) -> None:
    print(f"{job.id}  {job.type}  {job.status.value}  {job.progress}%  target {job.target or '-'}")
    if job.error:
        print(f"error: {job.error}")
    for line in job.logs:
        src = "pve" if line.source == "pve" else "pxa"
        print(f"  {line.timestamp:%H:%M:%S} {src} {line.level:<7} {line.message}")


def cmd_show(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        if args.wait:
            await follow(infra, args.job_id, quiet=args.json)
        job = await infra.call("job.get", {"job_id": args.job_id}, ctx)
        dump(job) if args.json else render(job)
        return 0 if not args.wait or job.status.value == "completed" else 1

    return run(args, body, autostart_jobs=False)


def cmd_cancel(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        job = await infra.call("job.cancel", {"job_id": args.job_id}, ctx)
        dump(job) if args.json else print(f"{job.id}: {job.status.value}")
        return 0

    return run(args, body, autostart_jobs=False)


def cmd_resume(args: argparse.Namespace) -> int:
    """Run one job to its end in this (detached) process, once its first owner let go."""

    async def body(infra: Infra, ctx: CallContext) -> int:
        deadline = time.monotonic() + 30
        while not infra.jobs.start(args.job_id, force=True):
            if infra.jobs.get(args.job_id).status.finished or time.monotonic() > deadline:
                return 0
            await asyncio.sleep(0.2)
        job = await infra.jobs.wait(args.job_id)
        return 0 if job.status.value == "completed" else 1

    return run(args, body)
