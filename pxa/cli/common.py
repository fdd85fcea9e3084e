"""What every CLI command shares: building the core, running a call, printing results."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pxa.errors import PxaError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from pxa.core.context import CallContext, ConfirmationRequest
    from pxa.core.infra import Infra
    from pxa.models.job import Job


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="follow the job to its end")


def err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def run(
    args: argparse.Namespace,
    body: Callable[[Infra, CallContext], Awaitable[int | None]],
    *,
    autostart_jobs: bool = True,
) -> int:
    """Build the core, run `body`, translate PxaErrors to one clear line and exit code 1."""
    from pxa.config import load_settings
    from pxa.core.context import CallContext
    from pxa.runtime import build_infra

    async def main() -> int:
        infra = build_infra(load_settings(), read_only=getattr(args, "read_only", False))
        infra.jobs.autostart = autostart_jobs
        ctx = CallContext.of("cli", os.environ.get("USER"), confirm=terminal_confirmer(args))
        try:
            return int(await body(infra, ctx) or 0)
        finally:
            await infra.close()

    try:
        return asyncio.run(main())
    except PxaError as exc:
        err(exc.message)
        for item in exc.details.get("errors", []) if isinstance(exc.details, dict) else []:
            if isinstance(item, dict) and item.get("field"):
                print(f"  {item['field']}: {item.get('message')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def terminal_confirmer(args: argparse.Namespace) -> Any:
    """Ask on the terminal; with --yes (or no terminal and --yes) the CLI has confirmed."""
    if getattr(args, "yes", False):
        return None

    async def confirm(req: ConfirmationRequest) -> bool | str:
        from pxa.models.common import Risk

        if req.risk is Risk.read:
            return True
        if not sys.stdin.isatty():
            if req.risk is Risk.destructive:
                raise PxaError(
                    f"{req.title} needs confirmation: run it in a terminal or pass --yes"
                )
            return True
        if req.risk is Risk.destructive:
            return input(f"{req.prompt}: ").strip()
        return True  # a command typed at the shell is its own confirmation for writes

    return confirm


def dump(model: BaseModel | list[Any] | dict[str, Any]) -> None:
    if hasattr(model, "model_dump_json"):
        print(model.model_dump_json(indent=2))  # type: ignore[union-attr]
    else:
        print(json.dumps(model, indent=2, default=str))


def spawn_job_runner(job_id: str) -> None:
    """Hand a job to a detached `pxa job resume` so it finishes after this command exits."""
    from pxa.paths import data_dir, ensure_private_dir, private_file

    logdir = ensure_private_dir(data_dir() / "logs")
    with open(private_file(logdir / "jobs.log"), "ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "pxa", "job", "resume", job_id],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            close_fds=True,
        )


async def finish_job(infra: Infra, job_id: str, args: argparse.Namespace) -> int:
    """After a call that started a job: follow it (--wait) or hand it to a runner."""
    if not getattr(args, "wait", False):
        spawn_job_runner(job_id)
        if not getattr(args, "json", False):
            print(f"job {job_id} started; follow it with: pxa job show {job_id} --wait")
        return 0
    job = await follow(infra, job_id, quiet=getattr(args, "json", False))
    if getattr(args, "json", False):
        dump(job)
    return 0 if job.status.value == "completed" else 1


async def follow(infra: Infra, job_id: str, *, quiet: bool = False) -> Job:
    """Follow a job with a progress bar (or silently), returning it when finished."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        job = await infra.jobs.wait(job_id)
    else:
        with Progress(
            TextColumn("[bold]{task.fields[kind]}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("", total=100, kind=job_id)

            def update(job: Job) -> None:
                last = infra.jobs.repo.logs(job_id)[-1:] if job.status.value == "running" else []
                bar.update(
                    task,
                    completed=job.progress,
                    kind=job.type,
                    description=last[0].message[:60] if last else job.status.value,
                )

            job = await infra.jobs.wait(job_id, on_update=update)
    if not quiet:
        if job.status.value == "completed":
            print(f"{job.type} {job.status.value} in {job.duration_seconds or 0:.1f}s")
        else:
            err(f"{job.type} {job.status.value}: {job.error}")
    return job


def console() -> Any:
    """A rich Console that never truncates when the output goes to a pipe or a file."""
    from rich.console import Console

    # No emoji codes: a MAC such as BC:24:11:ab:... must not turn into a picture.
    out = Console(emoji=False)
    return out if out.is_terminal else Console(width=400, soft_wrap=True, emoji=False)


def job_call(args: argparse.Namespace, op: str, payload: dict[str, Any]) -> int:
    """Call an operation that starts a job, then follow it (--wait) or hand it over."""

    async def body(infra: Infra, ctx: CallContext) -> int:
        result = await infra.call(op, payload, ctx)
        job_id = getattr(result, "job_id", None) or result.creation_job_id
        if args.json and not args.wait:
            dump(result)
        elif not args.json:
            created = getattr(result, "creation_job_id", None)
            print(f"creating {result.name} ({result.id})" if created else result.message)
        if job_id is None:
            return 0
        return await finish_job(infra, job_id, args)

    return run(args, body, autostart_jobs=getattr(args, "wait", False))


def show_call(
    args: argparse.Namespace,
    op: str,
    payload: dict[str, Any],
    render: Callable[[Any], None],
) -> int:
    """Call an operation and print its result: JSON with --json, else `render`."""

    async def body(infra: Infra, ctx: CallContext) -> int:
        result = await infra.call(op, drop_none(payload), ctx)
        dump(result) if getattr(args, "json", False) else render(result)
        return 0

    return run(args, body, autostart_jobs=False)


def drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: drop_none(v) if isinstance(v, dict) else v for k, v in d.items() if v is not None}


def escape(text: str) -> str:
    """Text from the cluster is data: it must never be read as rich markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)
