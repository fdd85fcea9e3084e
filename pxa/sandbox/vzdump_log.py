"""The lines a vzdump task prints for one guest, in vzdump's own wording.

Each function returns (seconds into the guest's backup, text) pairs; the planner
places them on the task's timeline. Durations are realistic seconds: the task
itself runs them divided by the speed factor.
"""

from __future__ import annotations

import hashlib
import time
import uuid

from pxa.sandbox.disks import human
from pxa.sandbox.guests import Guest

Line = tuple[float, str]
MiB = 1 << 20
GiB = 1 << 30
PROGRESS_STEPS = (0, 7, 19, 37, 58, 81, 100)


def stamp(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def elapsed(seconds: float) -> str:
    """`00:01:05`, vzdump's format_time."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def file_size(size: int) -> str:
    """`4.52GB`, vzdump's format_size."""
    if size < GiB:
        return f"{size // MiB}MB" if size >= MiB else f"{size // 1024}KB"
    return f"{size / GiB:.2f}GB"


def _span(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m {s % 60}s" if s >= 60 else f"{s}s"


def progress(total: int, start: float, seconds: float, upto: int = 100) -> list[Line]:
    """`INFO:  37% (11.8 GiB of 32.0 GiB) in 22s, read: ..., write: ...` lines."""
    lines = []
    for pct in PROGRESS_STEPS:
        if pct > upto:
            break
        at = seconds * pct / 100
        done = total * pct / 100
        rate = done / at if at else 0
        lines.append(
            (
                start + at,
                f"INFO: {pct:3d}% ({human(done) if done else '0.0 B'} of {human(total)}) in "
                f"{_span(at)}, read: {_rate(rate)}, write: {_rate(rate * 0.58)}",
            )
        )
    return lines


def _rate(per_second: float) -> str:
    return f"{human(per_second)}/s" if per_second else "0 B/s"


def qemu_start(
    g: Guest, disks: list[tuple[str, str, int]], pbs: bool, encrypted: bool, incremental: bool
) -> list[str]:
    """What comes between `creating ... archive` and the first progress line."""
    lines = []
    running = g.running
    agent = str(g.config.get("agent", "0")).split(",")[0] in ("1", "enabled=1")
    if not running:
        lines.append("INFO: starting kvm to execute backup task")
    if encrypted:
        lines.append("INFO: enabling encryption")
    if running and agent and g.agent_ready:
        lines.append("INFO: issuing guest-agent 'fs-freeze' command")
        lines.append("INFO: issuing guest-agent 'fs-thaw' command")
    elif running and agent:
        lines.append("INFO: skipping guest-agent 'fs-freeze', agent configured but not running?")
    task = uuid.UUID(bytes=hashlib.md5(f"{g.vmid}:{time.time()}".encode()).digest(), version=4)
    lines.append(f"INFO: started backup task '{task}'")
    if running:
        lines.append("INFO: resuming VM again")
    if pbs:
        for key, _, size in disks:
            # the dirty bitmap lives in the running QEMU: it survives only while the VM runs
            state = (
                f"OK ({human(size * 0.04)} of {human(size)} dirty)"
                if incremental and running
                else "created new"
            )
            lines.append(f"INFO: {key}: dirty-bitmap status: {state}")
    return lines


def qemu_finish(total: int, seconds: float, reused: bool, started: bool) -> list[str]:
    zero = int(total * 0.58)
    lines = [
        f"INFO: backup is sparse: {zero / GiB:.2f} GiB ({zero * 100 // max(total, 1)}%) "
        "total zero data"
    ]
    if reused:
        lines.append(
            f"INFO: backup was done incrementally, reused {total * 0.93 / GiB:.2f} GiB (93%)"
        )
    lines.append(
        f"INFO: transferred {total / GiB:.2f} GiB in {int(seconds)} seconds "
        f"({human(total / max(seconds, 1))}/s)"
    )
    if started:
        lines.append("INFO: stopping kvm after backup task")
    return lines


def failure(kind: str, pbs: bool) -> str:
    """The error a guest's backup dies with half-way (a disk or the network gave up)."""
    if pbs:
        return (
            "backup write data failed: command error: write_data upload error: "
            "pipelined request failed: connection reset"
        )
    if kind == "lxc":
        return "command 'tar' failed: exit code 2"
    return "job failed with err -5 - Input/output error"
