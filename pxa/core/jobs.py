"""JobService: creates, runs, persists, resumes and cancels jobs.

Ownership is a lease in SQLite (owner + heartbeat), so a job started by one pxa process
and orphaned by a crash is picked up by the next one, which follows the same PVE task
by its UPID rather than starting it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pxa.core.workflow import WORKFLOWS, JobContext
from pxa.errors import Cancelled, NotFound, PxaError
from pxa.events import EventBus
from pxa.models.job import Job, JobList, JobQuery, JobStatus
from pxa.proxmox.adapter import ProxmoxAdapter
from pxa.store.jobs import JobRepo

log = logging.getLogger(__name__)

STALE_AFTER = 15.0  # seconds without a heartbeat before another process may take a job


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _pid_alive(owner: str | None) -> bool:
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # cannot tell for another machine: trust the heartbeat instead
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobService:
    def __init__(
        self,
        repo: JobRepo,
        adapter: ProxmoxAdapter,
        bus: EventBus,
        *,
        poll_interval: float = 0.5,
        on_finished: Callable[[Job], None] | None = None,
    ) -> None:
        self.repo = repo
        self.adapter = adapter
        self.bus = bus
        self.poll_interval = poll_interval
        self.max_follow_failures = 20
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.on_finished = on_finished
        # False in short-lived processes that hand jobs to a detached runner instead.
        self.autostart = True
        self.infra: Any = None  # set by the Infra that owns this service
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    # --- creating and running -----------------------------------------------------------
    def create(
        self,
        type_: str,
        *,
        workflow: str,
        params: dict[str, Any],
        target: str | None,
        actor: str,
        state: dict[str, Any] | None = None,
    ) -> str:
        if workflow not in WORKFLOWS:
            raise ValueError(f"unknown workflow {workflow}")
        job_id = f"job_{type_}_{uuid.uuid4().hex[:10]}"
        self.repo.insert(
            {
                "id": job_id,
                "type": type_,
                "status": JobStatus.pending.value,
                "progress": 0,
                "target": target,
                "params": json.dumps({"workflow": workflow, **params}),
                "state": json.dumps(state or {}),
                "actor": actor,
                "owner": None,
                "cancel_requested": 0,
                "created_at": _now(),
            }
        )
        self.bus.emit("job.created", job={"id": job_id, "type": type_, "target": target})
        return job_id

    def start(self, job_id: str, *, force: bool = False) -> bool:
        """Run the job in this process if nobody else holds it. False if someone does."""
        if not (self.autostart or force):
            return False
        row = self.repo.row(job_id)
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        if JobStatus(row["status"]).finished or job_id in self._tasks:
            return job_id in self._tasks
        owner = row.get("owner")
        if (
            owner
            and _pid_alive(owner)
            and time.time() - (row.get("heartbeat_at") or 0) < STALE_AFTER
        ):
            return False
        if not self.repo.claim(job_id, self.owner, owner):
            return False
        self._tasks[job_id] = asyncio.get_running_loop().create_task(self._run(job_id))
        self._ensure_heartbeat()
        return True

    def _ensure_heartbeat(self) -> None:
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        while self._tasks:
            self.repo.heartbeat(list(self._tasks), self.owner)
            await asyncio.sleep(STALE_AFTER / 3)

    async def _run(self, job_id: str) -> None:
        row = self.repo.row(job_id)
        assert row is not None
        params = json.loads(row["params"] or "{}")
        state = json.loads(row["state"] or "{}")
        fn = WORKFLOWS[params["workflow"]]
        ctx = JobContext(self, job_id, params, state)
        if row["status"] == JobStatus.pending.value:
            self.repo.update(job_id, status=JobStatus.running.value, started_at=_now())
        else:
            self.log(job_id, "resumed by a new pxa process", "warning")
        self.bus.emit("job.progressed", job={"id": job_id, "status": "running"})
        try:
            result = await fn(ctx)
        except Cancelled as exc:
            self._finish(job_id, JobStatus.cancelled, error=str(exc))
        except PxaError as exc:
            self._finish(
                job_id, JobStatus.failed, error=exc.message, result=ctx.state.get("partial")
            )
        except Exception as exc:  # a bug must still end the job, with its reason
            log.exception("job %s crashed", job_id)
            self._finish(job_id, JobStatus.failed, error=f"internal error: {exc!r}")
        else:
            self._finish(job_id, JobStatus.completed, result=result)
        finally:
            self._tasks.pop(job_id, None)

    def _finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        error: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        fields: dict[str, Any] = {"status": status.value, "finished_at": _now(), "owner": None}
        if status is JobStatus.completed:
            fields["progress"] = 100
        if error:
            fields["error"] = error
            self.log(job_id, error, "error")
        if result is not None:
            fields["result"] = result
        self.repo.update(job_id, **fields)
        job = self.repo.get(job_id, with_logs=False)
        assert job is not None
        self.bus.emit("job.completed", job=job.model_dump(mode="json"))
        if self.on_finished:
            self.on_finished(job)

    # --- persistence helpers used by JobContext -----------------------------------------
    def log(self, job_id: str, message: str, level: str = "info", source: str = "pxa") -> None:
        self.repo.add_log(job_id, message, level, source)

    def set_progress(self, job_id: str, progress: int) -> None:
        self.repo.update(job_id, progress=progress)
        self.bus.emit("job.progressed", job={"id": job_id, "progress": progress})

    def set_upid(self, job_id: str, upid: str) -> None:
        self.repo.update(job_id, upid=upid)

    def save_state(self, job_id: str, state: dict[str, Any]) -> None:
        self.repo.update(job_id, state=state)

    def cancel_requested(self, job_id: str) -> bool:
        row = self.repo.row(job_id)
        return bool(row and row.get("cancel_requested"))

    # --- reading, waiting, cancelling ---------------------------------------------------
    def get(self, job_id: str) -> Job:
        job = self.repo.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        return job

    def list(self, query: JobQuery) -> JobList:
        jobs, total = self.repo.query(query)
        return JobList(jobs=jobs, total=total)

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        on_update: Callable[[Job], None] | None = None,
    ) -> Job:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if on_update:
                on_update(job)
            if job.status.finished:
                return job
            if job_id not in self._tasks:
                self.start(job_id, force=True)  # orphaned: whoever waits takes it over
            if deadline is not None and time.monotonic() > deadline:
                return job
            await asyncio.sleep(min(self.poll_interval, 0.25))

    async def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.status.finished:
            return job
        self.repo.update(job_id, cancel_requested=1)
        self.log(job_id, "cancel requested", "warning")
        if job_id in self._tasks:
            await asyncio.wait({self._tasks[job_id]}, timeout=self.poll_interval * 10 + 5)
        elif job.status is JobStatus.pending or not self.start(job_id, force=True):
            row = self.repo.row(job_id) or {}
            if not row.get("owner") or not _pid_alive(row.get("owner")):
                if job.upid:
                    await JobContext(self, job_id, {}, {})._stop_task(job.upid)
                self._finish(job_id, JobStatus.cancelled, error="cancelled on request")
        else:
            await asyncio.wait({self._tasks[job_id]}, timeout=self.poll_interval * 10 + 5)
        return self.get(job_id)

    def orphans(self) -> list[str]:
        """Unfinished jobs nobody is running: their owner died, or never came (pending)."""
        now = time.time()
        found = []
        for r in self.repo.unfinished():
            if r["id"] in self._tasks:
                continue
            owner = r.get("owner")
            if r["status"] == JobStatus.pending.value and not owner:
                created = datetime.fromisoformat(r["created_at"]).timestamp()
                if now - created > STALE_AFTER:
                    found.append(r["id"])
            elif (
                not owner
                or not _pid_alive(owner)
                or now - (r.get("heartbeat_at") or 0) > STALE_AFTER
            ):
                found.append(r["id"])
        return found

    def resume_orphans(self) -> list[str]:
        return [j for j in self.orphans() if self.start(j, force=True)]

    async def shutdown(self) -> None:
        """Stop following jobs without failing them: another process will resume them."""
        for task in list(self._tasks.values()):
            task.cancel()
        for job_id in list(self._tasks):
            self.repo.update(job_id, owner=None)
        if self._heartbeat:
            self._heartbeat.cancel()
