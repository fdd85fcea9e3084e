"""pxa killed (SIGKILL) in the middle of a VM create: the next pxa finishes the job.

`pxa vm create … --wait` runs as a person runs it, against a sandbox slow enough that the
clone is still running in PVE when the process is killed — no cleanup, no handing over.
The job is left `running` with a dead owner. The next pxa process that follows it
(`pxa job show --wait`) takes it over, follows the same PVE task by its UPID, and finishes
the create: one clone task in PVE, one VM of that name, the job completed and its log
telling that it was resumed.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import cluster_env, make_infra

from pxa.sandbox.server import SandboxServer

SLOW = 3.0  # a full clone takes 12 s in PVE: 4 s here, long enough to be killed mid-task


@pytest.fixture
def slow_sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    server = SandboxServer(tmp_path / "sandbox", speed=SLOW)
    server.start()
    yield server
    server.stop()


def cli_env(sandbox: SandboxServer) -> dict[str, str]:
    assert sandbox.info is not None
    return cluster_env(sandbox.info)


def job_row(db: Path, **where: str) -> dict[str, Any] | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        clause = " and ".join(f"{k} = ?" for k in where)
        rows = conn.execute(f"select * from jobs where {clause}", list(where.values())).fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return None
    finally:
        conn.close()
    return dict(rows[0]) if rows else None


def clone_tasks(sandbox: SandboxServer, vmid: int) -> list[Any]:
    assert sandbox.world is not None
    tasks = sandbox.world.tasks.tasks
    return [t for t in tasks if t.type == "qmclone" and int(t.args.get("newid", -1)) == vmid]


def kill_mid_clone(sandbox: SandboxServer, env: dict[str, str], db: Path, name: str) -> Any:
    """Run `pxa vm create NAME --wait`, SIGKILL it while PVE clones; the job row left."""
    command = [sys.executable, "-m", "pxa", "vm", "create", name, "--template",
               "debian-12", "--no-start", "--wait", "--json"]  # fmt: skip
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, row = time.monotonic() + 60, None
    while time.monotonic() < deadline:  # until the clone task is running in PVE
        row = job_row(db, type="vm_creation")
        if row and row["upid"]:
            break
        time.sleep(0.05)
    assert row and row["upid"], "the create never started its clone"
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed = job_row(db, id=row["id"])
    assert killed is not None and killed["status"] == "running"  # left behind, unfinished
    assert str(first.pid) in killed["owner"]  # owned by the dead process
    assert sandbox.world is not None
    assert sandbox.world.tasks.by_upid[killed["upid"]].status == "running"  # PVE still clones
    return killed


def follow_in_a_new_pxa(env: dict[str, str], job_id: str) -> tuple[int, dict[str, Any]]:
    second = subprocess.run(
        [sys.executable, "-m", "pxa", "job", "show", job_id, "--wait", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return second.returncode, json.loads(second.stdout)


def test_a_create_killed_mid_clone_is_finished_by_the_next_pxa(
    slow_sandbox: SandboxServer, isolated: Path
) -> None:
    env, db = cli_env(slow_sandbox), isolated / "data" / "pxa.db"
    killed = kill_mid_clone(slow_sandbox, env, db, "killed-01")
    task = slow_sandbox.world.tasks.by_upid[killed["upid"]]  # type: ignore[union-attr]

    code, job = follow_in_a_new_pxa(env, killed["id"])
    assert (code, job["status"]) == (0, "completed"), job["error"]
    assert any("resumed" in line["message"] for line in job["logs"])
    # One clone in PVE: the task the killed process started, followed to its end.
    assert [t.upid for t in clone_tasks(slow_sandbox, int(task.args["newid"]))] == [killed["upid"]]
    listed = subprocess.run(
        [sys.executable, "-m", "pxa", "vm", "list", "--json", "--limit", "200"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    names = [vm["name"] for vm in json.loads(listed.stdout)["vms"]]
    assert names.count("killed-01") == 1


def test_a_clone_that_failed_while_pxa_was_dead_fails_the_job_with_the_reason(
    slow_sandbox: SandboxServer, isolated: Path
) -> None:
    env, db = cli_env(slow_sandbox), isolated / "data" / "pxa.db"
    killed = kill_mid_clone(slow_sandbox, env, db, "killed-02")
    infra = make_infra(slow_sandbox, isolated / "other.db")
    try:  # someone stops the clone in PVE while no pxa is running
        asyncio.run(infra.adapter.task_stop(killed["upid"]))
    finally:
        infra.adapter.close()

    code, job = follow_in_a_new_pxa(env, killed["id"])
    assert (code, job["status"]) == (1, "failed")
    assert "Proxmox task failed" in job["error"], job["error"]
    task = slow_sandbox.world.tasks.by_upid[killed["upid"]]  # type: ignore[union-attr]
    assert len(clone_tasks(slow_sandbox, int(task.args["newid"]))) == 1  # not cloned again
