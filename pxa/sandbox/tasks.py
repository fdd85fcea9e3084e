"""Worker tasks on a lazy clock: UPIDs, progress, logs, completion and abort.

A task is created with a duration (realistic seconds divided by the speed factor)
and the name of the effect that completing it has. Nothing runs in the background:
`TaskBook.tick(now)` finishes every task whose end has passed, in end order, before
each request is served, so every endpoint sees the same state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from pxa.sandbox.errors import TaskError

if TYPE_CHECKING:
    from pxa.sandbox.world import World

log = logging.getLogger("pxa.sandbox")

UPID_RE = re.compile(
    r"^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):"
    r"([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$"
)
INTERRUPTED = "interrupted by signal"
KEEP_TASKS = 2000

# action name → effect(world, task, at) returning extra log lines; raises TaskError.
Effect = Callable[["World", "Task", float], list[str]]
EFFECTS: dict[str, Effect] = {}
# action name → cleanup(world, task) when a task is stopped before it completes.
CLEANUPS: dict[str, Callable[[World, Task], None]] = {}


def effect(action: str) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        EFFECTS[action] = fn
        return fn

    return register


@dataclass
class Task:
    upid: str
    node: str
    pid: int
    pstart: int
    starttime: int
    type: str
    id: str
    user: str
    start: float
    duration: float
    action: str
    args: dict[str, Any] = field(default_factory=dict)
    plan: list[tuple[float, str]] = field(default_factory=list)  # (progress, log line)
    locks: list[tuple[int, str]] = field(default_factory=list)
    status: str = "running"
    exitstatus: str | None = None
    endtime: int | None = None
    log: list[str] = field(default_factory=list)

    @property
    def end(self) -> float:
        return self.start + self.duration

    def lines(self, now: float) -> list[str]:
        if self.status == "stopped":
            return self.log
        progress = (now - self.start) / self.duration if self.duration > 0 else 1.0
        return [text for at, text in self.plan if at <= progress]

    def summary(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "upid": self.upid,
            "node": self.node,
            "pid": self.pid,
            "pstart": self.pstart,
            "starttime": self.starttime,
            "type": self.type,
            "id": self.id,
            "user": self.user,
        }
        if self.status == "stopped":
            item["endtime"] = self.endtime
            item["status"] = self.exitstatus
        return item

    def is_error(self) -> bool:
        return (
            self.status == "stopped"
            and self.exitstatus not in ("OK", None)
            and not str(self.exitstatus).startswith("WARNINGS")
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        data = dict(data)
        data["plan"] = [tuple(p) for p in data.get("plan", [])]
        data["locks"] = [tuple(p) for p in data.get("locks", [])]
        return cls(**data)


class TaskBook:
    def __init__(self, tasks: list[Task] | None = None) -> None:
        self.tasks: list[Task] = list(tasks or [])
        self.by_upid = {t.upid: t for t in self.tasks}

    def add(self, task: Task) -> Task:
        self.tasks.append(task)
        self.by_upid[task.upid] = task
        if len(self.tasks) > KEEP_TASKS:
            drop = next(t for t in self.tasks if t.status == "stopped")
            self.tasks.remove(drop)
            del self.by_upid[drop.upid]
        return task

    def running(self) -> list[Task]:
        return [t for t in self.tasks if t.status == "running"]

    def tick(self, world: World, now: float) -> bool:
        """Finish every task that is due by `now`; True when anything changed."""
        changed = False
        while True:
            due = [t for t in self.tasks if t.status == "running" and t.end <= now]
            if not due:
                return changed
            self.finish(world, min(due, key=lambda t: t.end))
            changed = True

    def finish(self, world: World, task: Task) -> None:
        at = task.end
        lines = [text for _, text in task.plan]
        try:
            lines += EFFECTS[task.action](world, task, at)
        except TaskError as exc:
            task.exitstatus = str(exc)
            lines.append(f"TASK ERROR: {exc}")
        except Exception as exc:  # a bug in an effect must not wedge the clock
            log.exception("sandbox task effect %s failed", task.action)
            task.exitstatus = f"internal error: {exc}"
            lines.append(f"TASK ERROR: {task.exitstatus}")
        else:
            warnings = sum(1 for line in lines if line.startswith("WARN: "))
            task.exitstatus = f"WARNINGS: {warnings}" if warnings else "OK"
            lines.append(f"TASK WARNINGS: {warnings}" if warnings else "TASK OK")
        self._release(world, task)
        task.status, task.endtime, task.log = "stopped", int(at), lines

    def abort(self, world: World, task: Task, now: float) -> None:
        """Stop a running task: its effect is not applied and its locks are released."""
        if task.status != "running":
            return
        lines = task.lines(now)
        cleanup = CLEANUPS.get(task.action)
        if cleanup is not None:
            cleanup(world, task)
        self._release(world, task)
        task.status, task.endtime, task.exitstatus = "stopped", int(now), INTERRUPTED
        task.log = [*lines, f"TASK ERROR: {INTERRUPTED}"]

    @staticmethod
    def _release(world: World, task: Task) -> None:
        for vmid, lock in task.locks:
            guest = world.guests.get(vmid)
            if guest is not None and guest.lock == lock:
                guest.set_lock(None)


def upid(node: str, pid: int, pstart: int, starttime: int, kind: str, ident: str, user: str) -> str:
    return f"UPID:{node}:{pid:08X}:{pstart:08X}:{starttime:08X}:{kind}:{ident}:{user}:"
