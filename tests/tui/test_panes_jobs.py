"""The Jobs pane: jobs started anywhere show at once, progress live, and can be cancelled."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.job import JobStatus
from pxa.tui.modals import ConfirmWrite
from pxa.tui.widgets.job_log import JobLogView

from .helpers import notifications, settle

SIZE = (120, 40)
CLI = CallContext.of("cli", "test")  # a job another front door started


async def _jobs_pane(pilot: Any) -> Any:
    await settle(pilot)
    await pilot.press("5")
    pane = pilot.app.current_pane
    await settle(pilot, lambda: pane.jobs is not None)
    return pane


def _cell(pane: Any, job_id: str, column: str) -> str:
    return str(pane.query_one("#jobs-table", DataTable).get_cell(job_id, column))


async def test_a_job_started_from_the_core_shows_and_its_progress_reaches_100(
    make_app, infra: Infra, sandbox: Any
) -> None:
    sandbox.world.speed = 10.0  # slow enough to see the progress move
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _jobs_pane(pilot)
        assert str(pane.query_one("PaneState").content).startswith("No jobs yet.")
        seen: list[int] = []
        accepted = await infra.call("backup.create", {"vm_id": "vm-100"}, CLI)

        def done() -> bool:
            job = (pane.jobs or {}).get(accepted.job_id)
            if job is not None:
                seen.append(job.progress)
            return job is not None and job.status.finished and pane.shown is not None

        await settle(pilot, done)
        assert pane.jobs[accepted.job_id].status is JobStatus.completed
        assert _cell(pane, accepted.job_id, "progress").endswith("100%")
        assert _cell(pane, accepted.job_id, "status") == "completed"
        assert seen == sorted(seen) and seen[-1] == 100
        assert any(0 < p < 100 for p in seen)  # updated in place while it ran
        summary = str(pane.query_one("#job-summary", Static).content)
        assert "completed in" in summary and "by cli:test" in summary
        log = pane.query_one(JobLogView)
        assert log.job.id == accepted.job_id and log.written == len(log.job.logs) >= 2
        assert {entry.source for entry in log.job.logs} == {"pxa", "pve"}


async def test_cancel_asks_first_then_cancels_the_running_job(
    make_app, infra: Infra, sandbox: Any
) -> None:
    sandbox.world.speed = 2.0  # the backup now takes long enough to be cancelled
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _jobs_pane(pilot)
        accepted = await infra.call("backup.create", {"vm_id": "vm-101"}, CLI)
        await settle(pilot, lambda: _running(pane, accepted.job_id))
        table = pane.query_one("#jobs-table", DataTable)
        table.move_cursor(row=table.get_row_index(accepted.job_id))
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        assert f"job_id = {accepted.job_id}" in str(app.screen.query_one(".arguments").content)
        await pilot.press("y")
        await settle(pilot, lambda: pane.jobs[accepted.job_id].status.finished)

        assert (await infra.call("job.get", {"job_id": accepted.job_id}, CLI)).status == "cancelled"
        assert _cell(pane, accepted.job_id, "status") == "cancelled"
        toasts = [t.message for t in await notifications(pilot)]
        assert f"{accepted.job_id}: cancelled" in toasts


def _running(pane: Any, job_id: str) -> bool:
    job = (pane.jobs or {}).get(job_id)
    return job is not None and job.status is JobStatus.running
