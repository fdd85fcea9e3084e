"""Workflows: the code a job runs, written as resumable steps.

A workflow is an async function taking a `JobContext`. It keeps what it must not redo in
`ctx.state` (persisted after every step), and starts PVE tasks through `ctx.task(key, start)`,
which records the UPID before waiting: a job resumed after a crash follows the same task
instead of starting it twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pxa.errors import BackendError, BackendUnavailable, Cancelled, PxaError

if TYPE_CHECKING:
    from pxa.core.jobs import JobService
    from pxa.proxmox.adapter import ProxmoxAdapter

Workflow = Callable[["JobContext"], Awaitable[dict[str, Any] | None]]
WORKFLOWS: dict[str, Workflow] = {}


def workflow(name: str) -> Callable[[Workflow], Workflow]:
    def register(fn: Workflow) -> Workflow:
        WORKFLOWS[name] = fn
        return fn

    return register


class TaskFailed(BackendError):
    """A PVE task ended with an error; the message is PVE's exit status."""


class JobContext:
    def __init__(
        self,
        service: JobService,
        job_id: str,
        params: dict[str, Any],
        state: dict[str, Any],
    ) -> None:
        self.service = service
        self.job_id = job_id
        self.params = params
        self.state = state
        self.adapter: ProxmoxAdapter = service.adapter
        self._span = (0, 100)

    # --- reporting ----------------------------------------------------------------------
    def log(self, message: str, level: str = "info") -> None:
        self.service.log(self.job_id, message, level)

    def progress(self, percent: float) -> None:
        lo, hi = self._span
        self.service.set_progress(
            self.job_id, int(lo + (hi - lo) * max(0.0, min(percent, 100)) / 100)
        )

    def span(self, lo: int, hi: int) -> None:
        """The share of the job's progress the next step fills."""
        self._span = (lo, hi)
        self.service.set_progress(self.job_id, lo)

    def save(self) -> None:
        self.service.save_state(self.job_id, self.state)

    def check_cancelled(self) -> None:
        if self.service.cancel_requested(self.job_id):
            raise Cancelled("cancelled on request")

    # --- steps --------------------------------------------------------------------------
    async def step(self, key: str, fn: Callable[[], Awaitable[Any]]) -> Any:
        """Run `fn` once; on resume a finished step is skipped and its result reused."""
        done = self.state.setdefault("done", {})
        if key in done:
            return done[key]
        self.check_cancelled()
        result = await fn()
        done[key] = result
        self.save()
        return result

    async def task(
        self, key: str, start: Callable[[], Awaitable[str | None]], message: str | None = None
    ) -> None:
        """Start a PVE task once, then follow it to its end, merging its log into the job's.

        `message` is logged when the task is started, not again when a resumed job follows it.
        """
        done = self.state.setdefault("done", {})
        if key in done:
            return
        upids = self.state.setdefault("upids", {})
        upid = upids.get(key)
        if upid is None:
            self.check_cancelled()
            if message:
                self.log(message)
            upid = await self._start(start)
            if upid is None:  # PVE finished synchronously
                done[key] = True
                self.save()
                return
            upids[key] = upid
            self.save()
        self.service.set_upid(self.job_id, upid)
        await self.follow(upid)
        done[key] = True
        self.save()

    async def follow(self, upid: str) -> None:
        seen = int(self.state.get("log_lines", {}).get(upid, 0))
        started = time.monotonic()
        expected = float(self.state.get("expected_seconds", 10.0))
        failures = 0
        while True:
            if self.service.cancel_requested(self.job_id):
                await self._stop_task(upid)
                raise Cancelled("cancelled on request")
            try:
                status = await self.adapter.task_status(upid)
                lines = await self.adapter.task_log(upid, start=seen)
                failures = 0
            except (BackendUnavailable, BackendError) as exc:
                # Reading a task's status is safe to repeat: PVE out of reach, or a 5xx
                # answer, is waited out; the task runs on in PVE regardless.
                if not _transient(exc):
                    raise
                failures += 1
                if failures > self.service.max_follow_failures:
                    raise
                await asyncio.sleep(self.service.poll_interval * 2)
                continue
            for line in lines:
                text = line.get("t", "")
                if not text or text == "no content":
                    continue  # PVE's placeholder for an empty log: line 1 is still to come
                self.service.log(self.job_id, text, _level(text), source="pve")
                seen = max(seen, int(line.get("n", seen)))
            self.state.setdefault("log_lines", {})[upid] = seen
            if status.get("status") == "stopped":
                exit_status = status.get("exitstatus", "")
                if exit_status == "OK" or str(exit_status).startswith("WARNINGS"):
                    self.progress(100)
                    return
                raise TaskFailed(f"Proxmox task failed: {exit_status}")
            elapsed = time.monotonic() - started
            self.progress(min(95.0, 100.0 * elapsed / (elapsed + expected)))
            await asyncio.sleep(self.service.poll_interval)

    async def _start(self, start: Callable[[], Awaitable[str | None]]) -> str | None:
        """Start the task; a refused connection (nothing reached PVE) is tried again."""
        failures = 0
        while True:
            try:
                return await start()
            except BackendUnavailable as exc:
                failures += 1
                refused = exc.details.get("reason") == "connection_refused"
                if not refused or failures > self.service.max_follow_failures:
                    raise
                self.check_cancelled()
                await asyncio.sleep(self.service.poll_interval * 2)

    async def _stop_task(self, upid: str) -> None:
        try:
            await self.adapter.task_stop(upid)
            self.log(f"stopped Proxmox task {upid}", "warning")
        except PxaError as exc:
            self.log(f"could not stop Proxmox task {upid}: {exc}", "error")


def _transient(exc: PxaError) -> bool:
    if isinstance(exc, BackendUnavailable):
        return True
    return isinstance(exc, BackendError) and int(exc.details.get("status") or 0) >= 500


def _level(text: str) -> str:
    if text.startswith(("ERROR", "TASK ERROR")) or ": ERROR:" in text:
        return "error"
    if text.startswith(("WARN", "TASK WARNINGS")) or "warning" in text.lower():
        return "warning"
    return "info"


@workflow("pve_task")
async def single_task(ctx: JobContext) -> dict[str, Any] | None:
    """A job that is one PVE call returning a UPID (start, stop, snapshot, ...)."""
    p = ctx.params
    call: Any = ctx.adapter
    for part in p["method"].split("."):  # "power", or "backups.vzdump" on a sub-API
        call = getattr(call, part)

    async def start() -> str | None:
        return await call(*p.get("args", []), **p.get("kwargs", {}))

    await ctx.task("main", start, p.get("message", f"{p['method']} started"))
    if p.get("done_message"):
        ctx.log(p["done_message"])
    if p.get("event"):
        ctx.service.bus.emit(p["event"], job_id=ctx.job_id, **(p.get("result") or {}))
    return p.get("result")
