"""How the Jobs, Networks, Storage, Backups, Security and Monitoring panes look at 120×40.

One class per pane, a fixed lab (seed 42) and nothing on screen that moves with the clock:
the sandbox's own clock is frozen before the lab is made (CPU, memory, uptimes, RRD points
and backup times then follow from the seed alone), times are written in UTC, and what pxa
stamps with its own clock (a job's log, a scan) reads `FROZEN_TIME`. The jobs are seeded
with fixed ids. Regenerate after a deliberate change with
`pytest tests/tui/test_panes_snapshots.py --snapshot-update` and look at every changed SVG.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import make_infra
from textual.widgets import DataTable

from pxa.tui.widgets import pane_kit

from .helpers import settle, tui_settings

ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)
FROZEN_EPOCH = 1_767_268_800.0  # 2026-01-01 12:00 UTC, the lab's "now"


class _FrozenTime:
    """The `time` module as the sandbox sees it: `time()` stands still, the rest is real."""

    def time(self) -> float:
        return FROZEN_EPOCH

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Any]:
    import pxa.sandbox
    from pxa.sandbox.server import SandboxServer

    for info in pkgutil.walk_packages(pxa.sandbox.__path__, "pxa.sandbox."):
        if not getattr(request.cls, "frozen_lab", True) or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if getattr(module, "time", None) is time:
            monkeypatch.setattr(module, "time", _FrozenTime())
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    server = SandboxServer(tmp_path / "sandbox", seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def shell(sandbox: Any, tmp_path: Path) -> Callable[..., Any]:
    def make(seed: Callable[[Any], None] | None = None) -> Any:
        from pxa.tui.app import PxaApp

        def build() -> Any:
            infra = make_infra(sandbox, tmp_path / "pxa.db")
            if seed is not None:
                seed(infra)
            return infra

        return PxaApp(
            tui_settings(),
            build=build,
            api=False,
            themes_dirs=[ROOT / "themes"],
            cursor_blink=False,
        )

    return make


@pytest.fixture
def frozen_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """What pxa itself stamps with the wall clock (job logs, scans) reads `··:··`."""
    monkeypatch.setattr(pane_kit, "FROZEN_TIME", "··:··")


def _shown(number: str, until: Callable[[Any], bool]) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(number)
        await settle(pilot, lambda: until(pilot.app.current_pane))

    return run_before


@pytest.mark.usefixtures("frozen_stamps")
class TestJobsPane:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        assert snap_compare(
            shell(seed=_seed_jobs),
            terminal_size=SIZE,
            run_before=_shown("5", lambda pane: pane.shown is not None),
        )


class TestNetworksPane:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        async def production(pilot: Any) -> None:
            await _shown("2", lambda pane: pane.networks is not None)(pilot)
            table = pilot.app.current_pane.query_one("#networks-table", DataTable)
            table.move_cursor(row=table.get_row_index("net-prod"))

        assert snap_compare(shell(), terminal_size=SIZE, run_before=production)


class TestStoragePane:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        loaded = _shown("3", lambda pane: pane.content is not None)
        assert snap_compare(shell(), terminal_size=SIZE, run_before=loaded)


class TestBackupsPane:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        loaded = _shown("4", lambda pane: pane.loaded is not None)
        assert snap_compare(shell(), terminal_size=SIZE, run_before=loaded)


@pytest.mark.usefixtures("frozen_stamps")
class TestSecurityPane:
    # A scan judges the lab against pxa's own clock (how old is the last backup?): a lab
    # made now ages with it, while a frozen one would grow older year after year.
    frozen_lab = False

    def test_after_a_scan_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        async def scanned(pilot: Any) -> None:
            await _shown("6", lambda pane: pane.loaded)(pilot)
            await pilot.press("s", "ctrl+s")
            pane = pilot.app.current_pane
            await settle(pilot, lambda: pane.result is not None and pane.history is not None)

        assert snap_compare(shell(), terminal_size=SIZE, run_before=scanned)


class TestMonitoringPane:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        loaded = _shown("7", lambda pane: pane.vm_metrics is not None)
        assert snap_compare(shell(), terminal_size=SIZE, run_before=loaded)

    def test_over_7_days_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        async def week(pilot: Any) -> None:
            await _shown("7", lambda pane: pane.vm_metrics is not None)(pilot)
            await pilot.press("w")
            pane = pilot.app.current_pane
            await settle(pilot, lambda: pane.vm_metrics.period == "7d")

        assert snap_compare(shell(), terminal_size=SIZE, run_before=week)


# --- seeded jobs ----------------------------------------------------------------------------

JOBS: list[dict[str, Any]] = [
    {
        "id": "job_vm_start_0000000004",
        "type": "vm_start",
        "status": "running",
        "progress": 45,
        "target": "vm-102",
        "actor": "tui:admin",
        "created_at": "2026-01-01T11:58:00+00:00",
        "started_at": "2026-01-01T11:58:00+00:00",
        "logs": [("info", "pxa", "starting web-server-03"), ("info", "pve", "start VM 102")],
    },
    {
        "id": "job_backup_creation_0000000003",
        "type": "backup_creation",
        "status": "failed",
        "progress": 60,
        "target": "vm-106",
        "actor": "api:ops-token",
        "created_at": "2026-01-01T11:40:00+00:00",
        "started_at": "2026-01-01T11:40:00+00:00",
        "finished_at": "2026-01-01T11:41:12+00:00",
        "error": "storage pbs-main is full",
        "logs": [
            ("info", "pxa", "backing up db-01 to pbs-main"),
            ("error", "pve", "ERROR: no space"),
        ],
    },
    {
        "id": "job_vm_clone_0000000002",
        "type": "vm_clone",
        "status": "cancelled",
        "progress": 30,
        "target": "vm-9001",
        "actor": "chat:session-7",
        "created_at": "2026-01-01T11:20:00+00:00",
        "started_at": "2026-01-01T11:20:00+00:00",
        "finished_at": "2026-01-01T11:20:40+00:00",
        "error": "cancelled on request",
        "logs": [("warning", "pxa", "cancel requested")],
    },
    {
        "id": "job_vm_snapshot_0000000001",
        "type": "vm_snapshot",
        "status": "completed",
        "progress": 100,
        "target": "vm-100",
        "actor": "cli:admin",
        "created_at": "2026-01-01T11:00:00+00:00",
        "started_at": "2026-01-01T11:00:00+00:00",
        "finished_at": "2026-01-01T11:00:07.400000+00:00",
        "result": {"vm_id": "vm-100", "snapshot": "before-upgrade"},
        "logs": [
            ("info", "pxa", "snapshot before-upgrade of web-server-01"),
            ("info", "pve", "TASK OK"),
            ("info", "pxa", "snapshot before-upgrade taken"),
        ],
    },
]


def _seed_jobs(infra: Any) -> None:
    """Four jobs with fixed ids and times; the running one is held by this very core, so
    nobody picks it up as an orphan while the screenshot is taken."""
    repo = infra.jobs.repo
    for job in JOBS:
        later = ("logs", "started_at", "finished_at", "error", "result")
        fields = {k: v for k, v in job.items() if k not in later}
        running = job["status"] == "running"
        repo.insert(
            {
                **fields,
                "params": json.dumps({"workflow": "pve_task"}),
                "state": "{}",
                "owner": infra.jobs.owner if running else None,
                "cancel_requested": 0,
            }
        )
        ended = {k: job[k] for k in later[1:] if k in job}
        repo.update(job["id"], heartbeat_at=time.time(), **ended)
        for level, source, message in job["logs"]:
            repo.add_log(job["id"], message, level, source)
